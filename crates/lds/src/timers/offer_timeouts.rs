//! Pending requests nobody took in time time out (and a missed call-now may be called back).

use chrono::{DateTime, Utc};

use super::BATCH;
use crate::domain::requests::timeouts;
use crate::fanout::Fanout;

pub(super) async fn run_once(fanout: &Fanout, now: DateTime<Utc>) {
    match timeouts::time_out_expired(&fanout.store, now, BATCH).await {
        Ok((_, published)) => fanout.publish(published).await,
        Err(e) => tracing::warn!("timing out requests: {e:#}"),
    }
}

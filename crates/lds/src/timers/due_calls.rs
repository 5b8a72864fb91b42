//! Scheduled calls whose time has come are offered.

use chrono::{DateTime, Utc};

use super::BATCH;
use crate::domain::requests::due_calls;
use crate::fanout::Fanout;

pub(super) async fn run_once(fanout: &Fanout, now: DateTime<Utc>) {
    match due_calls::offer_due(&fanout.store, now, BATCH).await {
        Ok((_, published)) => fanout.publish(published).await,
        Err(e) => tracing::warn!("offering due scheduled calls: {e:#}"),
    }
}

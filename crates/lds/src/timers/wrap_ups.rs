//! Wrap-ups whose time ran out are closed (disposition `timeout`); the agents are available.

use chrono::{DateTime, Utc};

use super::BATCH;
use crate::domain::queues::wrap_up;
use crate::fanout::Fanout;

pub(super) async fn run_once(fanout: &Fanout, now: DateTime<Utc>) {
    match wrap_up::time_out(&fanout.store, now, BATCH).await {
        Ok((_, published)) => fanout.publish(published).await,
        Err(e) => tracing::warn!("closing wrap-ups: {e:#}"),
    }
}

//! Events older than the retention, intake idempotency keys older than a day and long-expired
//! tokens are deleted.

use chrono::{DateTime, Duration, Utc};

use crate::domain::log;
use crate::fanout::Fanout;

pub(super) async fn run_once(fanout: &Fanout, now: DateTime<Utc>, event_retention: Duration) {
    match log::prune(&fanout.store, now, event_retention).await {
        Ok(pruned) => {
            if pruned.events > 0 {
                tracing::info!(
                    events = pruned.events,
                    "pruned events older than the retention"
                );
            }
            if pruned.idempotency_keys > 0 {
                tracing::debug!(
                    keys = pruned.idempotency_keys,
                    "pruned intake idempotency keys older than a day"
                );
            }
        }
        Err(e) => tracing::warn!("pruning old events: {e:#}"),
    }
}

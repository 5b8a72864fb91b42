//! Longest-idle queues: an offer whose ring ran out passes to the next agent.

use chrono::{DateTime, Utc};

use super::BATCH;
use crate::domain::requests::ringing;
use crate::fanout::Fanout;

pub(super) async fn run_once(fanout: &Fanout, now: DateTime<Utc>) {
    match ringing::pass_on_expired(&fanout.store, now, BATCH).await {
        Ok((_, published)) => fanout.publish(published).await,
        Err(e) => tracing::warn!("passing on rings: {e:#}"),
    }
}

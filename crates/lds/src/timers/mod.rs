//! The timers edge: what happens because time passes. Every [`TICK`], [`offer_timeouts`],
//! [`ring_passes`], [`wrap_ups`], [`due_calls`] and [`call_cases`]; every minute, [`pruning`]. Each calls its domain transaction and publishes
//! what it returns. [`dashboard`] runs on its own, faster tick: it pushes the queues' live
//! numbers.
//!
//! Every change is a conditional update (`WHERE state = …`), so several processes may run these
//! timers on one database and every transition still happens exactly once.

mod call_cases;
pub(crate) mod dashboard;
mod due_calls;
mod offer_timeouts;
mod pruning;
mod ring_passes;
mod wrap_ups;

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};

use crate::fanout::Fanout;

/// How often the timers look for due work. Timeouts and due calls are late by at most this.
pub(crate) const TICK: StdDuration = StdDuration::from_millis(500);
/// Rows handled per transaction, so one tick never holds the writer for long.
const BATCH: i64 = 200;
/// How often old events, keys and tokens are pruned.
const PRUNE_EVERY: Duration = Duration::seconds(60);

/// The call cases' scan and its notices, as each tick runs it (also `testing::Probe`'s).
pub(crate) async fn scan_call_cases(fanout: &Fanout) {
    call_cases::run_once(fanout).await;
}

/// Runs until the process ends.
pub(crate) async fn run(fanout: Fanout, event_retention: Duration) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_prune = Utc::now() - Duration::days(1);
    loop {
        tick.tick().await;
        let now = Utc::now();
        offer_timeouts::run_once(&fanout, now).await;
        ring_passes::run_once(&fanout, now).await;
        wrap_ups::run_once(&fanout, now).await;
        due_calls::run_once(&fanout, now).await;
        scan_call_cases(&fanout).await;
        if now - last_prune > PRUNE_EVERY {
            last_prune = now;
            pruning::run_once(&fanout, now, event_retention).await;
        }
    }
}

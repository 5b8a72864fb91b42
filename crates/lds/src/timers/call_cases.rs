//! The call cases' scan (`domain::call_cases::scan`) every tick, on the store's clock (which
//! tests move forward instead of sleeping).

use headsup_protocol::call_cases::CaseChange;

use crate::domain::call_cases::scan::Scanned;
use crate::fanout::{case_notices, Fanout};

/// Cases of each kind changed per transaction.
const BATCH: i64 = 500;

pub(super) async fn run_once(fanout: &Fanout) {
    let store = &fanout.store;
    loop {
        match crate::domain::call_cases::scan::run(store, store.clock.now(), BATCH).await {
            // A full batch: more may be waiting.
            Ok(done) => {
                tell(fanout, &done).await;
                if !done.full(BATCH as usize) {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!("call case scan failed: {e:#}");
                return;
            }
        }
    }
}

/// Expired cases changed; a case taken back to the pool tells the agent it was taken from, and
/// is due for the pool; cases come due tell their assignee or the pool.
async fn tell(fanout: &Fanout, done: &Scanned) {
    for &case in &done.expired {
        case_notices::send(fanout, case, CaseChange::Changed, None).await;
    }
    for &(case, agent) in &done.to_pool {
        case_notices::send(fanout, case, CaseChange::ToPool, Some(agent)).await;
        case_notices::send(fanout, case, CaseChange::Due, None).await;
    }
    for &case in &done.due {
        case_notices::send(fanout, case, CaseChange::Due, None).await;
    }
}

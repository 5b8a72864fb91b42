//! The call cases' scan (`domain::call_cases::scan`) every tick, on the store's clock (which
//! tests move forward instead of sleeping).

use crate::fanout::Fanout;

/// Cases of each kind changed per transaction.
const BATCH: i64 = 500;

pub(super) async fn run_once(fanout: &Fanout) {
    let store = &fanout.store;
    loop {
        match crate::domain::call_cases::scan::run(store, store.clock.now(), BATCH).await {
            // A full batch: more may be waiting.
            Ok(done) if done.full(BATCH as usize) => continue,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!("call case scan failed: {e:#}");
                return;
            }
        }
    }
}

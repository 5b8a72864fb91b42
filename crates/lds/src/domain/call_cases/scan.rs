//! What time does to cases (run by `timers::call_cases`): an open case past its expiry closes
//! `expired`; an assigned case overdue by its list's grace period goes to the list's pool (the
//! agent it was taken from is named in the history); a case whose due time came is marked due,
//! once per due time. Every change is conditional on the case still being open, so several
//! processes may scan one database.

use chrono::{DateTime, Utc};
use headsup_protocol::call_cases::CaseClosure;
use headsup_protocol::{AgentId, CallCaseId};

use crate::data::call_cases as rows;
use crate::domain::Store;

/// What one scan changed.
#[derive(Debug, Default)]
pub(crate) struct Scanned {
    pub(crate) expired: Vec<CallCaseId>,
    /// Each case and the agent it was taken from.
    pub(crate) to_pool: Vec<(CallCaseId, AgentId)>,
    pub(crate) due: Vec<CallCaseId>,
}

impl Scanned {
    /// Whether some kind filled its batch (more may be waiting).
    pub(crate) fn full(&self, batch: usize) -> bool {
        [self.expired.len(), self.to_pool.len(), self.due.len()]
            .into_iter()
            .any(|n| n >= batch)
    }
}

/// One scan, in one transaction, of at most `batch` cases of each kind.
pub(crate) async fn run(store: &Store, now: DateTime<Utc>, batch: i64) -> anyhow::Result<Scanned> {
    let mut w = store.db.begin_write().await?;
    let mut done = Scanned::default();
    for id in rows::expired(&mut w.tx, now, batch).await? {
        let closure = CaseClosure::Expired;
        if rows::close(&mut w.tx, id, closure, now, None).await? {
            done.expired.push(id);
        }
    }
    for (id, agent) in rows::overdue_past_grace(&mut w.tx, now, batch).await? {
        rows::set_assignee(&mut w.tx, id, None).await?;
        rows::add_history(&mut w.tx, id, now, "to_pool", Some(agent), None, None).await?;
        done.to_pool.push((id, agent));
    }
    for id in rows::take_newly_due(&mut w.tx, now, batch).await? {
        rows::add_history(&mut w.tx, id, now, "due", None, None, None).await?;
        done.due.push(id);
    }
    w.commit().await?;
    Ok(done)
}

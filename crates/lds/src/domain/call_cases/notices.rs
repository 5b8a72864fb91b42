//! Who hears of a case's change, and what each of them sees: everyone who may work its list for
//! `new`, `changed` and (the agent it was taken from) `to_pool`; for `due`, its assignee, else
//! the pool — only those available and not in a session. A read, after the change committed.

use headsup_protocol::call_cases::{CallCase, CaseChange};
use headsup_protocol::{AgentId, CallCaseId};

use crate::data::{call_cases as rows, call_lists};
use crate::domain::Store;

/// Each agent to tell, with the case as that agent may see it.
pub(crate) async fn audience(
    store: &Store,
    case: CallCaseId,
    change: CaseChange,
    told: Option<AgentId>,
) -> anyhow::Result<Vec<(AgentId, CallCase)>> {
    let mut conn = store.db.pool.acquire().await?;
    let Some(state) = rows::state(&mut conn, case).await? else {
        return Ok(Vec::new());
    };
    let agents = match change {
        CaseChange::ToPool => told.into_iter().collect(),
        CaseChange::Due => match rows::assignee(&mut conn, case).await? {
            Some(agent) if call_lists::is_free(&mut conn, agent).await? => vec![agent],
            Some(_) => Vec::new(),
            None => call_lists::workers(&mut conn, state.list, true).await?,
        },
        CaseChange::New | CaseChange::Changed => {
            call_lists::workers(&mut conn, state.list, false).await?
        }
    };
    let mut out = Vec::with_capacity(agents.len());
    for agent in agents {
        if let Some(seen) = rows::load(&mut conn, case, agent).await? {
            out.push((agent, seen));
        }
    }
    Ok(out)
}

//! Calling a case: one agent at a time, decided by one conditional `UPDATE` (open, nobody
//! calling, the agent's or the pool's, a list the agent may work). The winner's call counts one
//! attempt; an offer (a `due` the agent let pass) counts none. The call itself is dialled by the
//! edge through telephony, agent leg first.

use headsup_protocol::call_cases::CallCase;
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{CallCaseId, ErrorCode};

use super::{full, workable};
use crate::data::accounts;
use crate::data::call_cases as rows;
use crate::domain::Store;
use crate::error::{LdsError, LdsResult};

/// Whether the claim was won, and the case as it is now.
pub(crate) async fn call(store: &Store, agent: &AgentInfo, id: CallCaseId) -> LdsResult<CallCase> {
    let now = store.clock.now();
    let mut w = store.db.begin_write().await?;
    if accounts::is_busy(&mut w.tx, agent.id).await? {
        return Err(LdsError::new(
            ErrorCode::Busy,
            "you are in a session; end it before calling a case",
        ));
    }
    if !rows::claim(&mut w.tx, id, agent.id).await? {
        return Err(why_not(&mut w.tx, agent, id).await?);
    }
    rows::add_history(&mut w.tx, id, now, "called", Some(agent.id), None, None).await?;
    let case = full(&mut w.tx, agent, id).await?;
    w.commit().await?;
    Ok(case)
}

/// Why a claim changed nothing: `not_found`, then `not_pending` (closed), then
/// `already_taken` (someone calls it), then `not_offered` (another agent's case).
async fn why_not(
    conn: &mut sqlx::AnyConnection,
    agent: &AgentInfo,
    id: CallCaseId,
) -> LdsResult<LdsError> {
    let state = match workable(conn, agent, id).await {
        Ok(state) => state,
        Err(e) => return Ok(e),
    };
    Ok(if !state.open {
        LdsError::new(ErrorCode::NotPending, format!("call case {id} is closed"))
    } else if let Some(by) = state.calling {
        let name = accounts::agent_info(conn, by).await?.name;
        LdsError::new(
            ErrorCode::AlreadyTaken,
            format!("{name} is calling case {id}"),
        )
    } else {
        LdsError::new(
            ErrorCode::NotOffered,
            format!("call case {id} is assigned to another agent"),
        )
    })
}

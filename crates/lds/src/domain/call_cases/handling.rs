//! After the call: the agent picks one of the list's handling codes, and [`retry::after_call`]
//! decides whether the case closes or when it is offered again. Only the agent calling the case
//! may handle it; handling ends their call.

use chrono::{DateTime, FixedOffset, Utc};
use headsup_protocol::call_cases::{CallCase, CodeEffect};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{CallCaseId, ErrorCode};

use super::retry::{self, Limits, Next};
use super::{bulk, full, workable};
use crate::data::{call_cases as rows, call_lists};
use crate::domain::Store;
use crate::error::{LdsError, LdsResult};

pub(crate) async fn handle(
    store: &Store,
    agent: &AgentInfo,
    id: CallCaseId,
    code: &str,
    call_back_at: Option<DateTime<FixedOffset>>,
    note: Option<&str>,
) -> LdsResult<CallCase> {
    let now = store.clock.now();
    let note = note.map(bulk::clean_note).transpose()?;
    let mut w = store.db.begin_write().await?;
    let state = workable(&mut w.tx, agent, id).await?;
    if !state.open {
        return Err(LdsError::new(
            ErrorCode::NotPending,
            format!("call case {id} is closed"),
        ));
    }
    if state.calling != Some(agent.id) {
        return Err(LdsError::new(
            ErrorCode::NotOffered,
            format!("you are not calling case {id}: call it first"),
        ));
    }
    let list = call_lists::load(&mut w.tx, state.list).await?;
    let Some(picked) = list.codes.iter().find(|c| c.code == code) else {
        return Err(LdsError::new(
            ErrorCode::BadRequest,
            format!("{:?} is not a handling code of list {}", code, list.name),
        ));
    };
    let call_back_at = call_back_at.map(|t| t.with_timezone(&Utc));
    if picked.effect == CodeEffect::CallBackAt {
        match call_back_at {
            None => {
                return Err(LdsError::new(
                    ErrorCode::BadRequest,
                    "this handling code needs call_back_at",
                ))
            }
            Some(t) if t <= now || t >= state.expires_at => {
                return Err(LdsError::new(
                    ErrorCode::InvalidDueAt,
                    "call_back_at is after now and before the case expires",
                ))
            }
            Some(_) => {}
        }
    }
    let limits = Limits {
        max_attempts: list.max_attempts,
        retry_delay_secs: list.retry_delay_secs,
    };
    let next = retry::after_call(
        picked.effect,
        state.attempts as u32,
        limits,
        now,
        state.expires_at,
        call_back_at,
    );
    rows::add_history(
        &mut w.tx,
        id,
        now,
        "handled",
        Some(agent.id),
        Some(&picked.code),
        note.as_deref(),
    )
    .await?;
    match next {
        Next::Close(closure) => {
            rows::close(&mut w.tx, id, closure, now, None).await?;
        }
        Next::DueAt(due) => rows::reopen_at(&mut w.tx, id, due).await?,
    }
    let case = full(&mut w.tx, agent, id).await?;
    w.commit().await?;
    Ok(case)
}

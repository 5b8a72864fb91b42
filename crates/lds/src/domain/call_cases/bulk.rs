//! Notes, and changes to several cases at once (reassign, reschedule, close): all or none.

use chrono::Utc;
use headsup_protocol::call_cases::{
    CallCase, CaseClosure, CaseUpdate, MAX_BULK_CASES, MAX_CASE_NOTE_CHARS,
};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{CallCaseId, ErrorCode};

use super::{full, workable};
use crate::data::{accounts, call_cases as rows, call_lists};
use crate::domain::Store;
use crate::error::{LdsError, LdsResult};

/// A note as stored: its lines kept, controls and bidi overrides gone, at most
/// [`MAX_CASE_NOTE_CHARS`]; refused when empty or longer.
pub(crate) fn clean_note(raw: &str) -> LdsResult<String> {
    let lines: Vec<String> = raw
        .lines()
        .map(|l| crate::customer_input::name(l).unwrap_or_default())
        .collect();
    let text = lines.join("\n").trim().to_string();
    if text.is_empty() || text.chars().count() > MAX_CASE_NOTE_CHARS {
        return Err(LdsError::new(
            ErrorCode::BadRequest,
            format!("a note is 1 to {MAX_CASE_NOTE_CHARS} characters"),
        ));
    }
    Ok(text)
}

pub(crate) async fn note(
    store: &Store,
    agent: &AgentInfo,
    id: CallCaseId,
    text: &str,
) -> LdsResult<CallCase> {
    let now = store.clock.now();
    let text = clean_note(text)?;
    let mut w = store.db.begin_write().await?;
    workable(&mut w.tx, agent, id).await?;
    rows::add_history(
        &mut w.tx,
        id,
        now,
        "note",
        Some(agent.id),
        None,
        Some(&text),
    )
    .await?;
    let case = full(&mut w.tx, agent, id).await?;
    w.commit().await?;
    Ok(case)
}

/// Applies `update` to every case named (open, workable by the agent, nobody calling them), or
/// to none: the first refusal wins and nothing is written.
pub(crate) async fn update(
    store: &Store,
    agent: &AgentInfo,
    ids: &[CallCaseId],
    update: &CaseUpdate,
) -> LdsResult<Vec<CallCase>> {
    if ids.is_empty() || ids.len() > MAX_BULK_CASES {
        return Err(LdsError::new(
            ErrorCode::BadRequest,
            format!("name 1 to {MAX_BULK_CASES} cases"),
        ));
    }
    let now = store.clock.now();
    let mut w = store.db.begin_write().await?;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut changed = Vec::with_capacity(ids.len());
    for &id in &ids {
        let state = workable(&mut w.tx, agent, id).await?;
        if !state.open {
            return Err(LdsError::new(
                ErrorCode::NotPending,
                format!("call case {id} is closed"),
            ));
        }
        if state.calling.is_some() {
            return Err(LdsError::new(
                ErrorCode::AlreadyTaken,
                format!("call case {id} is being called"),
            ));
        }
        match update {
            CaseUpdate::Reassign { agent: to } => {
                if let Some(to) = to {
                    let team = accounts::team_of_agent(&mut w.tx, *to).await.ok();
                    if team != Some(agent.team)
                        || !call_lists::may(&mut w.tx, state.list, *to).await?
                    {
                        return Err(LdsError::new(
                            ErrorCode::NotFound,
                            format!("agent {to} may not work the list of case {id}"),
                        ));
                    }
                }
                rows::set_assignee(&mut w.tx, id, *to).await?;
                let kind = if to.is_some() { "assigned" } else { "to_pool" };
                rows::add_history(&mut w.tx, id, now, kind, Some(agent.id), None, None).await?;
            }
            CaseUpdate::Reschedule { due_at } => {
                let due = due_at.with_timezone(&Utc);
                if due < now - chrono::Duration::minutes(1) || due >= state.expires_at {
                    return Err(LdsError::new(
                        ErrorCode::InvalidDueAt,
                        format!("case {id}: the new due time is not between now and its expiry"),
                    ));
                }
                rows::reopen_at(&mut w.tx, id, due).await?;
                rows::add_history(
                    &mut w.tx,
                    id,
                    now,
                    "rescheduled",
                    Some(agent.id),
                    None,
                    None,
                )
                .await?;
            }
            CaseUpdate::Close => {
                rows::close(
                    &mut w.tx,
                    id,
                    CaseClosure::ClosedByAgent,
                    now,
                    Some(agent.id),
                )
                .await?;
            }
        }
        let mut case = full(&mut w.tx, agent, id).await?;
        case.history.clear();
        changed.push(case);
    }
    w.commit().await?;
    Ok(changed)
}

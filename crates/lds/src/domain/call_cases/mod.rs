//! Call cases (seed 004): callbacks to make, in call lists of a team that agents (directly or
//! through a queue they serve) may work. One module per rule: [`retry`] (what a handling code
//! does), [`open`] (one open case per phone per list), [`claim`] (one agent calls a case at a
//! time), [`handling`] (after the call), [`bulk`] (notes, reassign, reschedule, close),
//! [`scan`] (due, overdue past grace → pool, expiry), [`sources`] (missed and dropped calls),
//! [`due_time`] (a due time in the customer's zone), [`admin`] (lists and CSV import).
//!
//! Every function takes the asking agent and answers `not_found` for a case or list they may
//! not work, exactly as for one that does not exist, so ids cannot be probed.

pub mod admin;
pub(crate) mod bulk;
pub(crate) mod claim;
mod csv;
pub(crate) mod due_time;
pub(crate) mod handling;
pub(crate) mod notices;
pub(crate) mod open;
pub(crate) mod retry;
pub(crate) mod scan;
pub(crate) mod sources;
pub(crate) mod voicemail;

use chrono::Duration;
use headsup_protocol::call_cases::{CallCase, CasePage, CaseQuery, NewCallCase, MAX_CASE_PAGE};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{CallCaseId, CallListId, ErrorCode};
use sqlx::AnyConnection;

use crate::data::call_cases::{self as rows, State};
use crate::data::call_lists;
use crate::domain::Store;
use crate::error::{LdsError, LdsResult};

pub(crate) fn not_found() -> LdsError {
    LdsError::new(ErrorCode::NotFound, "no such call case in your call lists")
}

fn no_list() -> LdsError {
    LdsError::new(ErrorCode::NotFound, "no such call list among yours")
}

/// The case's row, if `agent` may work its list; else `not_found`.
pub(crate) async fn workable(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    id: CallCaseId,
) -> LdsResult<State> {
    let state = rows::state(conn, id).await?.ok_or_else(not_found)?;
    if state.team != agent.team || !call_lists::may(conn, state.list, agent.id).await? {
        return Err(not_found());
    }
    Ok(state)
}

/// `list` if `agent` may work it; else `not_found`.
pub(crate) async fn workable_list(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    list: CallListId,
) -> LdsResult<()> {
    let team = call_lists::team_of(conn, list).await?;
    if team != Some(agent.team) || !call_lists::may(conn, list, agent.id).await? {
        return Err(no_list());
    }
    Ok(())
}

/// The case with its history, as `agent` sees it.
pub(crate) async fn full(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    id: CallCaseId,
) -> LdsResult<CallCase> {
    let mut case = rows::load(conn, id, agent.id)
        .await?
        .ok_or_else(not_found)?;
    case.history = rows::history(conn, id).await?;
    Ok(case)
}

pub(crate) async fn get(store: &Store, agent: &AgentInfo, id: CallCaseId) -> LdsResult<CallCase> {
    let mut conn = store.db.pool.acquire().await?;
    workable(&mut conn, agent, id).await?;
    full(&mut conn, agent, id).await
}

/// A page of the agent's cases (due today first) and the lists they may work.
pub(crate) async fn list(store: &Store, agent: &AgentInfo, q: CaseQuery) -> LdsResult<CasePage> {
    let limit = q.limit.unwrap_or(MAX_CASE_PAGE);
    if !(1..=MAX_CASE_PAGE).contains(&limit) {
        return Err(LdsError::new(
            ErrorCode::BadRequest,
            format!("limit is 1 to {MAX_CASE_PAGE}"),
        ));
    }
    let offset = q.offset.unwrap_or(0);
    let now = store.clock.now();
    // "Today" is the server's UTC day: the client colours the dates on its own clock.
    let today_ends = (now.date_naive() + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    let mut conn = store.db.pool.acquire().await?;
    if let Some(list) = q.list {
        workable_list(&mut conn, agent, list).await?;
    }
    // One more than asked says whether there is a next page.
    let mut cases = rows::page(
        &mut conn,
        agent.id,
        &q,
        today_ends,
        i64::from(limit) + 1,
        i64::from(offset),
    )
    .await?;
    let next = (cases.len() > limit as usize).then(|| offset + limit);
    cases.truncate(limit as usize);
    let lists = call_lists::workable(&mut conn, agent.id).await?;
    Ok(CasePage { cases, next, lists })
}

/// "New call case": a case in a list the agent may work, or the open case of the number there
/// (linked, not doubled).
pub(crate) async fn create(
    store: &Store,
    agent: &AgentInfo,
    new: NewCallCase,
) -> LdsResult<CallCase> {
    let now = store.clock.now();
    let note = new.note.as_deref().map(bulk::clean_note).transpose()?;
    let due = due_time::resolve(new.due_at, new.due_local, new.time_zone.as_deref(), now)?;
    let mut w = store.db.begin_write().await?;
    workable_list(&mut w.tx, agent, new.list).await?;
    let phone = open::phone(&mut w.tx, agent.team, &new.phone).await?;
    let opened = open::open_or_link(
        &mut w.tx,
        open::Opening {
            team: agent.team,
            list: new.list,
            phone: &phone,
            source: headsup_protocol::call_cases::CaseSource::Manual,
            due_at: due.at,
            time_zone: due.zone.as_deref(),
            assignee: new.assign_to_me.then_some(agent.id),
            by: Some(agent.id),
        },
        now,
    )
    .await?;
    if let Some(note) = &note {
        rows::add_history(
            &mut w.tx,
            opened,
            now,
            "note",
            Some(agent.id),
            None,
            Some(note),
        )
        .await?;
    }
    let case = full(&mut w.tx, agent, opened).await?;
    w.commit().await?;
    Ok(case)
}

/// Assisted callback: the open cases, in lists the agent may work, of the number of the
/// agent's session ("an open callback from yesterday"), newest history last. Closing one from
/// the session is `update_call_cases` with `close`, or calling and handling it.
pub(crate) async fn of_session(
    store: &Store,
    agent: &AgentInfo,
    session: headsup_protocol::SessionId,
) -> LdsResult<Vec<CallCase>> {
    let mut conn = store.db.pool.acquire().await?;
    let found = crate::data::sessions::load(&mut conn, session).await?;
    let Some(session) = found.filter(|s| s.agent == agent.id) else {
        return Err(LdsError::new(
            ErrorCode::NotFound,
            format!("no session {session} of yours"),
        ));
    };
    let Some(raw) = session.customer.phone.as_deref() else {
        return Ok(Vec::new());
    };
    let Ok(phone) = open::phone(&mut conn, agent.team, raw).await else {
        return Ok(Vec::new());
    };
    let mut cases = Vec::new();
    for id in rows::open_for_phone(&mut conn, agent.team, &phone, agent.id).await? {
        cases.push(full(&mut conn, agent, id).await?);
    }
    Ok(cases)
}

//! The claim race and rejections.
//!
//! The claim is one conditional `UPDATE … WHERE state = 'pending'`: whichever transaction
//! changes the row wins, on one process or many, and the losers see zero rows changed. The
//! transaction around it (accept, "attend next customer") is the sessions domain's: a won claim
//! opens a session, and a won transfer also closes the colleague's.

use anyhow::Context;
use chrono::{DateTime, Utc};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{
    AgentInfo, AgentRef, LegState, Request, RequestState, Session, SessionState,
};
use headsup_protocol::{ErrorCode, RequestId};
use sqlx::AnyConnection;

use super::ringing;
use crate::data::events::Outbox;
use crate::data::{accounts, requests as rows, sessions, status};
use crate::domain::masking;
use crate::domain::{Published, Store};
use crate::error::{LdsError, LdsResult};
use crate::time::{from_millis, to_millis};

/// The claim, inside the caller's write transaction: the request becomes taken by `agent` and
/// their session opens; the winner's `assigned` and everyone else's `taken` go into `outbox`.
/// `Ok(Err(why))` when it was not this agent's to win: the caller must roll back (nothing of
/// it may be committed), which dropping the transaction does.
pub(crate) async fn claim_in(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    agent: &AgentInfo,
    id: RequestId,
    now: DateTime<Utc>,
) -> LdsResult<Result<(Request, Session), LdsError>> {
    if !rows::claim(conn, id, agent.id, agent.team, now).await? {
        return Ok(Err(why_not_acceptable(conn, agent, id).await?));
    }
    let request = rows::load(conn, id)
        .await?
        .context("claimed request vanished")?;
    // Two devices of one agent accepting two requests at once: the unique index on open
    // sessions lets only one through; the other is busy (and its claim is rolled back).
    let Some(session_id) = sessions::insert(conn, &request, agent.id, now).await? else {
        return Ok(Err(busy()));
    };
    status::reset_missed(conn, agent.id).await?;
    let session = Session {
        contact: request.contact.clone(),
        id: session_id,
        request: id,
        agent: agent.id,
        customer: request.customer.clone(),
        kind: request.kind,
        agent_leg: LegState::Ringing,
        customer_leg: LegState::Ringing,
        state: SessionState::Connecting,
        started_at: from_millis(to_millis(now)),
        transfer: None,
        conversation: None,
    };
    // Everyone else who could see it: its queue's signed-in members (nobody, for a call an agent
    // booked for themselves).
    let mut others = rows::audience(conn, &request, now, None).await?;
    others.retain(|a| *a != agent.id);
    let taken = Event::Taken {
        request: id,
        by: AgentRef {
            id: agent.id,
            name: agent.name.clone(),
        },
    };
    masking::append(conn, outbox, &others, now, &taken).await?;
    Ok(Ok((request, session)))
}

pub(crate) fn not_available() -> LdsError {
    LdsError::new(
        ErrorCode::NotAvailable,
        "you are not ready; set your status to available before taking a customer",
    )
}

pub(crate) fn busy() -> LdsError {
    LdsError::new(
        ErrorCode::Busy,
        "you are in a session or on a call; end it before taking another customer",
    )
}

/// Why an accept changed nothing, as a documented error code. The order is the protocol's
/// (docs/protocol.md §2.3, "Which error wins"): busy, then not available, then not found, then
/// the request's state, then whether it is this agent's to take (rejected, or another queue's).
async fn why_not_acceptable(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    id: RequestId,
) -> LdsResult<LdsError> {
    if accounts::is_busy(conn, agent.id).await? {
        return Ok(busy());
    }
    if !status::status_of(conn, agent.id).await?.is_available() {
        return Ok(not_available());
    }
    let request = match visible_to(conn, agent, id).await {
        Ok(request) => request,
        Err(e) => return Ok(e),
    };
    if let Some(e) = closed(&request) {
        return Ok(e);
    }
    Ok(match &request.state {
        RequestState::Scheduled => LdsError::new(
            ErrorCode::NotPending,
            format!("request {id} is not due yet"),
        ),
        _ if rows::has_rejected(conn, id, agent.id).await? => LdsError::new(
            ErrorCode::NotOffered,
            format!("you rejected request {id}; it is not offered to you again"),
        ),
        _ if rows::offered_to(conn, id)
            .await?
            .is_some_and(|a| a != agent.id) =>
        {
            LdsError::new(
                ErrorCode::NotOffered,
                format!("request {id} is offered to another agent now"),
            )
        }
        _ => LdsError::new(
            ErrorCode::NotOffered,
            format!("request {id} waits in a queue you do not serve"),
        ),
    })
}

/// The request if this agent may know of it: `not_found` for a missing one, another team's, or
/// a call another agent booked for themselves (none of which the agent was ever shown).
async fn visible_to(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    id: RequestId,
) -> LdsResult<Request> {
    match rows::load(conn, id).await? {
        Some(r) if r.team == agent.team && r.for_agent.is_none_or(|a| a == agent.id) => Ok(r),
        _ => Err(not_found(id)),
    }
}

/// The refusal for a request that is no longer open: taken, timed out or cancelled.
fn closed(request: &Request) -> Option<LdsError> {
    let id = request.id;
    match &request.state {
        RequestState::Taken { by } => Some(LdsError::new(
            ErrorCode::AlreadyTaken,
            format!("request {id} was already taken by {}", by.name),
        )),
        RequestState::TimedOut => Some(LdsError::new(
            ErrorCode::NotPending,
            format!("request {id} has timed out"),
        )),
        RequestState::Cancelled => Some(LdsError::new(
            ErrorCode::NotPending,
            format!("request {id} was cancelled by the customer"),
        )),
        RequestState::Pending | RequestState::Scheduled => None,
    }
}

fn not_found(id: RequestId) -> LdsError {
    LdsError::new(ErrorCode::NotFound, format!("no request {id}"))
}

/// The agent declines a request: it is not offered to them again and stays with the others.
///
/// Answers, in this order: `not_found` (as for accept); success without a second write when
/// this agent already rejected it, whatever happened to it since (a retry after a lost reply);
/// `already_taken` / `not_pending` when it is closed; otherwise it is rejected, pending or
/// scheduled alike (a scheduled call rejected in advance is not offered to this agent when it
/// comes due). Busy agents may reject.
pub(crate) async fn reject(
    store: &Store,
    agent: &AgentInfo,
    id: RequestId,
) -> LdsResult<Published> {
    let now = Utc::now();
    let mut w = store.db.begin_write().await?;
    let request = visible_to(&mut w.tx, agent, id).await?;
    if rows::has_rejected(&mut w.tx, id, agent.id).await? {
        return Ok(Published::nothing()); // `w` drops: nothing written, no second `rejected` event
    }
    if let Some(e) = closed(&request) {
        return Err(e);
    }
    rows::insert_rejection(&mut w.tx, id, agent.id).await?;
    let mut outbox = Outbox::default();
    let event = Event::Rejected { request: id };
    masking::append(&mut w.tx, &mut outbox, &[agent.id], now, &event).await?;
    if request.state == RequestState::Pending {
        ringing::pass_on_reject(&mut w.tx, &mut outbox, &request, agent.id, now).await?;
    }
    Ok(store.commit(w, outbox).await?)
}

//! Transfers: the agent in a session hands their customer to a colleague or to a queue.
//!
//! The offer to the target is a request of kind `transfer` (reserved for the colleague, or
//! waiting in the queue), so everything requests already guarantee holds for it: the claim's one
//! conditional write picks exactly one winner, the offer timeout ends it exactly once, and only
//! available agents are offered it. What this module adds is the owner's side, decided in the
//! same transaction as the request: waiting (here), taken ([`hand_over`], in the claim's
//! transaction), came back (`requests::timeouts`), withdrawn (`close`, the session ended first).

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::lds::{Event, TRANSFER_TIMEOUT_MAX_SECS, TRANSFER_TIMEOUT_MIN_SECS};
use headsup_protocol::model::{
    AgentInfo, AgentRef, Request, RequestKind, Session, SessionState, SessionTransfer,
    TransferOutcome, TransferTarget, TransferTargets,
};
use headsup_protocol::{AgentId, ErrorCode, SessionId};
use sqlx::AnyConnection;

use super::close::{close, CustomerCall};
use crate::data::events::Outbox;
use crate::data::requests::{self, NewRow};
use crate::data::{queues, sessions as rows, transfers};
use crate::domain::requests::offers;
use crate::domain::{conversations, masking};
use crate::domain::{Published, Store};
use crate::error::{LdsError, LdsResult};
use crate::time::{from_millis, to_millis};

/// The owner asks to transfer their session's customer. Refused, in this order: `not_found`
/// (no such session of theirs), `not_pending` (it has ended), `transfer_pending` (a transfer of
/// it is waiting), `bad_request` (a timeout out of bounds, or themselves as the target),
/// `not_found` (no such agent in the team) or `agent_offline`, `unknown_queue`.
pub(crate) async fn start(
    store: &Store,
    agent: &AgentInfo,
    id: SessionId,
    to: TransferTarget,
    timeout_secs: Option<u32>,
) -> LdsResult<(Request, Published)> {
    let now = Utc::now();
    let mut w = store.db.begin_write().await?;
    let session = own_open_session(&mut w.tx, agent, id).await?;
    let timeout = match timeout_secs {
        Some(secs) => timeout(secs)?,
        None => Duration::seconds(transfers::team_timeout_secs(&mut w.tx, agent.team).await?),
    };
    let (queue, for_agent, label) = match &to {
        TransferTarget::Agent(target) => {
            let name = colleague(&mut w.tx, agent, *target, now).await?;
            let queue = queues::queue_of_session(&mut w.tx, session.id).await?;
            (queue, Some(*target), name)
        }
        TransferTarget::Queue(name) => {
            let Some(queue) = queues::queue_by_name(&mut w.tx, agent.team, name).await? else {
                return Err(LdsError::new(
                    ErrorCode::UnknownQueue,
                    "your team has no queue by that name",
                ));
            };
            // A chat goes to a queue that takes chats, a call to one that takes calls.
            let (served, what) = if session.conversation.is_some() {
                (
                    queue.channels.chat,
                    "that queue takes calls only, not chats",
                )
            } else {
                (
                    queue.channels.voice,
                    "that queue takes chats only, not calls",
                )
            };
            if !served {
                return Err(LdsError::new(ErrorCode::ChannelNotServed, what));
            }
            let label = queue.name.clone();
            (queue, None, label)
        }
    };
    let until = from_millis(to_millis(now + timeout));
    let row = NewRow {
        team: agent.team,
        queue: queue.id,
        kind: RequestKind::Transfer,
        customer: &session.customer,
        due_at: None,
        for_agent,
        pending: true,
        expires_at: Some(until),
        contact: session.contact.as_ref().map(|c| c.id),
    };
    let request_id = requests::insert(&mut w.tx, &row, now).await?;
    transfers::mark(&mut w.tx, request_id, agent.id, session.id).await?;
    let request = requests::load(&mut w.tx, request_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("transfer request vanished"))?;
    let mut outbox = Outbox::default();
    offers::offer(&mut w.tx, &mut outbox, &request, None, now).await?;
    let transfer = SessionTransfer {
        request: request.id,
        to: label,
        until,
        outcome: TransferOutcome::Waiting,
    };
    rows::save_transfer(&mut w.tx, session.id, &transfer).await?;
    let session = Session {
        transfer: Some(transfer),
        ..session
    };
    let event = Event::SessionUpdated { session };
    masking::append(&mut w.tx, &mut outbox, &[agent.id], now, &event).await?;
    Ok((request, store.commit(w, outbox).await?))
}

/// Whom the agent may transfer to now: their signed-in colleagues and the team's queues that
/// take calls.
pub(crate) async fn targets(store: &Store, agent: &AgentInfo) -> LdsResult<TransferTargets> {
    let mut conn = store.db.pool.acquire().await?;
    let agents = transfers::colleagues(&mut conn, agent.team, agent.id, Utc::now()).await?;
    let queues = queues::list_queues(&mut conn, agent.team)
        .await?
        .into_iter()
        .filter(|(q, _)| q.channels.voice)
        .map(|(q, _)| q.name)
        .collect();
    Ok(TransferTargets { agents, queues })
}

/// Inside the claim's transaction, when `agent` won a `transfer` request: their new session
/// takes the customer's call as it is (an answered customer stays answered; only the new agent's
/// phone rings), and the owner's session ends with the customer handed over and the owner told
/// who took it.
pub(crate) async fn hand_over(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    request: &Request,
    mut session: Session,
    agent: &AgentInfo,
    now: DateTime<Utc>,
) -> anyhow::Result<Session> {
    let Some(owner_session) = transfers::session_of(conn, request.id).await? else {
        return Ok(session);
    };
    let Some(mut owner) = rows::load(conn, owner_session).await? else {
        return Ok(session);
    };
    // An ended session withdraws its transfer in the same transaction, so a claim that won
    // always finds the owner's session open; checked anyway rather than assumed.
    if owner.state == SessionState::Ended {
        return Ok(session);
    }
    session.customer_leg = owner.customer_leg;
    rows::save(conn, &session, None).await?;
    let session =
        conversations::session::hand_over(conn, outbox, &owner, session, agent, now).await?;
    if let Some(transfer) = owner.transfer.as_mut() {
        transfer.outcome = TransferOutcome::Taken {
            by: AgentRef {
                id: agent.id,
                name: agent.name.clone(),
            },
        };
        rows::save_transfer(conn, owner.id, transfer).await?;
    }
    close(conn, outbox, owner, CustomerCall::HandedOver, now).await?;
    Ok(session)
}

async fn own_open_session(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    id: SessionId,
) -> LdsResult<Session> {
    let session = match rows::load(conn, id).await? {
        Some(s) if s.agent == agent.id => s,
        _ => {
            return Err(LdsError::new(
                ErrorCode::NotFound,
                format!("no session {id}"),
            ))
        }
    };
    if session.state == SessionState::Ended {
        return Err(LdsError::new(
            ErrorCode::NotPending,
            format!("session {id} has ended"),
        ));
    }
    if session
        .transfer
        .as_ref()
        .is_some_and(|t| t.outcome == TransferOutcome::Waiting)
    {
        return Err(LdsError::new(
            ErrorCode::TransferPending,
            "this customer is already being transferred; wait for the answer",
        ));
    }
    Ok(session)
}

fn timeout(secs: u32) -> LdsResult<Duration> {
    if !(TRANSFER_TIMEOUT_MIN_SECS..=TRANSFER_TIMEOUT_MAX_SECS).contains(&secs) {
        return Err(LdsError::new(
            ErrorCode::BadRequest,
            format!(
                "timeout_secs must be from {TRANSFER_TIMEOUT_MIN_SECS} to \
                 {TRANSFER_TIMEOUT_MAX_SECS}"
            ),
        ));
    }
    Ok(Duration::seconds(i64::from(secs)))
}

/// The target colleague's name, if they are another signed-in agent of the team.
async fn colleague(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    target: AgentId,
    now: DateTime<Utc>,
) -> LdsResult<String> {
    if target == agent.id {
        return Err(LdsError::new(
            ErrorCode::BadRequest,
            "you cannot transfer a customer to yourself",
        ));
    }
    match transfers::agent_in_team(conn, agent.team, target, now).await? {
        None => Err(LdsError::new(
            ErrorCode::NotFound,
            format!("no agent {target} in your team"),
        )),
        Some((_, false)) => Err(LdsError::new(
            ErrorCode::AgentOffline,
            "that colleague is not signed in",
        )),
        Some((name, true)) => Ok(name),
    }
}

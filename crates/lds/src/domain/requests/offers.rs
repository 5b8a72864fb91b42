//! Who is offered a request, and the events that say so. Helpers inside a caller's transaction.

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{Customer, Request, RequestKind, RequestState};
use headsup_protocol::{AgentId, TeamId};
use sqlx::AnyConnection;

use super::ringing;
use crate::data::events::Outbox;
use crate::data::queues::Queue;
use crate::data::requests::{self as rows, NewRow, Offer};
use crate::domain::contacts;
use crate::domain::masking;
use crate::time::{from_millis, to_millis};

/// Inserts a request and tells the agents who may take it: an `offered` event when it is due now,
/// a `scheduled` event when it is for later.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    queue: &Queue,
    kind: RequestKind,
    customer: &Customer,
    due_at: Option<DateTime<Utc>>,
    for_agent: Option<AgentId>,
    now: DateTime<Utc>,
) -> anyhow::Result<Request> {
    let due_now = due_at.is_none_or(|d| d <= now);
    let expires_at = due_now.then(|| now + Duration::seconds(queue.offer_timeout_secs));
    let contact = contacts::intake::link(conn, queue.team, queue.id, customer, now).await?;
    let row = NewRow {
        contact: contact.as_ref().map(|c| c.id),
        team: queue.team,
        queue: queue.id,
        kind,
        customer,
        due_at,
        for_agent,
        pending: due_now,
        expires_at,
    };
    let id = rows::insert(conn, &row, now).await?;
    // As the database keeps them: milliseconds.
    let stored = |t: DateTime<Utc>| from_millis(to_millis(t));
    let request = Request {
        contact,
        id,
        team: queue.team,
        kind,
        customer: customer.clone(),
        created_at: stored(now),
        due_at: due_at.map(stored),
        for_agent,
        state: if due_now {
            RequestState::Pending
        } else {
            RequestState::Scheduled
        },
        expires_at: expires_at.map(stored),
        transfer_from: None,
    };
    if due_now {
        offer(conn, outbox, &request, None, now).await?;
    } else {
        let to = rows::audience(conn, &request, now, None).await?;
        let event = Event::Scheduled {
            request: request.clone(),
        };
        masking::append(conn, outbox, &to, now, &event).await?;
    }
    Ok(request)
}

/// Sends `offered` for a pending request to every signed-in, available agent who may take it, or
/// only to `only` (an agent who just became free or available). Inbound and scheduled kinds are
/// not offered to busy agents; they get them when they are free again ([`offer_waiting_to`]).
/// Agents who are not ready are offered nothing; they get it all when available again.
pub(crate) async fn offer(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    request: &Request,
    only: Option<AgentId>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if let Some(ring_secs) = rows::ring_secs(conn, request.id).await? {
        // One agent at a time, whoever became free: the longest idle rings first.
        return ringing::ring_next(conn, outbox, request, ring_secs, now).await;
    }
    let free_only = request.kind.quiet_while_busy();
    let mut to = rows::audience(conn, request, now, Some(Offer { free_only })).await?;
    if let Some(only) = only {
        to.retain(|a| *a == only);
    }
    let event = Event::Offered {
        request: request.clone(),
    };
    masking::append(conn, outbox, &to, now, &event).await
}

/// What an agent is offered again, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waiting {
    /// They became free: what was held back while busy (inbound and scheduled kinds; call-now
    /// requests were offered to busy agents already).
    HeldWhileBusy,
    /// They became available: everything still waiting for them, call-now included.
    All,
}

/// Offers an agent who just became free or available what is still waiting for them.
pub(crate) async fn offer_waiting_to(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    agent: AgentId,
    team: TeamId,
    which: Waiting,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let quiet_only = which == Waiting::HeldWhileBusy;
    for request in rows::waiting_for(conn, team, agent, quiet_only).await? {
        offer(conn, outbox, &request, Some(agent), now).await?;
    }
    Ok(())
}

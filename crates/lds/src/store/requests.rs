//! Customer requests: intake, offers, the claim race, rejections and "attend next customer".
//!
//! The claim is one conditional `UPDATE … WHERE state = 'pending'`: whichever transaction
//! changes the row wins, on one process or many, and the losers see zero rows changed.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use headsup_protocol::lds::{Event, NewRequest, NewRequestResponse};
use headsup_protocol::model::{
    AgentInfo, AgentRef, Customer, LegState, Request, RequestKind, RequestState, Session,
    SessionState,
};
use headsup_protocol::{AgentId, ErrorCode, RequestId, SessionId, TeamId};
use sqlx::{AnyConnection, Row};

use super::accounts::{self, Team};
use super::due_at;
use super::events::{self, Outbox};
use super::idempotency;
use super::rows::{request_from_row, REQUEST_COLUMNS, REQUEST_FROM};
use super::Store;
use crate::customer_input;
use crate::error::{LdsError, LdsResult};
use crate::time::to_millis;

/// Customer intake without an idempotency key (the demo's traffic, tests): the new request.
pub async fn intake(store: &Store, team: &Team, new: NewRequest) -> LdsResult<Request> {
    match intake_answer(store, team, new, None).await? {
        Intake::Created { request, .. } => Ok(request),
        Intake::Replayed(_) => unreachable!("only a key replays an answer"),
    }
}

/// What an intake did: created a request (the answer to send, stored under the key if any), or
/// found the key's first answer.
pub enum Intake {
    Created {
        request: Request,
        answer: idempotency::Answer,
    },
    Replayed(idempotency::Answer),
}

impl Intake {
    pub fn answer(self) -> idempotency::Answer {
        match self {
            Intake::Created { answer, .. } | Intake::Replayed(answer) => answer,
        }
    }
}

/// `POST /api/v1/requests`: validates, stores and offers (or schedules) a customer request.
///
/// With an `Idempotency-Key` (`key`), the first answer to that key is stored with the request,
/// in its transaction, and a retry within a day gets that answer again ([`idempotency`]). The
/// stored answer is looked for before the body is validated: a retry of a `call_me_back` whose
/// `due_at` has since slipped out of the grace still gets its first answer, not a refusal.
pub async fn intake_answer(
    store: &Store,
    team: &Team,
    new: NewRequest,
    key: Option<&str>,
) -> LdsResult<Intake> {
    let now = Utc::now();
    let fingerprint = key.map(|_| idempotency::fingerprint(&new));
    if let (Some(key), Some(fingerprint)) = (key, &fingerprint) {
        // Outside the writer slot: a retry of a finished intake never waits for other writers.
        let mut conn = store.db.pool.acquire().await?;
        if let Some(answer) = idempotency::replay(&mut conn, team.id, key, fingerprint, now).await?
        {
            return Ok(Intake::Replayed(answer));
        }
    }
    let (kind, customer, due_at) = valid_intake(team, new, now)?;
    let started = std::time::Instant::now();
    let mut w = store.db.begin_write().await?;
    if let (Some(key), Some(fingerprint)) = (key, &fingerprint) {
        // Again with the writer slot held: a retry racing the first attempt waited for it here.
        if let Some(answer) = idempotency::replay(&mut w.tx, team.id, key, fingerprint, now).await?
        {
            return Ok(Intake::Replayed(answer)); // `w` drops: rolls back, nothing written
        }
    }
    let writer_at = started.elapsed();
    let mut outbox = Outbox::default();
    let request = insert(
        &mut w.tx,
        &mut outbox,
        team,
        kind,
        &customer,
        due_at,
        None,
        now,
    )
    .await?;
    let answer = idempotency::Answer {
        status: 201,
        body: serde_json::to_string(&NewRequestResponse {
            request: request.clone(),
        })
        .map_err(anyhow::Error::from)?,
        request: request.id,
        replayed: false,
    };
    if let (Some(key), Some(fingerprint)) = (key, &fingerprint) {
        idempotency::remember(&mut w.tx, team.id, key, fingerprint, &answer, now).await?;
    }
    let written_at = started.elapsed();
    let events = outbox.items.len();
    store.commit(w, outbox).await?;
    // Where an intake's time goes (LDS_LOG=lds::store::requests=debug); see docs/performance.md.
    tracing::debug!(
        request = %request.id,
        events,
        wait_writer_us = writer_at.as_micros() as u64,
        write_us = (written_at - writer_at).as_micros() as u64,
        commit_publish_us = (started.elapsed() - written_at).as_micros() as u64,
        "intake committed"
    );
    store.metrics.requests_created.inc();
    Ok(Intake::Created { request, answer })
}

/// The intake's kind, customer and due time, or the documented refusal (customer first, then
/// kind and `due_at`).
fn valid_intake(
    team: &Team,
    new: NewRequest,
    now: DateTime<Utc>,
) -> LdsResult<(RequestKind, Customer, Option<DateTime<Utc>>)> {
    let customer = customer_input::customer(new.customer)?;
    let due_at = new.due_at.map(|d| d.with_timezone(&Utc));
    let due_at = match new.kind {
        RequestKind::ScheduledByAgent => {
            return Err(LdsError::new(
                ErrorCode::BadRequest,
                "scheduled_by_agent is booked by an agent over the WebSocket (`schedule`)",
            ))
        }
        RequestKind::ScheduledByCustomer => {
            let due = due_at.ok_or_else(|| {
                LdsError::new(ErrorCode::BadRequest, "scheduled_by_customer needs due_at")
            })?;
            Some(due_at::effective(due, now)?)
        }
        // A customer who asks to be called back without a time gets the team's callback delay.
        RequestKind::CallMeBack => Some(match due_at {
            Some(due) => due_at::effective(due, now)?,
            None => now + Duration::seconds(team.callback_delay_secs),
        }),
        RequestKind::CallNow | RequestKind::InboundCall | RequestKind::ChatInbound => {
            if due_at.is_some() {
                return Err(LdsError::new(
                    ErrorCode::BadRequest,
                    format!("{} takes no due_at", new.kind.as_str()),
                ));
            }
            None
        }
    };
    Ok((new.kind, customer, due_at))
}

/// Inserts a request and tells the agents who may take it: an `offered` event when it is due now,
/// a `scheduled` event when it is for later.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    team: &Team,
    kind: RequestKind,
    customer: &Customer,
    due_at: Option<DateTime<Utc>>,
    for_agent: Option<AgentId>,
    now: DateTime<Utc>,
) -> anyhow::Result<Request> {
    let due_now = due_at.is_none_or(|d| d <= now);
    let (state, expires_at) = if due_now {
        (
            "pending",
            Some(now + Duration::seconds(team.offer_timeout_secs)),
        )
    } else {
        ("scheduled", None)
    };
    let id: i64 = sqlx::query(
        "INSERT INTO requests (team_id, kind, customer_name, customer_phone, created_at, due_at, \
         for_agent, state, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(team.id.0)
    .bind(kind.as_str())
    .bind(customer.name.clone())
    .bind(customer.phone.clone())
    .bind(to_millis(now))
    .bind(due_at.map(to_millis))
    .bind(for_agent.map(|a| a.0))
    .bind(state)
    .bind(expires_at.map(to_millis))
    .fetch_one(&mut *conn)
    .await
    .context("inserting request")?
    .try_get(0)?;
    let request = Request {
        id: RequestId(id),
        team: team.id,
        kind,
        customer: customer.clone(),
        created_at: crate::time::from_millis(to_millis(now)),
        due_at: due_at.map(|d| crate::time::from_millis(to_millis(d))),
        for_agent,
        state: if due_now {
            RequestState::Pending
        } else {
            RequestState::Scheduled
        },
        expires_at: expires_at.map(|d| crate::time::from_millis(to_millis(d))),
    };
    if due_now {
        offer(conn, outbox, &request, None, now).await?;
    } else {
        let to = audience(conn, &request, now, false).await?;
        let event = Event::Scheduled {
            request: request.clone(),
        };
        events::append(conn, outbox, &to, now, &event).await?;
    }
    Ok(request)
}

/// Sends `offered` for a pending request to every signed-in agent who may take it, or only to
/// `only` (an agent who just became free). Inbound and scheduled kinds are not offered to busy
/// agents; they get them when they are free again ([`offer_waiting_to`]).
pub async fn offer(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    request: &Request,
    only: Option<AgentId>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut to = audience(conn, request, now, request.kind.quiet_while_busy()).await?;
    if let Some(only) = only {
        to.retain(|a| *a == only);
    }
    let event = Event::Offered {
        request: request.clone(),
    };
    events::append(conn, outbox, &to, now, &event).await
}

/// The signed-in agents who may see this request: the one it is reserved for, or the whole team,
/// minus those who rejected it.
pub async fn audience(
    conn: &mut AnyConnection,
    request: &Request,
    now: DateTime<Utc>,
    free_only: bool,
) -> anyhow::Result<Vec<AgentId>> {
    let mut to = accounts::signed_in_agents(conn, request.team, now, free_only).await?;
    if let Some(agent) = request.for_agent {
        to.retain(|a| *a == agent);
    }
    let rejected: Vec<i64> = sqlx::query("SELECT agent_id FROM rejections WHERE request_id = $1")
        .bind(request.id.0)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    to.retain(|a| !rejected.contains(&a.0));
    Ok(to)
}

pub async fn load(conn: &mut AnyConnection, id: RequestId) -> anyhow::Result<Option<Request>> {
    let row = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE r.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| request_from_row(&r)).transpose()
}

/// The agent accepts a request. Exactly one accept of a pending request succeeds; the winner is
/// told `assigned`, every other signed-in agent of the team `taken`.
pub async fn accept(
    store: &Store,
    agent: &AgentInfo,
    id: RequestId,
) -> LdsResult<(Request, Session)> {
    let now = Utc::now();
    let mut w = store.db.begin_write().await?;
    let claimed = sqlx::query(
        "UPDATE requests SET state = 'taken', taken_by = $1, closed_at = $2 \
         WHERE id = $3 AND team_id = $4 AND state = 'pending' \
         AND (for_agent IS NULL OR for_agent = $1) \
         AND NOT EXISTS (SELECT 1 FROM rejections x WHERE x.request_id = $3 AND x.agent_id = $1) \
         AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.agent_id = $1 AND s.state <> 'ended')",
    )
    .bind(agent.id.0)
    .bind(to_millis(now))
    .bind(id.0)
    .bind(agent.team.0)
    .execute(&mut *w.tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        let why = why_not_acceptable(&mut w.tx, agent, id).await?;
        drop(w); // rolls back: nothing was written
        store.metrics.claims_lost.inc();
        return Err(why);
    }
    let request = load(&mut w.tx, id)
        .await?
        .context("claimed request vanished")?;
    let session_id = sqlx::query(
        "INSERT INTO sessions (request_id, agent_id, kind, customer_name, customer_phone, \
         agent_leg, customer_leg, state, started_at) \
         VALUES ($1, $2, $3, $4, $5, 'ringing', 'ringing', 'connecting', $6) RETURNING id",
    )
    .bind(id.0)
    .bind(agent.id.0)
    .bind(request.kind.as_str())
    .bind(request.customer.name.clone())
    .bind(request.customer.phone.clone())
    .bind(to_millis(now))
    .fetch_one(&mut *w.tx)
    .await;
    let session_id: i64 = match session_id {
        Ok(row) => row.try_get(0).map_err(anyhow::Error::from)?,
        // Two devices of one agent accepting two requests at once: the unique index on open
        // sessions lets only one through; the other is busy (and its claim is rolled back).
        Err(e) if is_unique_violation(&e) => {
            drop(w);
            store.metrics.claims_lost.inc();
            return Err(busy());
        }
        Err(e) => return Err(e.into()),
    };
    let session = Session {
        id: SessionId(session_id),
        request: id,
        agent: agent.id,
        customer: request.customer.clone(),
        kind: request.kind,
        agent_leg: LegState::Ringing,
        customer_leg: LegState::Ringing,
        state: SessionState::Connecting,
        started_at: crate::time::from_millis(to_millis(now)),
    };
    let mut outbox = Outbox::default();
    let assigned = Event::Assigned {
        request: request.clone(),
        session: session.clone(),
    };
    events::append(&mut w.tx, &mut outbox, &[agent.id], now, &assigned).await?;
    let mut others = accounts::signed_in_agents(&mut w.tx, agent.team, now, false).await?;
    others.retain(|a| *a != agent.id);
    if request.for_agent.is_some() {
        others.clear(); // nobody else was ever offered it
    }
    let taken = Event::Taken {
        request: id,
        by: AgentRef {
            id: agent.id,
            name: agent.name.clone(),
        },
    };
    events::append(&mut w.tx, &mut outbox, &others, now, &taken).await?;
    store.commit(w, outbox).await?;
    store.metrics.claims_won.inc();
    Ok((request, session))
}

fn busy() -> LdsError {
    LdsError::new(
        ErrorCode::Busy,
        "you are in a session or on a call; end it before taking another customer",
    )
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// Why an accept changed nothing, as a documented error code. The order is the protocol's
/// (docs/protocol.md §2.3, "Which error wins"): busy, then not found, then the request's state,
/// then this agent's own rejection.
async fn why_not_acceptable(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    id: RequestId,
) -> LdsResult<LdsError> {
    if accounts::is_busy(conn, agent.id).await? {
        return Ok(busy());
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
        _ => LdsError::new(
            ErrorCode::NotOffered,
            format!("you rejected request {id}; it is not offered to you again"),
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
    match load(conn, id).await? {
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
pub async fn reject(store: &Store, agent: &AgentInfo, id: RequestId) -> LdsResult<()> {
    let now = Utc::now();
    let mut w = store.db.begin_write().await?;
    let request = visible_to(&mut w.tx, agent, id).await?;
    let already: Option<i64> =
        sqlx::query("SELECT agent_id FROM rejections WHERE request_id = $1 AND agent_id = $2")
            .bind(id.0)
            .bind(agent.id.0)
            .fetch_optional(&mut *w.tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(anyhow::Error::from)?;
    if already.is_some() {
        return Ok(()); // `w` drops: nothing written, no second `rejected` event
    }
    if let Some(e) = closed(&request) {
        return Err(e);
    }
    sqlx::query("INSERT INTO rejections (request_id, agent_id) VALUES ($1, $2)")
        .bind(id.0)
        .bind(agent.id.0)
        .execute(&mut *w.tx)
        .await?;
    let mut outbox = Outbox::default();
    let event = Event::Rejected { request: id };
    events::append(&mut w.tx, &mut outbox, &[agent.id], now, &event).await?;
    store.commit(w, outbox).await?;
    Ok(())
}

/// "Attend next customer": accepts the oldest pending request this agent may take. Losing a
/// race for one moves on to the next.
pub async fn attend_next(store: &Store, agent: &AgentInfo) -> LdsResult<(Request, Session)> {
    const ATTEMPTS: usize = 50;
    // Busy wins over an empty queue (docs/protocol.md §2.4): a busy agent is told so whatever
    // is waiting. (A session opened after this check still makes the accept below say busy.)
    let mut conn = store.db.pool.acquire().await?;
    if accounts::is_busy(&mut conn, agent.id).await? {
        return Err(busy());
    }
    drop(conn);
    for _ in 0..ATTEMPTS {
        let row = sqlx::query(
            "SELECT r.id FROM requests r WHERE r.team_id = $1 AND r.state = 'pending' \
             AND (r.for_agent IS NULL OR r.for_agent = $2) \
             AND NOT EXISTS (SELECT 1 FROM rejections x WHERE x.request_id = r.id AND x.agent_id = $2) \
             ORDER BY COALESCE(r.due_at, r.created_at), r.id LIMIT 1",
        )
        .bind(agent.team.0)
        .bind(agent.id.0)
        .fetch_optional(&store.db.pool)
        .await?;
        let Some(row) = row else {
            return Err(LdsError::new(
                ErrorCode::NothingPending,
                "no pending request you may take",
            ));
        };
        let id = RequestId(row.try_get(0).map_err(anyhow::Error::from)?);
        match accept(store, agent, id).await {
            Err(e) if matches!(e.code(), ErrorCode::AlreadyTaken | ErrorCode::NotPending) => {
                continue
            }
            other => return other,
        }
    }
    Err(LdsError::new(
        ErrorCode::NothingPending,
        "every pending request was taken by others while trying",
    ))
}

/// The agent books a call back with a customer, reserved for themselves.
pub async fn schedule_by_agent(
    store: &Store,
    agent: &AgentInfo,
    customer: Customer,
    due_at: DateTime<Utc>,
) -> LdsResult<Request> {
    let now = Utc::now();
    let customer = customer_input::customer(customer)?;
    let due_at = due_at::effective(due_at, now)?;
    let mut w = store.db.begin_write().await?;
    let team = accounts::team_by_id(&mut w.tx, agent.team).await?;
    let mut outbox = Outbox::default();
    let request = insert(
        &mut w.tx,
        &mut outbox,
        &team,
        RequestKind::ScheduledByAgent,
        &customer,
        Some(due_at),
        Some(agent.id),
        now,
    )
    .await?;
    store.commit(w, outbox).await?;
    store.metrics.requests_created.inc();
    Ok(request)
}

/// When an agent becomes free: offers what is still waiting that was held back while busy
/// (inbound and scheduled kinds; call-now requests were offered to busy agents already).
pub async fn offer_waiting_to(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    agent: AgentId,
    team: TeamId,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE r.team_id = $1 AND r.state = 'pending' \
         AND r.kind <> 'call_now' AND (r.for_agent IS NULL OR r.for_agent = $2) \
         ORDER BY COALESCE(r.due_at, r.created_at), r.id"
    ))
    .bind(team.0)
    .bind(agent.0)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let request = request_from_row(&row)?;
        offer(conn, outbox, &request, Some(agent), now).await?;
    }
    Ok(())
}

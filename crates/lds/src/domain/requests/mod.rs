//! Customer requests: intake, offers ([`offers`]), the claim race, rejections and "attend next
//! customer" ([`claim`]), calls booked by agents, offers that time out ([`timeouts`], with the
//! [`call_me_back`] rule), scheduled calls coming due ([`due_calls`]) and customers who give up
//! ([`cancel`]).

pub(crate) mod call_me_back;
pub(crate) mod cancel;
pub(crate) mod claim;
pub(crate) mod due_at;
pub(crate) mod due_calls;
pub(crate) mod idempotency;
pub(crate) mod missed;
pub(crate) mod offers;
pub(crate) mod ringing;
pub(crate) mod timeouts;

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::lds::{NewRequest, NewRequestResponse};
use headsup_protocol::model::{AgentInfo, Customer, Request, RequestKind};
use headsup_protocol::ErrorCode;
use sqlx::AnyConnection;

use crate::customer_input;
use crate::data::accounts::Team;
use crate::data::events::Outbox;
use crate::data::idempotency::Answer;
use crate::data::queues::{self, Queue};
use crate::domain::{Published, Store, Tally};
use crate::error::{LdsError, LdsResult};

const CREATED_ONE: Tally = Tally {
    requests_created: 1,
    claims_won: 0,
    requests_timed_out: 0,
};

/// Customer intake without an idempotency key (the demo's traffic, tests): the new request.
pub(crate) async fn intake(
    store: &Store,
    team: &Team,
    new: NewRequest,
) -> LdsResult<(Request, Published)> {
    match intake_answer(store, team, None, new, None).await? {
        (Intake::Created { request, .. }, published) => Ok((*request, published)),
        (Intake::Replayed(_), _) => unreachable!("only a key replays an answer"),
    }
}

/// What an intake did: created a request (the answer to send, stored under the key if any), or
/// found the key's first answer.
pub(crate) enum Intake {
    Created {
        request: Box<Request>,
        answer: Answer,
    },
    Replayed(Answer),
}

impl Intake {
    pub(crate) fn answer(self) -> Answer {
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
pub(crate) async fn intake_answer(
    store: &Store,
    team: &Team,
    key_queue: Option<&Queue>,
    new: NewRequest,
    key: Option<&str>,
) -> LdsResult<(Intake, Published)> {
    let now = Utc::now();
    let fingerprint = key.map(|_| idempotency::fingerprint(&new));
    if let (Some(key), Some(fingerprint)) = (key, &fingerprint) {
        // Outside the writer slot: a retry of a finished intake never waits for other writers.
        let mut conn = store.db.pool.acquire().await?;
        if let Some(answer) = idempotency::replay(&mut conn, team.id, key, fingerprint, now).await?
        {
            return Ok((Intake::Replayed(answer), Published::nothing()));
        }
    }
    let queue_name = new.queue.clone();
    let (kind, customer, due_at) = valid_intake(team, new, now)?;
    let started = std::time::Instant::now();
    let mut w = store.db.begin_write().await?;
    if let (Some(key), Some(fingerprint)) = (key, &fingerprint) {
        // Again with the writer slot held: a retry racing the first attempt waited for it here.
        if let Some(answer) = idempotency::replay(&mut w.tx, team.id, key, fingerprint, now).await?
        {
            // `w` drops: rolls back, nothing written
            return Ok((Intake::Replayed(answer), Published::nothing()));
        }
    }
    let writer_at = started.elapsed();
    let queue =
        takes_calls(intake_queue(&mut w.tx, team, key_queue, queue_name.as_deref()).await?)?;
    let mut outbox = Outbox::default();
    let request = offers::insert(
        &mut w.tx,
        &mut outbox,
        &queue,
        kind,
        &customer,
        due_at,
        None,
        now,
    )
    .await?;
    let answer = Answer {
        status: 201,
        body: serde_json::to_string(&NewRequestResponse {
            request: request.clone(),
        })
        .map_err(anyhow::Error::from)?,
        request: request.id,
        replayed: false,
    };
    if let (Some(key), Some(fingerprint)) = (key, &fingerprint) {
        crate::data::idempotency::remember(&mut w.tx, team.id, key, fingerprint, &answer, now)
            .await?;
    }
    let written_at = started.elapsed();
    let events = outbox.items.len();
    let published = store.commit(w, outbox).await?.counting(CREATED_ONE);
    // Where an intake's time goes (LDS_LOG=lds::domain::requests=debug); see
    // docs/performance.md. Numbering and handing to the fan-out follow (`fanout`).
    tracing::debug!(
        request = %request.id,
        events,
        wait_writer_us = writer_at.as_micros() as u64,
        write_us = (written_at - writer_at).as_micros() as u64,
        commit_us = (started.elapsed() - written_at).as_micros() as u64,
        "intake committed"
    );
    let request = Box::new(request);
    Ok((Intake::Created { request, answer }, published))
}

/// The queue an intake feeds: the one the body names (of the key's team; a queue's own key
/// knows only its queue), else the key's queue, else the team's default queue.
async fn intake_queue(
    conn: &mut AnyConnection,
    team: &Team,
    key_queue: Option<&Queue>,
    name: Option<&str>,
) -> LdsResult<Queue> {
    // The name is the caller's input: it is not repeated back.
    let unknown = || {
        LdsError::new(
            ErrorCode::UnknownQueue,
            "this intake key feeds no queue of that name",
        )
    };
    Ok(match (name, key_queue) {
        (None, Some(queue)) => queue.clone(),
        (Some(name), Some(queue)) if name == queue.name => queue.clone(),
        (Some(_), Some(_)) => return Err(unknown()),
        (Some(name), None) => queues::queue_by_name(conn, team.id, name)
            .await?
            .ok_or_else(unknown)?,
        (None, None) => queues::default_queue(conn, team.id).await?,
    })
}

/// Every intake kind is a call: the queue must take voice.
fn takes_calls(queue: Queue) -> LdsResult<Queue> {
    if queue.channels.voice {
        Ok(queue)
    } else {
        Err(LdsError::new(
            ErrorCode::ChannelNotServed,
            "this queue takes chats only, not calls",
        ))
    }
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
        RequestKind::Transfer => {
            return Err(LdsError::new(
                ErrorCode::BadRequest,
                "a transfer is made by an agent over the WebSocket (`transfer`)",
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

/// The agent books a call back with a customer, reserved for themselves.
pub(crate) async fn schedule_by_agent(
    store: &Store,
    agent: &AgentInfo,
    customer: Customer,
    due_at: DateTime<Utc>,
) -> LdsResult<(Request, Published)> {
    let now = Utc::now();
    let customer = customer_input::customer(customer)?;
    let due_at = due_at::effective(due_at, now)?;
    let mut w = store.db.begin_write().await?;
    // A call the agent books for themselves waits in their team's default queue; only they are
    // offered it, member or not.
    let queue = queues::default_queue(&mut w.tx, agent.team).await?;
    let mut outbox = Outbox::default();
    let request = offers::insert(
        &mut w.tx,
        &mut outbox,
        &queue,
        RequestKind::ScheduledByAgent,
        &customer,
        Some(due_at),
        Some(agent.id),
        now,
    )
    .await?;
    let published = store.commit(w, outbox).await?.counting(CREATED_ONE);
    Ok((request, published))
}

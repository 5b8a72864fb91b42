//! Wrap-up after a session, when its queue says so: the agent's status is `wrap_up` (offered
//! nothing, like not ready) until they finish it — with a disposition from the queue's list,
//! required or optional as the queue says, and a note — or its time runs out and the LDS closes
//! it with the disposition `timeout`. The disposition is stored with the session.

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{
    AgentInfo, AgentStatus, Availability, Session, WrapUp, WRAP_UP_TIMEOUT,
};
use headsup_protocol::ErrorCode;
use sqlx::AnyConnection;

use super::status;
use crate::data::events::Outbox;
use crate::data::queues::{self, WrapUpRule};
use crate::data::{accounts, status as rows};
use crate::domain::masking;
use crate::domain::{Published, Store};
use crate::error::{LdsError, LdsResult};
use crate::time::{from_millis, to_millis};

/// Longest note kept with a disposition, in characters.
pub(crate) const MAX_NOTE_CHARS: usize = 1000;

/// A session just ended: starts its wrap-up if its queue has one, telling the agent's devices
/// (before the session's `ended`, so a client never takes the agent for free in between).
/// Returns whether it did.
pub(crate) async fn start_if_due(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    session: &Session,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let queue = queues::queue_of_session(conn, session.id).await?;
    if queue.wrap_up == WrapUpRule::None {
        return Ok(false);
    }
    let until = from_millis(to_millis(now + Duration::seconds(queue.wrap_up_secs)));
    rows::start_wrap_up(conn, session.agent, session.id, until, now).await?;
    let status = AgentStatus {
        availability: Availability::WrapUp,
        reason: None,
        since: Some(from_millis(to_millis(now))),
        wrap_up: Some(WrapUp {
            session: session.id,
            until,
            required: queue.wrap_up == WrapUpRule::Required,
            dispositions: queues::dispositions(conn, queue.id).await?,
        }),
    };
    let event = Event::StatusChanged { status };
    masking::append(conn, outbox, &[session.agent], now, &event).await?;
    Ok(true)
}

/// The agent finishes their wrap-up ("Done"). Refused `unknown_disposition` when they are not
/// in one or name a code not on its list, `disposition_required` when the queue requires one
/// and none is given, `bad_request` for a note over [`MAX_NOTE_CHARS`].
pub(crate) async fn finish(
    store: &Store,
    agent: &AgentInfo,
    disposition: Option<String>,
    note: Option<String>,
) -> LdsResult<Published> {
    let now = Utc::now();
    let note = clean_note(note)?;
    let mut w = store.db.begin_write().await?;
    let current = rows::status_of(&mut w.tx, agent.id).await?;
    let Some(wrap_up) = current.wrap_up else {
        return Err(LdsError::new(
            ErrorCode::UnknownDisposition,
            "you are not in a wrap-up",
        ));
    };
    match &disposition {
        Some(code) if !wrap_up.dispositions.iter().any(|d| &d.code == code) => {
            // The code is the client's input: it is not repeated back.
            return Err(LdsError::new(
                ErrorCode::UnknownDisposition,
                "that disposition is not on the queue's list",
            ));
        }
        None if wrap_up.required => {
            return Err(LdsError::new(
                ErrorCode::DispositionRequired,
                "this queue needs a disposition to close the wrap-up",
            ));
        }
        _ => {}
    }
    rows::record_disposition(
        &mut w.tx,
        wrap_up.session,
        disposition.as_deref(),
        note.as_deref(),
        now,
    )
    .await?;
    let mut outbox = Outbox::default();
    status::change(
        &mut w.tx,
        &mut outbox,
        agent,
        Availability::Available,
        None,
        now,
    )
    .await?;
    Ok(store.commit(w, outbox).await?)
}

/// Closes up to `batch` wrap-ups whose time ran out (disposition `timeout`); the agents are
/// available again.
pub(crate) async fn time_out(
    store: &Store,
    now: DateTime<Utc>,
    batch: i64,
) -> anyhow::Result<(usize, Published)> {
    let mut w = store.db.begin_write().await?;
    let mut outbox = Outbox::default();
    let over = rows::wrap_ups_over(&mut w.tx, now, batch).await?;
    for agent in &over {
        let current = rows::status_of(&mut w.tx, *agent).await?;
        let Some(wrap_up) = current.wrap_up else {
            continue;
        };
        rows::record_disposition(&mut w.tx, wrap_up.session, Some(WRAP_UP_TIMEOUT), None, now)
            .await?;
        let info = accounts::agent_info(&mut w.tx, *agent).await?;
        status::change(
            &mut w.tx,
            &mut outbox,
            &info,
            Availability::Available,
            None,
            now,
        )
        .await?;
    }
    Ok((over.len(), store.commit(w, outbox).await?))
}

/// The note as stored: control characters (but line breaks) become spaces, trimmed; empty is
/// none.
fn clean_note(note: Option<String>) -> LdsResult<Option<String>> {
    let Some(note) = note else { return Ok(None) };
    let cleaned: String = note
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.chars().count() > MAX_NOTE_CHARS {
        return Err(LdsError::new(
            ErrorCode::BadRequest,
            format!("a note is at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    Ok((!cleaned.is_empty()).then(|| cleaned.to_string()))
}

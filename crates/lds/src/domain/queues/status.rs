//! The agent sets their status. One status for all the agent's devices: the row in `agents`
//! is the truth, and every device hears `status_changed`.

use chrono::{DateTime, Utc};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{AgentInfo, AgentStatus, Availability};
use headsup_protocol::ErrorCode;
use sqlx::AnyConnection;

use crate::data::events::Outbox;
use crate::data::status as rows;
use crate::domain::masking;
use crate::domain::requests::offers::{self, Waiting};
use crate::domain::{Published, Store};
use crate::error::{LdsError, LdsResult};
use crate::time::{from_millis, to_millis};

/// Sets the agent's status. Setting the status they already have is a success that writes
/// nothing (a retry, or two devices doing the same).
///
/// Becoming available offers what waited meanwhile first and says `status_changed` last, in one
/// transaction: the client keeps the offers quiet while not ready and raises one catch-up when
/// it reads the change (the order `sessions::close` uses for the same reason). Going not ready
/// is one write, decided under the writer lock like every offer: an offer committed before it
/// reached the agent (and stays visible, unclaimable); none is sent after it.
pub(crate) async fn set(
    store: &Store,
    agent: &AgentInfo,
    availability: Availability,
    reason: Option<String>,
) -> LdsResult<(AgentStatus, Published)> {
    let now = Utc::now();
    let mut w = store.db.begin_write().await?;
    let reason = valid_reason(&mut w.tx, agent, availability, reason).await?;
    let current = rows::status_of(&mut w.tx, agent.id).await?;
    if current.availability == availability && current.reason == reason {
        return Ok((current, Published::nothing())); // `w` drops: nothing written
    }
    if let Some(wrap_up) = &current.wrap_up {
        // Leaving a wrap-up by a status: only an optional one, which closes with no disposition.
        if wrap_up.required {
            return Err(LdsError::new(
                ErrorCode::DispositionRequired,
                "finish your wrap-up with a disposition first",
            ));
        }
        rows::record_disposition(&mut w.tx, wrap_up.session, None, None, now).await?;
    }
    let mut outbox = Outbox::default();
    let status = change(&mut w.tx, &mut outbox, agent, availability, reason, now).await?;
    Ok((status, store.commit(w, outbox).await?))
}

/// Writes the agent's new status and tells their devices, in the caller's transaction; when it
/// is `available`, what waited for them is offered first.
pub(crate) async fn change(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    agent: &AgentInfo,
    availability: Availability,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> anyhow::Result<AgentStatus> {
    rows::save_status(conn, agent.id, availability, reason.as_deref(), now).await?;
    if availability == Availability::Available {
        offers::offer_waiting_to(conn, outbox, agent.id, agent.team, Waiting::All, now).await?;
    }
    let status = AgentStatus {
        availability,
        reason,
        since: Some(from_millis(to_millis(now))),
        wrap_up: None,
    };
    let event = Event::StatusChanged {
        status: status.clone(),
    };
    masking::append(conn, outbox, &[agent.id], now, &event).await?;
    Ok(status)
}

/// The reason as stored: one of the team's codes for `not_ready`, none for `available`.
async fn valid_reason(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    availability: Availability,
    reason: Option<String>,
) -> LdsResult<Option<String>> {
    match (availability, reason) {
        (Availability::WrapUp, _) => Err(LdsError::new(
            ErrorCode::UnknownReason,
            "wrap_up is set by the server after a session",
        )),
        (Availability::Available, None) => Ok(None),
        (Availability::Available, Some(_)) => Err(LdsError::new(
            ErrorCode::UnknownReason,
            "available takes no reason",
        )),
        (Availability::NotReady, None) => Err(LdsError::new(
            ErrorCode::UnknownReason,
            "not_ready needs a reason from your team's list",
        )),
        (Availability::NotReady, Some(code)) => {
            let known = rows::reasons(conn, agent.team).await?;
            if known.iter().any(|r| r.code == code) {
                Ok(Some(code))
            } else {
                // The code is the client's input: it is not repeated back.
                Err(LdsError::new(
                    ErrorCode::UnknownReason,
                    "that reason is not on your team's list",
                ))
            }
        }
    }
}

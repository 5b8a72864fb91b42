//! Sessions' rows: an accepted request with its two call legs.

use anyhow::Context;
use chrono::{DateTime, Utc};
use headsup_protocol::model::{Request, Session, SessionTransfer, TransferOutcome};
use headsup_protocol::{AgentId, SessionId};
use sqlx::{AnyConnection, Row};

use super::rows::{leg_str, session_from_row, session_state_str, SESSION_COLUMNS, SESSION_FROM};
use crate::time::to_millis;

pub(crate) async fn load(
    conn: &mut AnyConnection,
    id: SessionId,
) -> anyhow::Result<Option<Session>> {
    let row = sqlx::query(&format!(
        "SELECT {SESSION_COLUMNS} FROM {SESSION_FROM} WHERE s.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| session_from_row(&r)).transpose()
}

/// The agent's session that has not ended, if any.
pub(crate) async fn open_for(
    conn: &mut AnyConnection,
    agent: AgentId,
) -> anyhow::Result<Option<Session>> {
    let row = sqlx::query(&format!(
        "SELECT {SESSION_COLUMNS} FROM {SESSION_FROM} WHERE s.agent_id = $1 \
         AND s.state <> 'ended'"
    ))
    .bind(agent.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| session_from_row(&r)).transpose()
}

/// Records the session's latest transfer (a new one replaces the one before).
pub(crate) async fn save_transfer(
    conn: &mut AnyConnection,
    id: SessionId,
    t: &SessionTransfer,
) -> anyhow::Result<()> {
    let (outcome, taken_by) = match &t.outcome {
        TransferOutcome::Waiting => ("waiting", None),
        TransferOutcome::Taken { by } => ("taken", Some(by.id.0)),
        TransferOutcome::CameBack => ("came_back", None),
    };
    sqlx::query(
        "UPDATE sessions SET transfer_request = $1, transfer_to = $2, transfer_until = $3, \
         transfer_outcome = $4, transfer_taken_by = $5 WHERE id = $6",
    )
    .bind(t.request.0)
    .bind(t.to.clone())
    .bind(to_millis(t.until))
    .bind(outcome)
    .bind(taken_by)
    .bind(id.0)
    .execute(conn)
    .await
    .context("saving a session's transfer")?;
    Ok(())
}

/// Opens a session for `agent` on `request`, both legs ringing. `None` when the agent has an
/// open session already (the unique index on open sessions refused it).
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    request: &Request,
    agent: AgentId,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<SessionId>> {
    let inserted = sqlx::query(
        "INSERT INTO sessions (request_id, agent_id, kind, customer_name, customer_phone, \
         agent_leg, customer_leg, state, started_at) \
         VALUES ($1, $2, $3, $4, $5, 'ringing', 'ringing', 'connecting', $6) RETURNING id",
    )
    .bind(request.id.0)
    .bind(agent.0)
    .bind(request.kind.as_str())
    .bind(request.customer.name.clone())
    .bind(request.customer.phone.clone())
    .bind(to_millis(now))
    .fetch_one(conn)
    .await;
    match inserted {
        Ok(row) => Ok(Some(SessionId(row.try_get(0)?))),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// Writes the session's legs and state (and when it ended).
pub(crate) async fn save(
    conn: &mut AnyConnection,
    s: &Session,
    ended_at: Option<DateTime<Utc>>,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE sessions SET agent_leg = $1, customer_leg = $2, state = $3, ended_at = $4 WHERE id = $5",
    )
    .bind(leg_str(s.agent_leg))
    .bind(leg_str(s.customer_leg))
    .bind(session_state_str(s.state))
    .bind(ended_at.map(to_millis))
    .bind(s.id.0)
    .execute(conn)
    .await
    .context("saving session")?;
    Ok(())
}

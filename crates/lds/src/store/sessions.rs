//! Sessions: an accepted request with its two call legs. The agent is busy while one is open.

use anyhow::Context;
use chrono::Utc;
use headsup_protocol::lds::Event;
use headsup_protocol::model::{AgentInfo, LegState, Session, SessionState};
use headsup_protocol::{AgentId, ErrorCode, SessionId};
use sqlx::AnyConnection;

use super::events::{self, Outbox};
use super::requests;
use super::rows::{leg_str, session_from_row, session_state_str, SESSION_COLUMNS};
use super::Store;
use crate::error::{LdsError, LdsResult};
use crate::time::to_millis;

/// Which of the session's two calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leg {
    Agent,
    Customer,
}

impl Leg {
    pub fn parse(s: &str) -> Option<Leg> {
        match s {
            "agent" => Some(Leg::Agent),
            "customer" => Some(Leg::Customer),
            _ => None,
        }
    }
}

pub async fn load(conn: &mut AnyConnection, id: SessionId) -> anyhow::Result<Option<Session>> {
    let row = sqlx::query(&format!(
        "SELECT {SESSION_COLUMNS} FROM sessions s WHERE s.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| session_from_row(&r)).transpose()
}

/// The agent's session that has not ended, if any.
pub async fn open_for(conn: &mut AnyConnection, agent: AgentId) -> anyhow::Result<Option<Session>> {
    let row = sqlx::query(&format!(
        "SELECT {SESSION_COLUMNS} FROM sessions s WHERE s.agent_id = $1 AND s.state <> 'ended'"
    ))
    .bind(agent.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| session_from_row(&r)).transpose()
}

/// The agent ends their session. Ending an ended session is a no-op success, so a retry after
/// a lost reply is harmless.
pub async fn end(store: &Store, agent: &AgentInfo, id: SessionId) -> LdsResult<Session> {
    let mut w = store.db.begin_write().await?;
    let Some(session) = load(&mut w.tx, id).await? else {
        return Err(LdsError::new(
            ErrorCode::NotFound,
            format!("no session {id}"),
        ));
    };
    if session.agent != agent.id {
        return Err(LdsError::new(
            ErrorCode::NotFound,
            format!("no session {id}"),
        ));
    }
    if session.state == SessionState::Ended {
        return Ok(session);
    }
    let mut outbox = Outbox::default();
    let session = close(&mut w.tx, &mut outbox, session).await?;
    store.commit(w, outbox).await?;
    Ok(session)
}

/// Marks the session ended (legs still up are hung up), offers the agent what was held back while
/// they were busy, then tells them the session ended.
///
/// The order matters to the client: offers that arrive while its session is still open are kept
/// quietly as waiting, and the `ended` event then raises one catch-up summary for all of them.
/// Sent the other way round, the client is already free and alerts every offer on its own (the
/// burst the catch-up exists to avoid). Everything is in the caller's transaction, so the agent
/// sees all of it, with consecutive seqs, or none of it.
async fn close(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    mut session: Session,
) -> anyhow::Result<Session> {
    let now = Utc::now();
    let hang_up = |l: LegState| match l {
        LegState::Ringing | LegState::Answered => LegState::HungUp,
        other => other,
    };
    session.agent_leg = hang_up(session.agent_leg);
    session.customer_leg = hang_up(session.customer_leg);
    session.state = SessionState::Ended;
    // Saved first: the held-back offers go only to free agents, and the agent is free once the
    // session row says ended.
    save(conn, &session, Some(now)).await?;
    let team: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT team_id FROM agents WHERE id = $1")
            .bind(session.agent.0)
            .fetch_one(&mut *conn)
            .await?,
        0,
    )?;
    requests::offer_waiting_to(
        conn,
        outbox,
        session.agent,
        headsup_protocol::TeamId(team),
        now,
    )
    .await?;
    let event = Event::SessionUpdated {
        session: session.clone(),
    };
    events::append(conn, outbox, &[session.agent], now, &event).await?;
    Ok(session)
}

async fn save(
    conn: &mut AnyConnection,
    s: &Session,
    ended_at: Option<chrono::DateTime<Utc>>,
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

/// Telephony reports a leg's new state. Both legs answered bridges the session; a leg that fails
/// or hangs up ends it.
pub async fn leg_changed(
    store: &Store,
    id: SessionId,
    leg: Leg,
    state: LegState,
) -> LdsResult<Session> {
    let mut w = store.db.begin_write().await?;
    let Some(mut session) = load(&mut w.tx, id).await? else {
        return Err(LdsError::new(
            ErrorCode::NotFound,
            format!("no session {id}"),
        ));
    };
    if session.state == SessionState::Ended {
        return Err(LdsError::new(
            ErrorCode::NotPending,
            format!("session {id} has ended"),
        ));
    }
    match leg {
        Leg::Agent => session.agent_leg = state,
        Leg::Customer => session.customer_leg = state,
    }
    let mut outbox = Outbox::default();
    let session = if matches!(state, LegState::Failed | LegState::HungUp) {
        close(&mut w.tx, &mut outbox, session).await?
    } else {
        if session.agent_leg == LegState::Answered && session.customer_leg == LegState::Answered {
            session.state = SessionState::Bridged;
        }
        save(&mut w.tx, &session, None).await?;
        let event = Event::SessionUpdated {
            session: session.clone(),
        };
        events::append(&mut w.tx, &mut outbox, &[session.agent], Utc::now(), &event).await?;
        session
    };
    store.commit(w, outbox).await?;
    Ok(session)
}

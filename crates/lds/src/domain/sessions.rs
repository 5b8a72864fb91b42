//! Sessions: an accepted request with its two call legs. The agent is busy while one is open.

use chrono::Utc;
use headsup_protocol::lds::Event;
use headsup_protocol::model::{AgentInfo, LegState, Session, SessionState};
use headsup_protocol::{ErrorCode, SessionId, TeamId};
use sqlx::AnyConnection;

use super::queues::wrap_up;
use super::requests::offers::{self, Waiting};
use super::{Published, Store};
use crate::data::events::{self, Outbox};
use crate::data::{accounts, sessions as rows, status};
use crate::error::{LdsError, LdsResult};

/// Which of the session's two calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leg {
    Agent,
    Customer,
}

impl Leg {
    pub(crate) fn parse(s: &str) -> Option<Leg> {
        match s {
            "agent" => Some(Leg::Agent),
            "customer" => Some(Leg::Customer),
            _ => None,
        }
    }
}

fn not_found(id: SessionId) -> LdsError {
    LdsError::new(ErrorCode::NotFound, format!("no session {id}"))
}

/// The agent ends their session. Ending an ended session is a no-op success, so a retry after
/// a lost reply is harmless.
pub(crate) async fn end(
    store: &Store,
    agent: &AgentInfo,
    id: SessionId,
) -> LdsResult<(Session, Published)> {
    let mut w = store.db.begin_write().await?;
    let Some(session) = rows::load(&mut w.tx, id).await? else {
        return Err(not_found(id));
    };
    if session.agent != agent.id {
        return Err(not_found(id));
    }
    if session.state == SessionState::Ended {
        return Ok((session, Published::nothing()));
    }
    let mut outbox = Outbox::default();
    let session = close(&mut w.tx, &mut outbox, session).await?;
    Ok((session, store.commit(w, outbox).await?))
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
    rows::save(conn, &session, Some(now)).await?;
    let team: TeamId = accounts::team_of_agent(conn, session.agent).await?;
    status::mark_idle(conn, session.agent, now).await?;
    // A wrap-up keeps the agent from offers (its status is not available), so the offers
    // below go out when it closes instead.
    wrap_up::start_if_due(conn, outbox, &session, now).await?;
    offers::offer_waiting_to(
        conn,
        outbox,
        session.agent,
        team,
        Waiting::HeldWhileBusy,
        now,
    )
    .await?;
    let event = Event::SessionUpdated {
        session: session.clone(),
    };
    events::append(conn, outbox, &[session.agent], now, &event).await?;
    Ok(session)
}

/// Telephony reports a leg's new state. Both legs answered bridges the session; a leg that fails
/// or hangs up ends it.
pub(crate) async fn leg_changed(
    store: &Store,
    id: SessionId,
    leg: Leg,
    state: LegState,
) -> LdsResult<(Session, Published)> {
    let mut w = store.db.begin_write().await?;
    let Some(mut session) = rows::load(&mut w.tx, id).await? else {
        return Err(not_found(id));
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
        rows::save(&mut w.tx, &session, None).await?;
        let event = Event::SessionUpdated {
            session: session.clone(),
        };
        events::append(&mut w.tx, &mut outbox, &[session.agent], Utc::now(), &event).await?;
        session
    };
    Ok((session, store.commit(w, outbox).await?))
}

/// The team a session belongs to (its agent's), if the session exists.
pub(crate) async fn team_of(store: &Store, id: SessionId) -> anyhow::Result<Option<TeamId>> {
    let mut conn = store.db.pool.acquire().await?;
    let Some(session) = rows::load(&mut conn, id).await? else {
        return Ok(None);
    };
    Ok(Some(
        accounts::team_of_agent(&mut conn, session.agent).await?,
    ))
}

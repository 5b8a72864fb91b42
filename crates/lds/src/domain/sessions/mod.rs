//! Sessions: an accepted request with its two call legs. The agent is busy while one is open.
//! A session starts with a won claim ([`start`]), may hand its customer to a colleague or a
//! queue ([`transfer`]) and ends ([`close`]) when the agent ends it, a leg hangs up or the
//! transfer is taken.

mod close;
pub(crate) mod start;
pub(crate) mod transfer;

use chrono::Utc;
use headsup_protocol::lds::Event;
use headsup_protocol::model::{AgentInfo, LegState, Session, SessionState};
use headsup_protocol::{ErrorCode, SessionId, TeamId};

use close::{close, CustomerCall};

use super::{Published, Store};
use crate::data::events::Outbox;
use crate::data::{accounts, sessions as rows};
use crate::domain::{call_cases, masking};
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
    let session = close(
        &mut w.tx,
        &mut outbox,
        session,
        CustomerCall::HangUp,
        Utc::now(),
    )
    .await?;
    Ok((session, store.commit(w, outbox).await?))
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
        if leg == Leg::Customer && state == LegState::HungUp {
            // The customer hung up before the agent ended the session: a dropped call.
            let team = accounts::team_of_agent(&mut w.tx, session.agent).await?;
            let now = Utc::now();
            call_cases::sources::customer_dropped(&mut w.tx, &session, team, now).await?;
        }
        close(
            &mut w.tx,
            &mut outbox,
            session,
            CustomerCall::HangUp,
            Utc::now(),
        )
        .await?
    } else {
        if session.agent_leg == LegState::Answered && session.customer_leg == LegState::Answered {
            session.state = SessionState::Bridged;
        }
        rows::save(&mut w.tx, &session, None).await?;
        let event = Event::SessionUpdated {
            session: session.clone(),
        };
        masking::append(&mut w.tx, &mut outbox, &[session.agent], Utc::now(), &event).await?;
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

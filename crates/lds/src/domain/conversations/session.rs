//! How a session carries its conversation: opened by the claim of a chat request, handed to the
//! colleague who takes a transfer, closed when the session ends. Each runs inside the session's
//! own transaction, so a session and its conversation never disagree.

use chrono::{DateTime, Utc};
use headsup_protocol::chat::Channel;
use headsup_protocol::model::{AgentInfo, LegState, Request, RequestKind, Session, SessionState};
use headsup_protocol::QueueId;
use sqlx::AnyConnection;

use super::tell;
use crate::data::channels::{self, ChannelKind};
use crate::data::conversations::{self as rows, NewConversation, Stage};
use crate::data::events::Outbox;
use crate::data::{queues, sessions};

/// A won claim of a chat request: the session has no calls, is bridged at once, and serves the
/// request's conversation (one is made for a chat request that came without one, through
/// `POST /api/v1/requests`: the agent then has a conversation to keep notes in).
pub(crate) async fn open_for_claim(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    request: &Request,
    mut session: Session,
    agent: &AgentInfo,
    now: DateTime<Utc>,
) -> anyhow::Result<Session> {
    if request.kind != RequestKind::ChatInbound {
        return Ok(session);
    }
    let id = match rows::by_request(conn, request.id).await? {
        Some(c) => c.id,
        None => {
            let queue = QueueId(queues::queue_of_session(conn, session.id).await?.id);
            let account =
                channels::ensure_account(conn, request.team, queue, ChannelKind::Web).await?;
            let new = NewConversation {
                team: request.team,
                queue,
                channel: Channel::Web,
                token_hash: None,
                account,
                customer: &request.customer,
                request: request.id,
            };
            rows::insert(conn, &new, now).await?
        }
    };
    chat_session(conn, &mut session).await?;
    rows::assign(conn, id, agent.id, session.id).await?;
    session.conversation = Some(id);
    if let Some(stored) = rows::load(conn, id).await? {
        tell(conn, outbox, &stored, &[agent.id], now).await?;
    }
    Ok(session)
}

/// A colleague took the transfer of `owner`'s chat: the conversation goes on with them, in their
/// new session; the owner hears it left them.
pub(crate) async fn hand_over(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    owner: &Session,
    mut session: Session,
    agent: &AgentInfo,
    now: DateTime<Utc>,
) -> anyhow::Result<Session> {
    let Some(id) = owner.conversation else {
        return Ok(session);
    };
    chat_session(conn, &mut session).await?;
    rows::assign(conn, id, agent.id, session.id).await?;
    session.conversation = Some(id);
    if let Some(stored) = rows::load(conn, id).await? {
        tell(conn, outbox, &stored, &[agent.id, owner.agent], now).await?;
    }
    Ok(session)
}

/// The session ended with its customer (not handed over): its conversation closes. A customer
/// writing again reopens it (`customer::send`).
pub(crate) async fn end(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    session: &Session,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(id) = session.conversation else {
        return Ok(());
    };
    let Some(stored) = rows::load(conn, id).await? else {
        return Ok(());
    };
    // Only the session it is with closes it (a transferred conversation is the new agent's).
    if stored.stage != Stage::Open || stored.agent.as_ref().map(|a| a.id) != Some(session.agent) {
        return Ok(());
    }
    rows::close(conn, id, now).await?;
    if let Some(stored) = rows::load(conn, id).await? {
        tell(conn, outbox, &stored, &[session.agent], now).await?;
    }
    Ok(())
}

async fn chat_session(conn: &mut AnyConnection, session: &mut Session) -> anyhow::Result<()> {
    session.agent_leg = LegState::NotUsed;
    session.customer_leg = LegState::NotUsed;
    session.state = SessionState::Bridged;
    sessions::save(conn, session, None).await
}

//! Conversations (seeds 001 and 003): a chat request, once accepted, opens a conversation with
//! its agent and no calls. Customers write through the web widget ([`customer`]); agents write,
//! add notes and read ([`agent`]); the session's start, transfer and end move the conversation
//! with it ([`session`]). Messages are stored once per sender-chosen id; their states only move
//! forward.
//!
//! Agents hear of conversations through their sequenced event stream like everything else. The
//! customer's side is not an event log: a widget asks for what is after the last message it
//! shows (the customer edge reads [`customer::catch_up`]), so nothing here needs to know
//! whether a customer is connected.

pub(crate) mod agent;
pub(crate) mod customer;
pub(crate) mod provider;
pub(crate) mod session;
pub(crate) mod tags;

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::chat::{Channel, Conversation};
use headsup_protocol::lds::Event;
use headsup_protocol::{AgentId, ErrorCode};
use sqlx::AnyConnection;

use crate::data::conversation_tags;
use crate::data::conversations::{self as rows, Stored};
use crate::data::events::Outbox;
use crate::data::messages;
use crate::domain::masking;
use crate::error::LdsError;

/// How long after the customer's last message a WhatsApp-like provider takes free text.
pub(crate) const FREE_TEXT_WINDOW: Duration = Duration::hours(24);

fn not_found() -> LdsError {
    LdsError::new(ErrorCode::NotFound, "no such conversation of yours")
}

/// The conversation as `agent` sees it (unmasked: [`tell`] masks it as it logs it).
pub(crate) async fn view_for(
    conn: &mut AnyConnection,
    stored: &Stored,
    agent: AgentId,
) -> anyhow::Result<Conversation> {
    Ok(Conversation {
        id: stored.id,
        channel: stored.channel,
        queue: stored.queue,
        customer: stored.customer.clone(),
        contact: stored.contact.clone(),
        state: stored.stage.public(),
        agent: stored.agent.clone(),
        first_agent: stored.first_agent.clone(),
        session: stored.session,
        request: stored.request,
        started_at: stored.started_at,
        closed_at: stored.closed_at,
        last_message: messages::last(conn, stored.id).await?,
        unread: rows::unread(conn, stored.id, agent).await?,
        free_text_until: free_text_until(stored),
        tags: conversation_tags::of(conn, stored.id).await?,
        account: stored.account,
    })
}

fn free_text_until(stored: &Stored) -> Option<DateTime<Utc>> {
    match stored.channel {
        Channel::Web => None,
        Channel::Whatsapp => {
            Some(stored.last_customer_at.unwrap_or(stored.started_at) + FREE_TEXT_WINDOW)
        }
    }
}

/// Logs the conversation, as each of `agents` sees it, for them.
pub(crate) async fn tell(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    stored: &Stored,
    agents: &[AgentId],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for agent in agents {
        let event = Event::Conversation {
            conversation: Box::new(view_for(conn, stored, *agent).await?),
        };
        masking::append(conn, outbox, &[*agent], now, &event).await?;
    }
    Ok(())
}

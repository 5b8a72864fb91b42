//! What an agent does in a conversation: write (a message or a note), retry a failed message,
//! read the history, mark what they read, list their conversations, and read the canned answers.

use chrono::Utc;
use headsup_protocol::chat::{
    Author, CannedAnswer, Channel, ConversationPage, ConversationQuery, Message, MessagePage,
    MessageState, MessageTemplate, DEFAULT_MESSAGE_PAGE, MAX_CONVERSATION_PAGE, MAX_MESSAGE_PAGE,
};
use headsup_protocol::lds::Event;
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{AttachmentId, ConversationId, ErrorCode, MessageId};
use sqlx::AnyConnection;

use super::{not_found, tell, view_for, FREE_TEXT_WINDOW};
use crate::chat_input;
use crate::data::attachments::Uploader;
use crate::data::channels::{self, ChannelKind};
use crate::data::conversations::{self as rows, Stage, Stored};
use crate::data::events::Outbox;
use crate::data::messages::{self, NewMessage};
use crate::domain::{attachments, masking, Published, Store};
use crate::error::{LdsError, LdsResult};
use crate::tag_input;

/// A conversation this agent has had (else `not_found`, whether it exists or not).
pub(super) async fn theirs(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    id: ConversationId,
) -> LdsResult<Stored> {
    let stored = rows::load(conn, id).await?.ok_or_else(not_found)?;
    if stored.team != agent.team || !rows::had(conn, id, agent.id).await? {
        return Err(not_found());
    }
    Ok(stored)
}

/// One this agent serves now: open and with them.
fn serving(stored: &Stored, agent: &AgentInfo) -> LdsResult<()> {
    if stored.stage == Stage::Open && stored.agent.as_ref().map(|a| a.id) == Some(agent.id) {
        Ok(())
    } else {
        Err(LdsError::new(
            ErrorCode::ConversationClosed,
            "this conversation is closed or with a colleague now",
        ))
    }
}

/// What an agent wrote on a provider's channel, for the edge to hand to the provider after the
/// commit (never inside a transaction: the provider is outside the database).
#[derive(Debug, Clone)]
pub(crate) struct Outbound {
    pub(crate) kind: ChannelKind,
    pub(crate) message: MessageId,
    /// The customer's address there (E.164 for WhatsApp).
    pub(crate) to: String,
    pub(crate) body: String,
}

/// A message stored (or found again), what to publish, and what a provider must carry.
pub(crate) type Sent = (Message, Published, Option<Outbound>);

/// The agent writes a message (or, `note`, an internal note). The same `client_id` again is the
/// message stored the first time, answered again and published once. Refused: `invalid_message`,
/// `not_found`, `conversation_closed`, `outside_window` (free text on a WhatsApp-like channel 24
/// hours after the customer's last message). With `attachment` (a file this agent uploaded to
/// this conversation and has not sent) the body may be empty; an unknown or already sent one is
/// `not_found`. Files go through the web widget only: a provider's channel refuses them.
pub(crate) async fn send(
    store: &Store,
    agent: &AgentInfo,
    id: ConversationId,
    client_id: &str,
    body: &str,
    note: bool,
    attachment: Option<AttachmentId>,
) -> LdsResult<Sent> {
    let client_id = chat_input::client_id(client_id)?;
    let body = match attachment {
        Some(_) => chat_input::caption(body)?,
        None => chat_input::body(body)?,
    };
    let kind = if note { Kind::Note } else { Kind::FreeText };
    write(
        store,
        agent,
        id,
        client_id,
        Text::Given(body, attachment),
        kind,
    )
    .await
}

/// The agent sends one of the team's templates (`{name}` filled with the customer's name): on a
/// provider's channel the only thing allowed once the free-text window closed. Refused as
/// `send_message`, and `not_found` for a template the team does not have.
pub(crate) async fn send_template(
    store: &Store,
    agent: &AgentInfo,
    id: ConversationId,
    client_id: &str,
    template: &str,
) -> LdsResult<Sent> {
    let client_id = chat_input::client_id(client_id)?;
    write(
        store,
        agent,
        id,
        client_id,
        Text::Template(template),
        Kind::Template,
    )
    .await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    FreeText,
    Note,
    Template,
}

enum Text<'a> {
    Given(String, Option<AttachmentId>),
    Template(&'a str),
}

async fn write(
    store: &Store,
    agent: &AgentInfo,
    id: ConversationId,
    client_id: &str,
    text: Text<'_>,
    kind: Kind,
) -> LdsResult<Sent> {
    let now = store.clock.now();
    let mut w = store.db.begin_write().await?;
    let stored = theirs(&mut w.tx, agent, id).await?;
    let author = if kind == Kind::Note {
        Author::Note
    } else {
        Author::Agent
    };
    // A resend of a stored message is answered as it was, whatever happened since.
    if let Some(done) = messages::find(&mut w.tx, id, author, client_id).await? {
        return Ok((done, Published::nothing(), None));
    }
    serving(&stored, agent)?;
    if kind == Kind::FreeText && outside_window(&stored, now) {
        return Err(LdsError::new(
            ErrorCode::OutsideWindow,
            "the customer last wrote more than 24 hours ago: only a template may be sent",
        ));
    }
    let (body, attachment) = match text {
        Text::Given(body, attachment) => (body, attachment),
        Text::Template(code) => {
            let Some(body) = channels::template(&mut w.tx, agent.team, code).await? else {
                return Err(LdsError::new(ErrorCode::NotFound, "no such template"));
            };
            let name = stored.customer.name.as_deref().unwrap_or_default();
            (chat_input::body(&body.replace("{name}", name))?, None)
        }
    };
    if let Some(file) = attachment {
        if stored.channel != Channel::Web {
            return Err(LdsError::new(
                ErrorCode::BadRequest,
                "files are sent on the web chat only",
            ));
        }
        attachments::claim(&mut w.tx, id, Uploader::Agent(agent.id), file).await?;
    }
    let new = NewMessage {
        conversation: id,
        client_id,
        author,
        agent: Some(agent.id),
        body: &body,
        // A note is for agents only: nobody is waiting to receive it.
        state: if kind == Kind::Note {
            MessageState::Read
        } else {
            MessageState::Sent
        },
        attachment,
    };
    let (message, fresh) = messages::insert(&mut w.tx, &new, now).await?;
    if !fresh {
        return Ok((message, Published::nothing(), None));
    }
    let outbound = match channels::kind_of(&mut w.tx, id).await? {
        Some(kind @ ChannelKind::FakeWhatsapp) if author == Author::Agent => Some(Outbound {
            kind,
            message: message.id,
            to: stored.customer.phone.clone().unwrap_or_default(),
            body: body.clone(),
        }),
        _ => None,
    };
    let mut outbox = Outbox::default();
    let event = Event::Message {
        message: Box::new(message.clone()),
    };
    masking::append(&mut w.tx, &mut outbox, &[agent.id], now, &event).await?;
    Ok((message, store.commit(w, outbox).await?, outbound))
}

fn outside_window(stored: &Stored, now: chrono::DateTime<Utc>) -> bool {
    match stored.channel {
        Channel::Web => false,
        Channel::Whatsapp => {
            stored.last_customer_at.unwrap_or(stored.started_at) + FREE_TEXT_WINDOW < now
        }
    }
}

/// The team's templates (any conversation of theirs may use them).
pub(crate) async fn templates(
    store: &Store,
    agent: &AgentInfo,
    id: ConversationId,
) -> LdsResult<Vec<MessageTemplate>> {
    let mut conn = store.db.pool.acquire().await?;
    theirs(&mut conn, agent, id).await?;
    Ok(channels::templates(&mut conn, agent.team)
        .await?
        .into_iter()
        .map(|(code, body)| MessageTemplate { code, body })
        .collect())
}

/// Sends a failed message's text again as a new message under `client_id`.
pub(crate) async fn retry(
    store: &Store,
    agent: &AgentInfo,
    failed: MessageId,
    client_id: &str,
) -> LdsResult<Sent> {
    let mut conn = store.db.pool.acquire().await?;
    let Some(message) = messages::load(&mut conn, failed).await? else {
        return Err(LdsError::new(ErrorCode::NotFound, "no such message"));
    };
    theirs(&mut conn, agent, message.conversation).await?;
    drop(conn);
    if message.state != MessageState::Failed || message.author != Author::Agent {
        return Err(LdsError::new(
            ErrorCode::BadRequest,
            "only a failed message of an agent is retried",
        ));
    }
    // The text only: a file is sent on the web chat, where nothing fails after it is stored.
    send(
        store,
        agent,
        message.conversation,
        client_id,
        &message.body,
        false,
        None,
    )
    .await
}

/// A page of the history, oldest first, notes included.
pub(crate) async fn history(
    store: &Store,
    agent: &AgentInfo,
    id: ConversationId,
    before: Option<MessageId>,
    limit: Option<u32>,
) -> LdsResult<MessagePage> {
    let mut conn = store.db.pool.acquire().await?;
    theirs(&mut conn, agent, id).await?;
    let limit = limit
        .unwrap_or(DEFAULT_MESSAGE_PAGE)
        .clamp(1, MAX_MESSAGE_PAGE);
    let messages = messages::page(&mut conn, id, before, limit, true).await?;
    let before = (messages.len() == limit as usize)
        .then(|| messages.first().map(|m| m.id))
        .flatten();
    Ok(MessagePage {
        conversation: id,
        messages,
        before,
    })
}

/// The agent has read the customer's messages up to `up_to`: their unread count (on every
/// device) and the customer's ticks follow.
pub(crate) async fn mark_read(
    store: &Store,
    agent: &AgentInfo,
    id: ConversationId,
    up_to: MessageId,
) -> LdsResult<Published> {
    let now = store.clock.now();
    let mut w = store.db.begin_write().await?;
    let stored = theirs(&mut w.tx, agent, id).await?;
    if !rows::mark_read(&mut w.tx, id, agent.id, up_to.0).await? {
        return Ok(Published::nothing());
    }
    messages::advance(&mut w.tx, id, Author::Customer, up_to, MessageState::Read).await?;
    let mut outbox = Outbox::default();
    tell(&mut w.tx, &mut outbox, &stored, &[agent.id], now).await?;
    Ok(store.commit(w, outbox).await?)
}

/// The agent's conversations by the query (open ones first, then the newest).
pub(crate) async fn list(
    store: &Store,
    agent: &AgentInfo,
    mut query: ConversationQuery,
) -> LdsResult<ConversationPage> {
    query.tags = tag_input::query_tags(&query.tags)?;
    let mut conn = store.db.pool.acquire().await?;
    let limit = query
        .limit
        .unwrap_or(MAX_CONVERSATION_PAGE)
        .clamp(1, MAX_CONVERSATION_PAGE) as usize;
    let mut found = rows::for_agent(&mut conn, agent.id, &query).await?;
    let next = (found.len() > limit).then(|| found[limit - 1].id);
    found.truncate(limit);
    let mut conversations = Vec::with_capacity(found.len());
    for stored in &found {
        conversations.push(view_for(&mut conn, stored, agent.id).await?);
    }
    masking::conversations(&mut conn, &mut conversations).await?;
    Ok(ConversationPage {
        conversations,
        next,
    })
}

/// The canned answers of the conversation's queue.
pub(crate) async fn canned(
    store: &Store,
    agent: &AgentInfo,
    id: ConversationId,
) -> LdsResult<Vec<CannedAnswer>> {
    let mut conn = store.db.pool.acquire().await?;
    let stored = theirs(&mut conn, agent, id).await?;
    let Some(queue) = stored.queue else {
        return Ok(Vec::new());
    };
    Ok(messages::canned(&mut conn, queue)
        .await?
        .into_iter()
        .map(|(code, text)| CannedAnswer { code, text })
        .collect())
}

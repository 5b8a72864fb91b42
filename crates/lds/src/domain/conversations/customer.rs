//! The customer's side of a conversation: starting a chat from the widget, writing (which
//! reopens a closed conversation as a new chat request), and the ticks of the agent's messages.
//!
//! Reopening rule: a customer writing to a closed conversation reopens that same conversation
//! (its history kept) as a new chat request of its queue, offered like any chat; whoever
//! accepts it sees the whole conversation.

use chrono::{DateTime, Utc};
use headsup_protocol::chat::{Author, Channel, ChatStarted, Message, MessageState, StartChat};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{Customer, RequestKind};
use headsup_protocol::{AttachmentId, ConversationId, ErrorCode, MessageId};
use sqlx::AnyConnection;

use super::tell;
use crate::data::accounts::Team;
use crate::data::attachments::Uploader;
use crate::data::channels::{self, ChannelKind};
use crate::data::conversations::{self as rows, NewConversation, Stage, Stored};
use crate::data::events::Outbox;
use crate::data::messages::{self, NewMessage};
use crate::data::queues::{self, Queue};
use crate::domain::requests::offers;
use crate::domain::{attachments, masking, Published, Store, Tally};
use crate::error::{LdsError, LdsResult};
use crate::{auth, chat_input, customer_input};

/// Messages a widget gets at most per catch-up; it asks again after the last.
pub(crate) const CATCH_UP_PAGE: u32 = 200;

/// A customer starts a chat on a queue that takes chats: a conversation, its chat request
/// (offered like any request) and the first message if they wrote one. The token is returned
/// once; only its digest is stored.
pub(crate) async fn start(
    store: &Store,
    team: &Team,
    key_queue: Option<&Queue>,
    start: StartChat,
) -> LdsResult<(ChatStarted, Published)> {
    let now = store.clock.now();
    let customer = customer_input::customer(Customer {
        name: Some(start.name),
        phone: None,
    })?;
    let first = match &start.text {
        Some(text) if !text.trim().is_empty() => {
            let client_id = start.client_id.as_deref().unwrap_or("first");
            Some((
                chat_input::client_id(client_id)?.to_string(),
                chat_input::body(text)?,
            ))
        }
        _ => None,
    };
    let mut w = store.db.begin_write().await?;
    let queue = match key_queue {
        Some(q) => q.clone(),
        None => queues::default_queue(&mut w.tx, team.id).await?,
    };
    if !queue.channels.chat {
        return Err(LdsError::new(
            ErrorCode::ChannelNotServed,
            "this queue takes calls only, not chats",
        ));
    }
    let mut outbox = Outbox::default();
    let request = offers::insert(
        &mut w.tx,
        &mut outbox,
        &queue,
        RequestKind::ChatInbound,
        &customer,
        None,
        None,
        now,
    )
    .await?;
    let token = auth::new_secret("chat");
    let digest = auth::digest(&token);
    let queue_id = headsup_protocol::QueueId(queue.id);
    let account = channels::ensure_account(&mut w.tx, team.id, queue_id, ChannelKind::Web).await?;
    let new = NewConversation {
        team: team.id,
        queue: queue_id,
        channel: Channel::Web,
        token_hash: Some(&digest),
        account,
        customer: &customer,
        request: request.id,
    };
    let id = rows::insert(&mut w.tx, &new, now).await?;
    if let Some((client_id, body)) = &first {
        let message = NewMessage {
            conversation: id,
            client_id,
            author: Author::Customer,
            agent: None,
            body,
            state: MessageState::Sent,
            attachment: None,
        };
        messages::insert(&mut w.tx, &message, now).await?;
        rows::customer_wrote(&mut w.tx, id, now).await?;
    }
    let published = store.commit(w, outbox).await?.counting(Tally {
        requests_created: 1,
        ..Tally::default()
    });
    Ok((
        ChatStarted {
            conversation: id,
            token,
        },
        published,
    ))
}

/// The conversation a customer's token opens.
pub(crate) async fn by_token(store: &Store, token: &str) -> LdsResult<Stored> {
    let mut conn = store.db.pool.acquire().await?;
    rows::by_token(&mut conn, &auth::digest(token))
        .await?
        .ok_or_else(|| {
            LdsError::new(
                ErrorCode::InvalidChatToken,
                "this chat is not known; start a new one",
            )
        })
}

/// The customer writes. The same `client_id` again is the message stored the first time. A
/// closed conversation reopens (the module's rule); an open one's agent hears it at once. With
/// `attachment` (a file the customer uploaded here and has not sent) the body may be empty.
pub(crate) async fn send(
    store: &Store,
    id: ConversationId,
    client_id: &str,
    body: &str,
    attachment: Option<AttachmentId>,
) -> LdsResult<(Message, Published)> {
    let client_id = chat_input::client_id(client_id)?;
    let body = match attachment {
        Some(_) => chat_input::caption(body)?,
        None => chat_input::body(body)?,
    };
    let now = store.clock.now();
    let mut w = store.db.begin_write().await?;
    let Some(stored) = rows::load(&mut w.tx, id).await? else {
        return Err(LdsError::new(
            ErrorCode::InvalidChatToken,
            "this chat is gone",
        ));
    };
    let mut outbox = Outbox::default();
    // A resend is answered as stored, before its file is looked at (it is claimed by then).
    if let Some(done) = messages::find(&mut w.tx, id, Author::Customer, client_id).await? {
        return Ok((done, Published::nothing()));
    }
    if let Some(file) = attachment {
        attachments::claim(&mut w.tx, id, Uploader::Customer, file).await?;
    }
    let written = Written {
        client_id,
        body: &body,
        attachment,
    };
    let Some((message, tally)) = write(&mut w.tx, &mut outbox, &stored, &written, now).await?
    else {
        let done = messages::find(&mut w.tx, id, Author::Customer, client_id).await?;
        return Ok((done.expect("found before"), Published::nothing()));
    };
    Ok((message, store.commit(w, outbox).await?.counting(tally)))
}

/// What a customer wrote, checked.
pub(crate) struct Written<'a> {
    pub(crate) client_id: &'a str,
    pub(crate) body: &'a str,
    /// Claimed already by the caller.
    pub(crate) attachment: Option<AttachmentId>,
}

/// Stores a customer's message in `stored` (checked already): reopens a closed conversation,
/// tells the agent who has it. `None` when `client_id` was stored before (nothing written).
pub(crate) async fn write(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    stored: &Stored,
    written: &Written<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<(Message, Tally)>> {
    let Written {
        client_id,
        body,
        attachment,
    } = *written;
    let id = stored.id;
    if messages::find(conn, id, Author::Customer, client_id)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    let mut tally = Tally::default();
    if stored.stage == Stage::Closed {
        reopen(conn, outbox, stored, now).await?;
        tally.requests_created = 1;
    }
    let with_agent = stored.stage == Stage::Open;
    let new = NewMessage {
        conversation: id,
        client_id,
        author: Author::Customer,
        agent: None,
        body,
        // In the agent's stream from now on: delivered to them.
        state: if with_agent {
            MessageState::Delivered
        } else {
            MessageState::Sent
        },
        attachment,
    };
    let (message, _) = messages::insert(conn, &new, now).await?;
    rows::customer_wrote(conn, id, now).await?;
    if let (true, Some(agent)) = (with_agent, stored.agent.as_ref()) {
        let event = Event::Message {
            message: Box::new(message.clone()),
        };
        masking::append(conn, outbox, &[agent.id], now, &event).await?;
        // Reloaded: the window's end moved with this message.
        let fresh = rows::load(conn, id)
            .await?
            .unwrap_or_else(|| stored.clone());
        tell(conn, outbox, &fresh, &[agent.id], now).await?;
    }
    Ok(Some((message, tally)))
}

async fn reopen(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    stored: &Stored,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let queue = match stored.queue {
        Some(q) => queues::queue_by_id(conn, q.0).await?,
        None => queues::default_queue(conn, stored.team).await?,
    };
    let request = offers::insert(
        conn,
        outbox,
        &queue,
        RequestKind::ChatInbound,
        &stored.customer,
        None,
        None,
        now,
    )
    .await?;
    rows::reopen(conn, stored.id, request.id).await
}

/// The agent's messages up to `up_to` reached the customer (`delivered`) or were seen (`read`):
/// the agent who has the conversation hears each tick.
pub(crate) async fn ticked(
    store: &Store,
    id: ConversationId,
    up_to: MessageId,
    state: MessageState,
) -> LdsResult<Published> {
    let now = store.clock.now();
    let mut w = store.db.begin_write().await?;
    let moved = messages::advance(&mut w.tx, id, Author::Agent, up_to, state).await?;
    if moved.is_empty() {
        return Ok(Published::nothing());
    }
    let Some(stored) = rows::load(&mut w.tx, id).await? else {
        return Ok(Published::nothing());
    };
    let mut outbox = Outbox::default();
    if let Some(agent) = &stored.agent {
        for message in moved {
            let event = Event::MessageState {
                conversation: id,
                message,
                state,
                failed_reason: None,
            };
            masking::append(&mut w.tx, &mut outbox, &[agent.id], now, &event).await?;
        }
    }
    Ok(store.commit(w, outbox).await?)
}

/// What a widget coming back (or woken) must show: the conversation, the messages after
/// `after` (no notes), and the states of the customer's own latest messages.
pub(crate) struct CatchUp {
    pub(crate) conversation: Stored,
    pub(crate) messages: Vec<Message>,
    pub(crate) states: Vec<(MessageId, MessageState)>,
}

pub(crate) async fn catch_up(
    store: &Store,
    id: ConversationId,
    after: MessageId,
    unsettled_from: MessageId,
) -> LdsResult<CatchUp> {
    let mut conn = store.db.pool.acquire().await?;
    let Some(conversation) = rows::load(&mut conn, id).await? else {
        return Err(LdsError::new(
            ErrorCode::InvalidChatToken,
            "this chat is gone",
        ));
    };
    let messages = messages::for_customer_after(&mut conn, id, after, CATCH_UP_PAGE).await?;
    let states = messages::states_since(&mut conn, id, unsettled_from, CATCH_UP_PAGE).await?;
    Ok(CatchUp {
        conversation,
        messages,
        states,
    })
}

//! A messaging provider's side of a conversation (WhatsApp, simulated by `channels::FakeWhatsApp`):
//! a customer's message arriving from their phone, the provider's receipts for the agents'
//! messages, and the outcome of handing one to the provider.
//!
//! A phone is the customer: its first message starts a chat request exactly as the web widget
//! does (offered, one winner); later ones join that conversation, reopening it if it was closed.
//! The provider's message id is the customer's `client_id`, so a webhook delivered twice stores
//! the message once.

use headsup_protocol::chat::{
    Author, Channel, Message, MessageState, ProviderInbound, ProviderInboundStored, ProviderReceipt,
};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{Customer, RequestKind};
use headsup_protocol::{ErrorCode, MessageId, QueueId};
use sqlx::AnyConnection;

use super::customer::{write, Written};
use crate::chat_input;
use crate::customer_input;
use crate::data::accounts::Team;
use crate::data::channels::{self, ChannelKind};
use crate::data::conversations::{self as rows, NewConversation};
use crate::data::events::Outbox;
use crate::data::messages::{self, NewMessage};
use crate::data::queues::{self, Queue};
use crate::domain::requests::offers;
use crate::domain::{masking, Published, Store, Tally};
use crate::error::{LdsError, LdsResult};

/// A customer's message from their phone, through the team's fake WhatsApp account on the
/// key's queue (its default queue for the team's key; the account is made on first use).
pub(crate) async fn inbound(
    store: &Store,
    team: &Team,
    key_queue: Option<&Queue>,
    inbound: ProviderInbound,
) -> LdsResult<(ProviderInboundStored, Published)> {
    let phone = chat_input::international_phone(&inbound.from)?;
    let body = chat_input::body(&inbound.text)?;
    let provider_id = chat_input::client_id(&inbound.id)?;
    let name = inbound.name.as_deref().and_then(customer_input::name);
    let now = store.clock.now();
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
    let account = channels::ensure_account(
        &mut w.tx,
        team.id,
        QueueId(queue.id),
        ChannelKind::FakeWhatsapp,
    )
    .await?;
    let mut outbox = Outbox::default();
    // Writers are serialised (SQLite's lock, PostgreSQL's advisory lock): two first messages of
    // one phone arriving together cannot both start a conversation.
    let existing = match channels::conversation_of(&mut w.tx, account, &phone).await? {
        Some(id) => rows::load(&mut w.tx, id).await?,
        None => None,
    };
    let (message, repeated, tally) = match existing {
        Some(stored) => {
            let written = Written {
                client_id: provider_id,
                body: &body,
                attachment: None,
            };
            match write(&mut w.tx, &mut outbox, &stored, &written, now).await? {
                Some((message, tally)) => (message.id, false, tally),
                None => {
                    let done = messages::find(&mut w.tx, stored.id, Author::Customer, provider_id)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("a repeated message vanished"))?;
                    (done.id, true, Tally::default())
                }
            }
        }
        None => {
            let customer = Customer {
                name,
                phone: Some(phone.clone()),
            };
            let first = start(
                &mut w.tx,
                &mut outbox,
                team,
                &queue,
                account,
                &customer,
                now,
            )
            .await?;
            let new = NewMessage {
                conversation: first,
                client_id: provider_id,
                author: Author::Customer,
                agent: None,
                body: &body,
                state: MessageState::Sent,
                attachment: None,
            };
            let (message, _) = messages::insert(&mut w.tx, &new, now).await?;
            rows::customer_wrote(&mut w.tx, first, now).await?;
            let tally = Tally {
                requests_created: 1,
                ..Tally::default()
            };
            (message.id, false, tally)
        }
    };
    let conversation = messages::load(&mut w.tx, message)
        .await?
        .map(|m| m.conversation)
        .ok_or_else(|| anyhow::anyhow!("the message just stored is gone"))?;
    let published = if repeated {
        Published::nothing()
    } else {
        store.commit(w, outbox).await?.counting(tally)
    };
    Ok((
        ProviderInboundStored {
            conversation,
            message,
            repeated,
        },
        published,
    ))
}

/// A new phone: a conversation waiting for an agent and its chat request, offered like any.
async fn start(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    team: &Team,
    queue: &Queue,
    account: i64,
    customer: &Customer,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<headsup_protocol::ConversationId> {
    let request = offers::insert(
        conn,
        outbox,
        queue,
        RequestKind::ChatInbound,
        customer,
        None,
        None,
        now,
    )
    .await?;
    let new = NewConversation {
        team: team.id,
        queue: QueueId(queue.id),
        channel: Channel::Whatsapp,
        token_hash: None,
        account,
        customer,
        request: request.id,
    };
    rows::insert(conn, &new, now).await
}

/// The provider's receipt for an agent's message of this team's provider conversations:
/// `delivered` and `read` move it forward (a late or repeated receipt changes nothing);
/// `failed` ends a message not yet delivered, with the reason. The agent who has the
/// conversation hears each change as `message_state`.
pub(crate) async fn receipt(
    store: &Store,
    team: &Team,
    receipt: ProviderReceipt,
) -> LdsResult<(Message, Published)> {
    let reason = match receipt.state {
        MessageState::Sent => {
            return Err(LdsError::new(
                ErrorCode::BadRequest,
                "a receipt is delivered, read or failed",
            ))
        }
        MessageState::Failed => Some(chat_input::reason(receipt.reason.as_deref())),
        MessageState::Delivered | MessageState::Read => None,
    };
    let not_found = || {
        LdsError::new(
            ErrorCode::NotFound,
            "no such message of this team's WhatsApp",
        )
    };
    let mut w = store.db.begin_write().await?;
    let message = messages::load(&mut w.tx, receipt.message)
        .await?
        .filter(|m| m.author == Author::Agent)
        .ok_or_else(not_found)?;
    let stored = rows::load(&mut w.tx, message.conversation)
        .await?
        .filter(|c| c.team == team.id)
        .ok_or_else(not_found)?;
    if channels::kind_of(&mut w.tx, stored.id).await? != Some(ChannelKind::FakeWhatsapp) {
        return Err(not_found());
    }
    let mut outbox = Outbox::default();
    let moved = moved(
        &mut w.tx,
        &mut outbox,
        &stored,
        message.id,
        receipt.state,
        reason.as_deref(),
        store.clock.now(),
    )
    .await?;
    let now_message = messages::load(&mut w.tx, message.id)
        .await?
        .ok_or_else(not_found)?;
    if !moved {
        return Ok((now_message, Published::nothing()));
    }
    Ok((now_message, store.commit(w, outbox).await?))
}

/// The provider refused an agent's message when it was handed over: it fails with `reason`.
/// The message as it now is (`None` if it is gone).
pub(crate) async fn not_sent(
    store: &Store,
    id: MessageId,
    reason: &str,
) -> LdsResult<(Option<Message>, Published)> {
    let mut w = store.db.begin_write().await?;
    let Some(message) = messages::load(&mut w.tx, id).await? else {
        return Ok((None, Published::nothing()));
    };
    let Some(stored) = rows::load(&mut w.tx, message.conversation).await? else {
        return Ok((Some(message), Published::nothing()));
    };
    let mut outbox = Outbox::default();
    let reason = chat_input::reason(Some(reason));
    let now = store.clock.now();
    let state = MessageState::Failed;
    if !moved(
        &mut w.tx,
        &mut outbox,
        &stored,
        id,
        state,
        Some(&reason),
        now,
    )
    .await?
    {
        return Ok((Some(message), Published::nothing()));
    }
    let failed = messages::load(&mut w.tx, id).await?;
    Ok((failed, store.commit(w, outbox).await?))
}

/// Moves one message forward (states never go back; a failure only before delivery) and logs the
/// change for the agent who has the conversation. Whether it moved.
async fn moved(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    stored: &rows::Stored,
    id: MessageId,
    state: MessageState,
    reason: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<bool> {
    use MessageState::{Delivered, Failed, Read, Sent};
    let from: &[MessageState] = match state {
        Delivered => &[Sent],
        Read => &[Sent, Delivered],
        Failed => &[Sent],
        Sent => &[],
    };
    if !messages::set_state(conn, id, from, state, reason).await? {
        return Ok(false);
    }
    if let Some(agent) = &stored.agent {
        let event = Event::MessageState {
            conversation: stored.id,
            message: id,
            state,
            failed_reason: reason.map(str::to_string),
        };
        masking::append(conn, outbox, &[agent.id], now, &event).await?;
    }
    Ok(true)
}

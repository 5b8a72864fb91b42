//! Messages' rows: each stored once per sender-chosen id, in the order the LDS stored them.

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use headsup_protocol::chat::{Attachment, Author, Message, MessageState};
use headsup_protocol::model::AgentRef;
use headsup_protocol::{AgentId, AttachmentId, ConversationId, MessageId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::time::{from_millis, to_millis};

pub(crate) fn author_str(a: Author) -> &'static str {
    match a {
        Author::Customer => "customer",
        Author::Agent => "agent",
        Author::Note => "note",
    }
}

fn author_parse(s: &str) -> Result<Author> {
    Ok(match s {
        "customer" => Author::Customer,
        "agent" => Author::Agent,
        "note" => Author::Note,
        other => return Err(anyhow!("unknown author {other:?}")),
    })
}

pub(crate) fn state_str(s: MessageState) -> &'static str {
    match s {
        MessageState::Sent => "sent",
        MessageState::Delivered => "delivered",
        MessageState::Read => "read",
        MessageState::Failed => "failed",
    }
}

fn state_parse(s: &str) -> Result<MessageState> {
    Ok(match s {
        "sent" => MessageState::Sent,
        "delivered" => MessageState::Delivered,
        "read" => MessageState::Read,
        "failed" => MessageState::Failed,
        other => return Err(anyhow!("unknown message state {other:?}")),
    })
}

/// The id space a sender's `client_id`s live in: the customer's, or the agents' (messages and
/// notes alike), so a customer can never name an agent's message.
fn side(author: Author) -> &'static str {
    match author {
        Author::Customer => "customer",
        Author::Agent | Author::Note => "agent",
    }
}

const COLUMNS: &str = "m.id, m.conversation_id, m.client_id, m.author, m.agent_id, \
     ma.name AS agent_name, m.body, m.state, m.failed_reason, m.at, m.attachment_id, \
     att.name AS attachment_name, att.content_type AS attachment_type, att.size AS attachment_size";
const FROM: &str = "messages m LEFT JOIN agents ma ON ma.id = m.agent_id \
     LEFT JOIN attachments att ON att.id = m.attachment_id";

fn from_row(row: &AnyRow) -> Result<Message> {
    Ok(Message {
        id: MessageId(row.try_get("id")?),
        conversation: ConversationId(row.try_get("conversation_id")?),
        client_id: row.try_get("client_id")?,
        author: author_parse(&row.try_get::<String, _>("author")?)?,
        agent: match row.try_get::<Option<i64>, _>("agent_id")? {
            Some(id) => Some(AgentRef {
                id: AgentId(id),
                name: row
                    .try_get::<Option<String>, _>("agent_name")?
                    .unwrap_or_default(),
            }),
            None => None,
        },
        body: row.try_get("body")?,
        state: state_parse(&row.try_get::<String, _>("state")?)?,
        failed_reason: row.try_get("failed_reason")?,
        at: from_millis(row.try_get("at")?),
        attachment: match row.try_get::<Option<i64>, _>("attachment_id")? {
            Some(id) => Some(Attachment {
                id: AttachmentId(id),
                name: row.try_get("attachment_name")?,
                content_type: row.try_get("attachment_type")?,
                size: row.try_get::<i64, _>("attachment_size")? as u64,
            }),
            None => None,
        },
    })
}

/// A message to store.
pub(crate) struct NewMessage<'a> {
    pub(crate) conversation: ConversationId,
    pub(crate) client_id: &'a str,
    pub(crate) author: Author,
    pub(crate) agent: Option<AgentId>,
    pub(crate) body: &'a str,
    pub(crate) state: MessageState,
    /// The one file it carries (checked by the caller: this sender's, in this conversation,
    /// not sent before).
    pub(crate) attachment: Option<AttachmentId>,
}

/// Stores the message, or finds the one stored before under the same sender's `client_id`:
/// `(message, true)` when it is new.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    new: &NewMessage<'_>,
    now: DateTime<Utc>,
) -> Result<(Message, bool)> {
    let inserted = sqlx::query(
        "INSERT INTO messages (conversation_id, side, client_id, author, agent_id, body, state, at, \
         attachment_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (conversation_id, side, client_id) DO NOTHING RETURNING id",
    )
    .bind(new.conversation.0)
    .bind(side(new.author))
    .bind(new.client_id.to_string())
    .bind(author_str(new.author))
    .bind(new.agent.map(|a| a.0))
    .bind(new.body.to_string())
    .bind(state_str(new.state))
    .bind(to_millis(now))
    .bind(new.attachment.map(|a| a.0))
    .fetch_optional(&mut *conn)
    .await?;
    let fresh = inserted.is_some();
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE m.conversation_id = $1 AND m.side = $2 \
         AND m.client_id = $3"
    ))
    .bind(new.conversation.0)
    .bind(side(new.author))
    .bind(new.client_id.to_string())
    .fetch_one(conn)
    .await?;
    Ok((from_row(&row)?, fresh))
}

/// The message a sender stored under `client_id`, if any.
pub(crate) async fn find(
    conn: &mut AnyConnection,
    conversation: ConversationId,
    author: Author,
    client_id: &str,
) -> Result<Option<Message>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE m.conversation_id = $1 AND m.side = $2 \
         AND m.client_id = $3"
    ))
    .bind(conversation.0)
    .bind(side(author))
    .bind(client_id.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(|r| from_row(&r)).transpose()
}

pub(crate) async fn load(conn: &mut AnyConnection, id: MessageId) -> Result<Option<Message>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE m.id = $1"))
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    row.map(|r| from_row(&r)).transpose()
}

/// Up to `limit` messages before `before` (the newest without it), oldest first; notes only
/// when `with_notes`.
pub(crate) async fn page(
    conn: &mut AnyConnection,
    conversation: ConversationId,
    before: Option<MessageId>,
    limit: u32,
    with_notes: bool,
) -> Result<Vec<Message>> {
    let notes = if with_notes {
        ""
    } else {
        " AND m.author <> 'note'"
    };
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE m.conversation_id = $1 AND m.id < $2{notes} \
         ORDER BY m.id DESC LIMIT $3"
    ))
    .bind(conversation.0)
    .bind(before.map_or(i64::MAX, |b| b.0))
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    let mut messages = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    messages.reverse();
    Ok(messages)
}

/// The customer's view after `after`: every message but notes, oldest first.
pub(crate) async fn for_customer_after(
    conn: &mut AnyConnection,
    conversation: ConversationId,
    after: MessageId,
    limit: u32,
) -> Result<Vec<Message>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE m.conversation_id = $1 AND m.id > $2 \
         AND m.author <> 'note' ORDER BY m.id LIMIT $3"
    ))
    .bind(conversation.0)
    .bind(after.0)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The newest message or note.
pub(crate) async fn last(
    conn: &mut AnyConnection,
    conversation: ConversationId,
) -> Result<Option<Message>> {
    Ok(page(conn, conversation, None, 1, true).await?.pop())
}

/// Moves `author`'s messages up to `up_to` forward to `state` (a state never goes back, and a
/// failed one stays failed). The ids that moved, oldest first.
pub(crate) async fn advance(
    conn: &mut AnyConnection,
    conversation: ConversationId,
    author: Author,
    up_to: MessageId,
    state: MessageState,
) -> Result<Vec<MessageId>> {
    let behind = match state {
        MessageState::Delivered => "('sent')",
        MessageState::Read => "('sent', 'delivered')",
        MessageState::Sent | MessageState::Failed => return Ok(Vec::new()),
    };
    let filter = format!("conversation_id = $1 AND author = $2 AND id <= $3 AND state IN {behind}");
    let ids: Vec<MessageId> = sqlx::query(&format!(
        "SELECT id FROM messages WHERE {filter} ORDER BY id"
    ))
    .bind(conversation.0)
    .bind(author_str(author))
    .bind(up_to.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get(0).map(MessageId))
    .collect::<Result<_, _>>()?;
    if !ids.is_empty() {
        sqlx::query(&format!("UPDATE messages SET state = $4 WHERE {filter}"))
            .bind(conversation.0)
            .bind(author_str(author))
            .bind(up_to.0)
            .bind(state_str(state))
            .execute(conn)
            .await?;
    }
    Ok(ids)
}

/// Moves one message to `state` if it is in one of `from` (a provider's receipt, or a send that
/// failed), with the reason of a failure. Whether it moved.
pub(crate) async fn set_state(
    conn: &mut AnyConnection,
    id: MessageId,
    from: &[MessageState],
    state: MessageState,
    failed_reason: Option<&str>,
) -> Result<bool> {
    let from = from
        .iter()
        .map(|s| format!("'{}'", state_str(*s)))
        .collect::<Vec<_>>()
        .join(", ");
    let done = sqlx::query(&format!(
        "UPDATE messages SET state = $1, failed_reason = $2 WHERE id = $3 AND state IN ({from})"
    ))
    .bind(state_str(state))
    .bind(failed_reason.map(str::to_string))
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The ticks of the customer's and the agent's messages from `from` on, `sent` included (notes
/// have none the customer may see), newest first, at most `limit`: a socket asks only from its
/// oldest message not yet read or failed, so a settled conversation costs an empty range.
pub(crate) async fn states_since(
    conn: &mut AnyConnection,
    conversation: ConversationId,
    from: MessageId,
    limit: u32,
) -> Result<Vec<(MessageId, MessageState)>> {
    let rows = sqlx::query(
        "SELECT id, state FROM messages WHERE conversation_id = $1 AND id >= $2 \
         AND author <> 'note' ORDER BY id DESC LIMIT $3",
    )
    .bind(conversation.0)
    .bind(from.0)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                MessageId(r.try_get(0)?),
                state_parse(&r.try_get::<String, _>(1)?)?,
            ))
        })
        .collect()
}

/// A queue's canned answers, by code.
pub(crate) async fn canned(
    conn: &mut AnyConnection,
    queue: headsup_protocol::QueueId,
) -> Result<Vec<(String, String)>> {
    let rows =
        sqlx::query("SELECT code, body FROM canned_answers WHERE queue_id = $1 ORDER BY code")
            .bind(queue.0)
            .fetch_all(conn)
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

pub(crate) async fn set_canned(
    conn: &mut AnyConnection,
    queue: headsup_protocol::QueueId,
    code: &str,
    body: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO canned_answers (queue_id, code, body) VALUES ($1, $2, $3) \
         ON CONFLICT (queue_id, code) DO UPDATE SET body = excluded.body",
    )
    .bind(queue.0)
    .bind(code)
    .bind(body)
    .execute(conn)
    .await?;
    Ok(())
}

//! Attachments' rows: the metadata in `attachments`, the bytes in `attachment_bytes` (read only
//! when a file is downloaded), and the link from the one message that carries each.

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::chat::Attachment;
use headsup_protocol::{AgentId, AttachmentId, ConversationId, MessageId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::time::to_millis;

/// Who uploaded a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Uploader {
    Customer,
    Agent(AgentId),
}

/// A file to store, already checked.
pub(crate) struct NewAttachment<'a> {
    pub(crate) conversation: ConversationId,
    pub(crate) uploader: Uploader,
    pub(crate) name: &'a str,
    pub(crate) content_type: &'static str,
    pub(crate) bytes: &'a [u8],
}

/// An attachment's row, with where it is: whose, and the message that carries it (if sent).
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) attachment: Attachment,
    pub(crate) conversation: ConversationId,
    pub(crate) uploader: Uploader,
    pub(crate) message: Option<MessageId>,
    /// The carrying message's author (`customer`, `agent`, `note`), once sent.
    pub(crate) message_author: Option<String>,
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    new: &NewAttachment<'_>,
    now: DateTime<Utc>,
) -> Result<Attachment> {
    let (side, agent) = match new.uploader {
        Uploader::Customer => ("customer", None),
        Uploader::Agent(a) => ("agent", Some(a.0)),
    };
    let size = new.bytes.len() as i64;
    let id: i64 = sqlx::query(
        "INSERT INTO attachments (conversation_id, side, agent_id, name, content_type, size, \
         uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.conversation.0)
    .bind(side)
    .bind(agent)
    .bind(new.name.to_string())
    .bind(new.content_type)
    .bind(size)
    .bind(to_millis(now))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    sqlx::query("INSERT INTO attachment_bytes (attachment_id, bytes) VALUES ($1, $2)")
        .bind(id)
        .bind(new.bytes.to_vec())
        .execute(conn)
        .await?;
    Ok(Attachment {
        id: AttachmentId(id),
        name: new.name.to_string(),
        content_type: new.content_type.to_string(),
        size: size as u64,
    })
}

fn from_row(row: &AnyRow) -> Result<Stored> {
    let uploader = match row.try_get::<Option<i64>, _>("agent_id")? {
        Some(agent) => Uploader::Agent(AgentId(agent)),
        None => Uploader::Customer,
    };
    Ok(Stored {
        attachment: Attachment {
            id: AttachmentId(row.try_get("id")?),
            name: row.try_get("name")?,
            content_type: row.try_get("content_type")?,
            size: row.try_get::<i64, _>("size")? as u64,
        },
        conversation: ConversationId(row.try_get("conversation_id")?),
        uploader,
        message: row.try_get::<Option<i64>, _>("message_id")?.map(MessageId),
        message_author: row.try_get("author")?,
    })
}

pub(crate) async fn load(conn: &mut AnyConnection, id: AttachmentId) -> Result<Option<Stored>> {
    let row = sqlx::query(
        "SELECT a.id, a.conversation_id, a.agent_id, a.name, a.content_type, a.size, \
         m.id AS message_id, m.author FROM attachments a \
         LEFT JOIN messages m ON m.attachment_id = a.id WHERE a.id = $1",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| from_row(&r)).transpose()
}

pub(crate) async fn bytes(conn: &mut AnyConnection, id: AttachmentId) -> Result<Vec<u8>> {
    Ok(
        sqlx::query("SELECT bytes FROM attachment_bytes WHERE attachment_id = $1")
            .bind(id.0)
            .fetch_one(conn)
            .await?
            .try_get(0)?,
    )
}

//! Chat attachments (issue 16): a file uploaded into a conversation, then sent with exactly one
//! message (`claim`, called by `conversations` as it stores that message). Who may read one:
//!
//! - the conversation's customer: their own uploads and the files of agents' *messages* (never
//!   a note's, never an agent's file not yet sent);
//! - an agent who has had the conversation: files sent with a message or note, and their own
//!   uploads not yet sent.
//!
//! Anyone else is answered `not_found`, whether the file exists or not.

use headsup_protocol::chat::Attachment;
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{AttachmentId, ConversationId, ErrorCode};
use sqlx::AnyConnection;

use crate::attachment_input;
use crate::data::attachments::{self as rows, NewAttachment, Stored, Uploader};
use crate::data::conversations::{self, Stage};
use crate::data::events::Outbox;
use crate::domain::{Published, Store};
use crate::error::{LdsError, LdsResult};

fn not_found() -> LdsError {
    LdsError::new(ErrorCode::NotFound, "no such attachment of yours")
}

/// A file as sent: the declared `Content-Type`, the name given (untrusted) and the bytes (at
/// most `MAX_ATTACHMENT_BYTES`: the edge refused more before reading it).
pub(crate) struct Upload<'a> {
    pub(crate) declared: Option<&'a str>,
    pub(crate) name: &'a str,
    pub(crate) bytes: &'a [u8],
}

/// An agent uploads a file into a conversation they serve now (open and with them); it waits
/// to be sent with a message or note. Refused: `not_found`, `conversation_closed`,
/// `attachment_type_refused`.
pub(crate) async fn upload_by_agent(
    store: &Store,
    agent: &AgentInfo,
    conversation: ConversationId,
    upload: Upload<'_>,
) -> LdsResult<(Attachment, Published)> {
    let content_type = attachment_input::content_type(upload.declared, upload.bytes)?;
    let mut w = store.db.begin_write().await?;
    let stored = conversations::load(&mut w.tx, conversation)
        .await?
        .ok_or_else(not_found)?;
    if stored.team != agent.team || !conversations::had(&mut w.tx, conversation, agent.id).await? {
        return Err(not_found());
    }
    if stored.stage != Stage::Open || stored.agent.as_ref().map(|a| a.id) != Some(agent.id) {
        return Err(LdsError::new(
            ErrorCode::ConversationClosed,
            "this conversation is closed or with a colleague now",
        ));
    }
    let name = attachment_input::name(upload.name);
    let new = NewAttachment {
        conversation,
        uploader: Uploader::Agent(agent.id),
        name: &name,
        content_type,
        bytes: upload.bytes,
    };
    let attachment = rows::insert(&mut w.tx, &new, store.clock.now()).await?;
    Ok((attachment, store.commit(w, Outbox::default()).await?))
}

/// The customer of `conversation` (their token checked by the edge) uploads a file; it waits
/// to be sent with their next message. Refused: `attachment_type_refused`.
pub(crate) async fn upload_by_customer(
    store: &Store,
    conversation: ConversationId,
    upload: Upload<'_>,
) -> LdsResult<(Attachment, Published)> {
    let content_type = attachment_input::content_type(upload.declared, upload.bytes)?;
    let name = attachment_input::name(upload.name);
    let new = NewAttachment {
        conversation,
        uploader: Uploader::Customer,
        name: &name,
        content_type,
        bytes: upload.bytes,
    };
    let mut w = store.db.begin_write().await?;
    let attachment = rows::insert(&mut w.tx, &new, store.clock.now()).await?;
    Ok((attachment, store.commit(w, Outbox::default()).await?))
}

/// A file and its bytes, for an agent who may read it (the module's rule).
pub(crate) async fn for_agent(
    store: &Store,
    agent: &AgentInfo,
    id: AttachmentId,
) -> LdsResult<(Attachment, Vec<u8>)> {
    let mut conn = store.db.pool.acquire().await?;
    let found = rows::load(&mut conn, id).await?.ok_or_else(not_found)?;
    let stored = conversations::load(&mut conn, found.conversation)
        .await?
        .ok_or_else(not_found)?;
    let theirs = stored.team == agent.team
        && conversations::had(&mut conn, found.conversation, agent.id).await?;
    let visible = found.message.is_some() || found.uploader == Uploader::Agent(agent.id);
    if !(theirs && visible) {
        return Err(not_found());
    }
    let bytes = rows::bytes(&mut conn, id).await?;
    Ok((found.attachment, bytes))
}

/// A file and its bytes, for the customer of `conversation` if they may read it (the module's
/// rule: a note's file never).
pub(crate) async fn for_customer(
    store: &Store,
    conversation: ConversationId,
    id: AttachmentId,
) -> LdsResult<(Attachment, Vec<u8>)> {
    let mut conn = store.db.pool.acquire().await?;
    let found = rows::load(&mut conn, id).await?.ok_or_else(not_found)?;
    let visible =
        found.uploader == Uploader::Customer || found.message_author.as_deref() == Some("agent");
    if found.conversation != conversation || !visible {
        return Err(not_found());
    }
    let bytes = rows::bytes(&mut conn, id).await?;
    Ok((found.attachment, bytes))
}

/// The file a new message of `by` in `conversation` carries: one this sender uploaded there
/// and has not sent yet; else `not_found`. The caller stores the message in the same
/// transaction (a unique index keeps one message per file).
pub(crate) async fn claim(
    conn: &mut AnyConnection,
    conversation: ConversationId,
    by: Uploader,
    id: AttachmentId,
) -> LdsResult<Attachment> {
    let found: Stored = rows::load(conn, id).await?.ok_or_else(not_found)?;
    if found.conversation != conversation || found.uploader != by || found.message.is_some() {
        return Err(LdsError::new(
            ErrorCode::NotFound,
            "no such attachment waiting to be sent: upload it to this conversation first",
        ));
    }
    Ok(found.attachment)
}

//! Chats (seeds 001 and 003): the conversation an accepted chat request opens, its messages and
//! internal notes, and the customer's side of it (the web chat widget's own WebSocket).
//!
//! Every message carries an id its sender chose (`client_id`): sending it again after a lost
//! reply stores and delivers it once. A message's state only moves forward, sent → delivered →
//! read, or ends `failed` with a reason the agent is shown. Notes are the agents' own: the LDS
//! never sends one to a customer, by any route.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{
    AgentId, AttachmentId, ChannelAccountId, ConversationId, MessageId, QueueId, RequestId,
    SessionId,
};
use crate::model::{AgentRef, ContactRef, Customer};

/// Longest message body, in characters (after trimming). Longer ones are refused with
/// `invalid_message`, never cut.
pub const MAX_MESSAGE_CHARS: usize = 4000;
/// Longest sender-chosen id, in bytes.
pub const MAX_CLIENT_ID_BYTES: usize = 64;
/// Most messages in one history page.
pub const MAX_MESSAGE_PAGE: u32 = 200;
/// Messages in a history page when the request gives no `limit`.
pub const DEFAULT_MESSAGE_PAGE: u32 = 50;
/// Most conversations in one page of the interactions list.
pub const MAX_CONVERSATION_PAGE: u32 = 100;
/// Most tags on one conversation.
pub const MAX_CONVERSATION_TAGS: usize = 10;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 32;
/// Most tags one interactions-list query may name.
pub const MAX_QUERY_TAGS: usize = 10;
/// A customer writing again within this long after a close reopens the conversation (with the
/// agent who closed it, as a new chat request); later, it starts a new one.
pub const REOPEN_WITHIN_SECS: i64 = 24 * 3600;

/// Largest chat attachment, in bytes (15 MiB): larger ones are refused `attachment_too_large`
/// before more than this is read.
pub const MAX_ATTACHMENT_BYTES: usize = 15 * 1024 * 1024;
/// Longest attachment file name kept, in characters (a longer one is cut, its extension kept).
pub const MAX_ATTACHMENT_NAME_CHARS: usize = 120;

/// A file attached to a message: what a message carries of it (the bytes are downloaded
/// separately, docs/protocol.md §2.13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Attachment {
    pub id: AttachmentId,
    /// The file name as cleaned by the LDS (no path, no control or bidi characters); plain text.
    pub name: String,
    /// The type the LDS found in the bytes (one of the allowed types).
    pub content_type: String,
    /// In bytes.
    pub size: u64,
}

/// Where the customer writes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The LDS's own web chat widget.
    Web,
    /// A WhatsApp-like messaging provider (free text only within 24 hours of the customer's last
    /// message; templates after).
    Whatsapp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConversationState {
    Open,
    Closed,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Customer,
    Agent,
    /// An internal note: agents only.
    Note,
}

/// Where a message is. Only moves forward: `sent` → `delivered` → `read`; `failed` is final
/// (a retry is a new message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// Stored by the LDS.
    Sent,
    /// On the customer's device (or the provider's).
    Delivered,
    /// Seen by its reader.
    Read,
    /// Not delivered, for `failed_reason`.
    Failed,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Message {
    /// The LDS's id: grows with every message of the LDS, so it orders a conversation.
    pub id: MessageId,
    pub conversation: ConversationId,
    /// The id the sender chose; the same one sent again is the same message.
    pub client_id: String,
    pub author: Author,
    /// The agent who wrote it (agent messages and notes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRef>,
    pub body: String,
    pub state: MessageState,
    /// Why it failed, in words the agent can act on (`failed` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_reason: Option<String>,
    pub at: DateTime<Utc>,
    /// The one file sent with it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

/// A conversation as an agent sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Conversation {
    pub id: ConversationId,
    pub channel: Channel,
    /// The queue the chat came through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueId>,
    /// The customer, masked as the agent's queue says.
    pub customer: Customer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactRef>,
    pub state: ConversationState,
    /// The agent it is with now (none while it waits for one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRef>,
    /// The agent who first took it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_agent: Option<AgentRef>,
    /// The session serving it now, while one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionId>,
    /// The chat request that opened it (or reopened it last).
    pub request: RequestId,
    pub started_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    /// The last message or note, to show in the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message: Option<Message>,
    /// Messages from the customer this agent has not read (the same on all their devices).
    #[serde(default)]
    pub unread: u32,
    /// Until when free text may be sent (WhatsApp-like channels: 24 hours after the customer's
    /// last message). Absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_text_until: Option<DateTime<Utc>>,
    /// The team's free tags on it, sorted (the same for every agent who has it). Agents only:
    /// a customer never sees them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The channel account it came through (absent for chats older than accounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<ChannelAccountId>,
}

/// A page of a conversation's history, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MessagePage {
    pub conversation: ConversationId,
    pub messages: Vec<Message>,
    /// Ask again with `before` set to this for the page before; absent at the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<MessageId>,
}

/// A filter of the interactions list (seed 003). Every part given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConversationQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ConversationState>,
    /// Only those with (`true`) or without (`false`) unread messages for this agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Started at or after this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
    /// First handled by this agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_agent: Option<AgentId>,
    /// Words in the customer's name or in a message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Came through this channel account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<ChannelAccountId>,
    /// Carries every one of these tags (matched as stored: trimmed, lower case; at most
    /// [`MAX_QUERY_TAGS`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The `next` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ConversationId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A page of the interactions list: open ones first, then the most recent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConversationPage {
    pub conversations: Vec<Conversation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<ConversationId>,
}

/// A channel account an agent may filter the interactions list by: one queue's customers on
/// one kind of channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChannelAccount {
    pub id: ChannelAccountId,
    pub channel: Channel,
    /// The name of the queue its customers wait in.
    pub queue: String,
}

/// What the interactions list's filters offer (reply to `conversation_filters`): the channel
/// accounts of the agent's conversations and the tags in use on them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConversationFilters {
    pub accounts: Vec<ChannelAccount>,
    /// Sorted, each once.
    pub tags: Vec<String>,
}

/// A ready answer of a queue (seed 003's canned answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CannedAnswer {
    pub code: String,
    pub text: String,
}

/// One of a team's message templates: on a provider's channel (WhatsApp), what may be sent once
/// the free-text window has closed. `{name}` in `body` becomes the customer's name when sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MessageTemplate {
    pub code: String,
    pub body: String,
}

// ---------------------------------------------------------------------------------------------
// The simulated WhatsApp provider's side (`/api/v1/sim/whatsapp/…`, with the team's intake key):
// what the provider's webhooks would deliver.

/// `POST /api/v1/sim/whatsapp/messages`: a customer wrote from their phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProviderInbound {
    /// The customer's phone, international (`+34600111222`; spaces, `-`, `.` and brackets
    /// allowed): stored as E.164.
    pub from: String,
    /// Their profile name (untrusted: cleaned as a customer's name; the phone stands in when
    /// none is left).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub text: String,
    /// The provider's id of the message (1 to 64 visible ASCII characters): delivered again, it
    /// is stored once.
    pub id: String,
}

/// The answer to [`ProviderInbound`]: where the message is (the same on a repeat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProviderInboundStored {
    pub conversation: ConversationId,
    pub message: MessageId,
    /// True when this id was stored before (nothing new was written).
    pub repeated: bool,
}

/// `POST /api/v1/sim/whatsapp/receipts`: the provider reports an agent's message delivered to
/// the phone, read on it, or failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProviderReceipt {
    /// The LDS's id of the agent's message.
    pub message: MessageId,
    /// `delivered`, `read` or `failed` (never `sent`).
    #[cfg_attr(feature = "schema", schemars(extend("not" = {"const": "sent"})))]
    pub state: MessageState,
    /// With `failed`: why, in words the agent can act on (cleaned, at most 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The customer's side: `POST /api/v1/chat` opens a conversation, then the WebSocket
// `/api/v1/chat/ws` carries it (docs/protocol.md, "Customer chat").

/// `POST /api/v1/chat` with the queue's intake key in `Authorization: Bearer`: a customer starts
/// a chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StartChat {
    /// The name the customer gave (untrusted: shown as plain text only).
    pub name: String,
    /// Their first message, if they wrote one with the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The id the widget chose for that first message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// The answer to [`StartChat`]. The token is the customer's key to this conversation: the
/// widget keeps it (never in a URL) and sends it in its WebSocket `hello`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChatStarted {
    pub conversation: ConversationId,
    pub token: String,
}

/// A message as the customer sees it: no notes, the agent by first name only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CustomerMessage {
    pub id: MessageId,
    pub client_id: String,
    /// `customer` or `agent`; never `note`.
    pub author: Author,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    pub body: String,
    pub state: MessageState,
    pub at: DateTime<Utc>,
    /// The one file sent with it, if any (download it with the chat token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

/// Customer → LDS, on `/api/v1/chat/ws`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CustomerFrame {
    /// The first frame. `after`: the last message id the widget shows; the LDS sends every
    /// message after it, then the states of the customer's own messages.
    Hello {
        token: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<MessageId>,
    },
    /// Send a message; `client_id` makes a resend after a drop harmless. `attachment`: a file
    /// the customer uploaded and has not sent yet (then `body` may be empty).
    Send {
        client_id: String,
        #[serde(default)]
        body: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<AttachmentId>,
    },
    /// The customer has seen the agent's messages up to this one.
    Read { up_to: MessageId },
}

/// LDS → customer, on `/api/v1/chat/ws`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CustomerServerFrame {
    /// The answer to `hello`: the conversation's state; messages follow.
    Welcome {
        conversation: ConversationId,
        state: ConversationState,
        /// The agent's first name, once one took the chat.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent_name: Option<String>,
    },
    /// A message, new or sent again on resume (the widget keeps one per `id`).
    Message { message: CustomerMessage },
    /// One of the customer's messages was delivered to or read by the agent, or an agent's one
    /// reached the customer.
    State {
        message: MessageId,
        state: MessageState,
    },
    /// An agent took the chat (again).
    Joined { agent_name: String },
    /// The agent closed the chat. Writing again reopens it (docs/protocol.md).
    Closed,
    /// A frame was refused; `client_id` names the message it was about.
    Error {
        code: crate::ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
}

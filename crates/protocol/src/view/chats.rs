//! The Chats desk as the UI shows it: the agent's conversations and the one open, every word
//! already chosen by the core. Customer names and message bodies arrive as plain text (names on
//! one line, bodies with their line breaks kept, no control or bidi character): the UI puts them
//! in text nodes, never markup.

use serde::{Deserialize, Serialize};

use crate::chat::{CannedAnswer, ConversationState};
use crate::ids::{ChannelAccountId, ConversationId};
use chrono::NaiveDate;

/// The Chats desk, worded by the core. Replaced whole when it changes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChatsView {
    /// The list: open conversations first, then by their last message, newest first.
    #[serde(default)]
    pub rows: Vec<ChatRow>,
    /// The list in words ("3 conversations, 1 unread", "No conversations yet."), a live region.
    pub status_text: String,
    /// The conversation open beside (desktop) or instead of (phone) the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<Box<ChatPaneView>>,
    /// The list's filters as the core last sent them to the LDS (`conversations` query).
    #[serde(default)]
    pub filter: ChatFilter,
    /// The accounts and tags the filters offer.
    #[serde(default)]
    pub filter_options: ChatFilterOptions,
}

/// The interactions list's filters: `None` (or empty) lets everything through.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChatFilter {
    /// Only open or only closed conversations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ConversationState>,
    /// Only those with (`true`) or without (`false`) unread messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread: Option<bool>,
    /// Started on or after this day, on the agent's calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
    /// Came through this channel account (one of `ChatsView.filter_options.accounts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<ChannelAccountId>,
    /// Only those the agent handled first (`false`: whoever did).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mine: bool,
    /// Carrying every one of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Words in the customer's name or the messages.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// What the filters offer to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChatFilterOptions {
    #[serde(default)]
    pub accounts: Vec<AccountChoice>,
    /// Tags in use on the agent's conversations, sorted.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A channel account as the filter names it ("WhatsApp · Sales").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChoice {
    pub id: ChannelAccountId,
    pub label: String,
}

/// One conversation in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatRow {
    pub id: ConversationId,
    /// The customer, one line.
    pub name: String,
    /// "You: …", "Note: …" or the customer's words, one line, shortened.
    pub preview: String,
    /// Whether the last message came in (`true`) or went out.
    #[serde(default)]
    pub incoming: bool,
    /// The last message's clock time ("10:42"), or the start's.
    pub time_text: String,
    /// "Open", "Closed".
    pub state_text: String,
    #[serde(default)]
    pub closed: bool,
    /// The unread badge as drawn ("3", "99+"); `None`: none drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread_text: Option<String>,
    /// Shown in the pane now.
    #[serde(default)]
    pub selected: bool,
    /// The row's accessible name, its visible words first in their order:
    /// "Bea, 10:42, Hello, 3 unread, last message came in, Open".
    pub label: String,
}

/// The open conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatPaneView {
    pub id: ConversationId,
    /// The customer, one line (the pane's heading).
    pub title: String,
    /// "Web chat · Open", "WhatsApp · Closed".
    pub subtitle: String,
    /// Oldest first.
    #[serde(default)]
    pub messages: Vec<ChatMessageView>,
    /// The LDS has older messages ("Earlier messages").
    #[serde(default)]
    pub can_older: bool,
    /// A history page is on its way.
    #[serde(default)]
    pub loading: bool,
    /// "Loading messages…", "No messages yet.", or empty.
    #[serde(default)]
    pub history_text: String,
    pub composer: ComposerView,
    /// The queue's canned answers, to insert into the composer.
    #[serde(default)]
    pub canned: Vec<CannedAnswer>,
    /// The agent serves it now: Close and Transfer apply (through the session).
    #[serde(default)]
    pub in_session: bool,
    /// What closing does, under the buttons ("Closing ends the chat; …").
    #[serde(default)]
    pub close_hint: String,
    /// The conversation's tags, sorted (edited with [`crate::view::Intent::SetChatTags`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// Who a message is from, for its look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatSide {
    /// The customer's.
    #[default]
    Incoming,
    /// An agent's, to the customer.
    Outgoing,
    /// An internal note: agents only.
    Note,
}

/// Where an outgoing message is, for its ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatTick {
    /// No ticks (the customer's messages, notes).
    #[default]
    None,
    /// Not yet stored by the LDS.
    Sending,
    /// ✓
    Sent,
    /// ✓✓
    Delivered,
    /// ✓✓ in the "read" colour.
    Read,
    /// Not delivered: `tick_text` says why.
    Failed,
}

/// One message as drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessageView {
    /// Stable key: the sender's `client_id`.
    pub key: String,
    pub side: ChatSide,
    /// "Bea", "You", "Note by you", "Note by Bo".
    pub author: String,
    /// The text, with its line breaks.
    pub body: String,
    pub time_text: String,
    #[serde(default)]
    pub tick: ChatTick,
    /// "Sending…", "Sent", "Delivered", "Read", "Failed: …"; empty when no ticks.
    #[serde(default)]
    pub tick_text: String,
    /// "Retry" applies: send it again with [`crate::view::Intent::RetryChatMessage`] and `key`.
    #[serde(default)]
    pub can_retry: bool,
    /// The message's accessible name: "You at 10:42: Hello. Delivered".
    pub label: String,
    /// The file it carries: a chip with its name and size, and "Save".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<ChatAttachmentView>,
}

/// A message's file as the agent sees it (plain text only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatAttachmentView {
    /// Pass to [`crate::view::Intent::SaveChatAttachment`].
    pub id: crate::AttachmentId,
    /// The cleaned file name.
    pub name: String,
    /// "12 KB", "1.2 MB".
    pub size_text: String,
    /// The save button's accessible name: "Save invoice.pdf (12 KB)".
    pub save_label: String,
}

/// The composer under the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ComposerView {
    /// Writing an internal note (looks clearly different).
    #[serde(default)]
    pub note: bool,
    /// Free text may be written now.
    #[serde(default)]
    pub can_write: bool,
    /// The text box's visible label: "Message to Bea", "Internal note (Bea never sees it)".
    pub label: String,
    /// The send button: "Send", "Add note".
    pub send_label: String,
    /// The note switch's label.
    pub note_label: String,
    /// Why free text cannot be sent now (closed, outside the channel's window, offline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_text: Option<String>,
    /// The channel's free-text window is over: a template is what may be sent instead (with
    /// [`crate::view::Intent::SendChatTemplate`]); `blocked_text` says why.
    #[serde(default)]
    pub template_only: bool,
    /// The team's templates to choose from while `template_only` (empty while they load).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<TemplateChoice>,
}

/// A template the composer offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateChoice {
    pub code: String,
    /// The text the customer would receive (the customer's name filled in).
    pub text: String,
}

//! The Chats desk in words: the list's rows, the open conversation's messages with their ticks,
//! and the composer saying what may be written and why not. Customer names and bodies pass
//! through `plain_text` here, once, before they reach the view.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use headsup_protocol::chat::{
    Attachment, Author, Channel, Conversation, ConversationState, Message, MessageState,
};
use headsup_protocol::view::{
    AccountChoice, ChatAttachmentView, ChatFilter, ChatFilterOptions, ChatMessageView,
    ChatPaneView, ChatRow, ChatSide, ChatTick, ChatsView, ComposerView, TemplateChoice,
};
use headsup_protocol::{AgentId, ConversationId, ErrorCode};

use super::{ChatsDesk, Convo, History, Outgoing};
use crate::copy;
use crate::plain_text::{multi_line, one_line};

/// A list preview's longest text, in characters.
const PREVIEW_CHARS: usize = 80;
/// The badge on a row never grows wider than this.
const BADGE_MAX: u32 = 99;

/// What the view needs from the rest of the core.
pub(in crate::machine) struct ViewContext {
    pub now: DateTime<Utc>,
    pub tz: Tz,
    pub mask_phone: bool,
    pub me: Option<AgentId>,
    /// The conversation of the agent's session now, if it is a chat.
    pub session_conversation: Option<ConversationId>,
}

impl ChatsDesk {
    pub(in crate::machine) fn view(&self, cx: &ViewContext) -> ChatsView {
        // The conversation on screen stays listed even when it stops passing (read, closed).
        let mut convos: Vec<&Convo> = self
            .convos
            .values()
            .filter(|c| self.open == Some(c.conversation.id) || self.passes(c))
            .collect();
        convos.sort_by_key(|c| {
            (
                c.conversation.state != ConversationState::Open,
                std::cmp::Reverse(c.last_at()),
                std::cmp::Reverse(c.conversation.id),
            )
        });
        let rows: Vec<ChatRow> = convos.iter().map(|c| self.row(c, cx)).collect();
        let unread = convos.iter().filter(|c| c.conversation.unread > 0).count();
        let filtered = self.filter != ChatFilter::default();
        let status_text = match (rows.len(), unread) {
            (0, _) if filtered => "No conversations match these filters.".to_string(),
            (0, _) => "No conversations yet.".to_string(),
            (1, 0) => "1 conversation".to_string(),
            (n, 0) => format!("{n} conversations"),
            (1, _) => "1 conversation, unread".to_string(),
            (n, u) => format!("{n} conversations, {u} unread"),
        };
        ChatsView {
            rows,
            status_text,
            open: self
                .open
                .and_then(|id| self.convos.get(&id))
                .map(|c| Box::new(self.pane(c, cx))),
            filter: self.filter.clone(),
            filter_options: self.filter_options(),
        }
    }

    /// The LDS's accounts, and its tags with those seen since (each once, sorted).
    fn filter_options(&self) -> ChatFilterOptions {
        let mut tags: Vec<String> = self
            .offered
            .tags
            .iter()
            .chain(self.convos.values().flat_map(|c| &c.conversation.tags))
            .chain(&self.filter.tags)
            .map(|t| one_line(t))
            .collect();
        tags.sort();
        tags.dedup();
        let accounts = self
            .offered
            .accounts
            .iter()
            .map(|a| AccountChoice {
                id: a.id,
                label: format!("{} · {}", channel_words(a.channel), one_line(&a.queue)),
            })
            .collect();
        ChatFilterOptions { accounts, tags }
    }

    /// What the LDS's query would pass, for conversations events add between reads.
    fn passes(&self, c: &Convo) -> bool {
        let conv = &c.conversation;
        let f = &self.filter;
        let text = f.text.trim().to_lowercase();
        f.state.is_none_or(|s| conv.state == s)
            && f.unread.is_none_or(|u| (conv.unread > 0) == u)
            && self.since_at.is_none_or(|t| conv.started_at >= t)
            && f.account.is_none_or(|a| conv.account == Some(a))
            && (!f.mine || conv.first_agent.as_ref().map(|a| a.id) == self.me)
            && f.tags
                .iter()
                .all(|t| conv.tags.contains(&t.trim().to_lowercase()))
            && (text.is_empty()
                || conv
                    .customer
                    .name
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase().contains(&text))
                || conv
                    .last_message
                    .as_ref()
                    .is_some_and(|m| m.body.to_lowercase().contains(&text)))
    }

    fn row(&self, c: &Convo, cx: &ViewContext) -> ChatRow {
        let conv = &c.conversation;
        let name = customer_name(conv, cx.mask_phone);
        let (incoming, preview) = match &conv.last_message {
            Some(m) => (
                m.author == Author::Customer,
                match m.author {
                    Author::Customer => preview_text(&m.body),
                    Author::Agent if is_me(m, cx) => format!("You: {}", preview_text(&m.body)),
                    Author::Agent => format!("{}: {}", agent_name(m), preview_text(&m.body)),
                    Author::Note => format!("Note: {}", preview_text(&m.body)),
                },
            ),
            None => (true, "No messages yet".to_string()),
        };
        let time_text = copy::clock(c.last_at(), cx.tz, false);
        let state_text = state_words(conv.state).to_string();
        let unread_text = (conv.unread > 0).then(|| {
            if conv.unread > BADGE_MAX {
                format!("{BADGE_MAX}+")
            } else {
                conv.unread.to_string()
            }
        });
        // The accessible name holds the row's visible words in their order (name, time, preview,
        // "Closed", the badge), so what a voice-control user reads off the screen names it; the
        // words only a screen reader needs come after them.
        let mut label = vec![name.clone(), time_text.clone(), preview.clone()];
        if conv.state == ConversationState::Closed {
            label.push(state_text.clone());
        }
        if let Some(badge) = &unread_text {
            label.push(format!("{badge} unread"));
        }
        if conv.last_message.is_some() {
            let direction = if incoming { "came in" } else { "went out" };
            label.push(format!("last message {direction}"));
        }
        if conv.state != ConversationState::Closed {
            label.push(state_text.clone());
        }
        ChatRow {
            id: conv.id,
            label: label.join(", "),
            name,
            preview,
            incoming,
            time_text,
            state_text,
            closed: conv.state == ConversationState::Closed,
            unread_text,
            selected: self.open == Some(conv.id),
        }
    }

    fn pane(&self, c: &Convo, cx: &ViewContext) -> ChatPaneView {
        let conv = &c.conversation;
        let title = customer_name(conv, cx.mask_phone);
        let mut messages: Vec<ChatMessageView> = c
            .messages
            .values()
            .map(|m| self.message(m, &title, cx))
            .collect();
        messages.extend(
            self.outbox
                .iter()
                .filter(|o| o.conversation == conv.id)
                .map(|o| outgoing(o, cx)),
        );
        let loading = c.history == History::Loading;
        let history_text = if loading && messages.is_empty() {
            "Loading messages…"
        } else if messages.is_empty() && c.history == History::Loaded {
            "No messages yet."
        } else {
            ""
        };
        let in_session = cx.session_conversation == Some(conv.id);
        ChatPaneView {
            id: conv.id,
            subtitle: format!(
                "{} · {}",
                channel_words(conv.channel),
                state_words(conv.state)
            ),
            messages,
            can_older: c.before.is_some() && c.history == History::Loaded,
            loading,
            history_text: history_text.to_string(),
            composer: self.composer(conv, &title, cx),
            canned: c
                .canned
                .iter()
                .flatten()
                .map(|a| headsup_protocol::chat::CannedAnswer {
                    code: one_line(&a.code),
                    text: multi_line(&a.text),
                })
                .collect(),
            in_session,
            close_hint: if in_session {
                "Close ends the chat. If the queue asks for a disposition, you pick it next (close & dispose).".to_string()
            } else {
                String::new()
            },
            title,
            tags: conv.tags.iter().map(|t| one_line(t)).collect(),
        }
    }

    fn composer(&self, conv: &Conversation, name: &str, cx: &ViewContext) -> ComposerView {
        let note = self.note;
        let blocked_text = if conv.state == ConversationState::Closed {
            Some(format!(
                "This chat is closed. If {name} writes again, it reopens."
            ))
        } else if !note && outside_window(conv, cx.now) {
            Some(format!(
                "The customer last wrote more than 24 hours ago: {} only lets you send a \
                 template. You can still add an internal note.",
                channel_words(conv.channel)
            ))
        } else {
            None
        };
        let template_only =
            conv.state == ConversationState::Open && !note && outside_window(conv, cx.now);
        let templates = if template_only {
            self.templates
                .iter()
                .flatten()
                .map(|t| TemplateChoice {
                    code: one_line(&t.code),
                    text: fill_template(&t.body, conv),
                })
                .collect()
        } else {
            Vec::new()
        };
        ComposerView {
            note,
            can_write: blocked_text.is_none(),
            label: if note {
                format!("Internal note ({name} never sees it)")
            } else {
                format!("Message to {name}")
            },
            send_label: if note { "Add note" } else { "Send" }.to_string(),
            note_label: "Internal note".to_string(),
            blocked_text,
            template_only,
            templates,
        }
    }

    fn message(&self, m: &Message, customer: &str, cx: &ViewContext) -> ChatMessageView {
        let (side, author) = match m.author {
            Author::Customer => (ChatSide::Incoming, customer.to_string()),
            Author::Agent if is_me(m, cx) => (ChatSide::Outgoing, "You".to_string()),
            Author::Agent => (ChatSide::Outgoing, agent_name(m)),
            Author::Note if is_me(m, cx) => (ChatSide::Note, "Note by you".to_string()),
            Author::Note => (ChatSide::Note, format!("Note by {}", agent_name(m))),
        };
        let (tick, tick_text) = if side == ChatSide::Outgoing {
            ticks(m)
        } else if m.state == MessageState::Failed {
            (ChatTick::Failed, failed_words(m.failed_reason.as_deref()))
        } else {
            (ChatTick::None, String::new())
        };
        let can_retry = tick == ChatTick::Failed && !self.retried.contains(&m.id);
        let tick_text = if tick == ChatTick::Failed && !can_retry {
            format!("{tick_text} (sent again below)")
        } else {
            tick_text
        };
        let mut view = view_of(
            m.client_id.clone(),
            side,
            author,
            multi_line(&m.body),
            copy::clock(m.at, cx.tz, false),
            (tick, tick_text, can_retry),
        );
        view.attachment = m.attachment.as_ref().map(attachment_view);
        if let Some(file) = &view.attachment {
            view.label = format!("{} File: {}, {}.", view.label, file.name, file.size_text);
        }
        view
    }
}

fn outgoing(o: &Outgoing, cx: &ViewContext) -> ChatMessageView {
    let (side, author) = if o.note {
        (ChatSide::Note, "Note by you")
    } else {
        (ChatSide::Outgoing, "You")
    };
    let tick = match &o.failed {
        Some(reason) => (ChatTick::Failed, failed_words(Some(reason)), true),
        None => (ChatTick::Sending, "Sending…".to_string(), false),
    };
    view_of(
        o.client_id.clone(),
        side,
        author.to_string(),
        multi_line(&o.body),
        copy::clock(o.at, cx.tz, false),
        tick,
    )
}

fn view_of(
    key: String,
    side: ChatSide,
    author: String,
    body: String,
    time_text: String,
    (tick, tick_text, can_retry): (ChatTick, String, bool),
) -> ChatMessageView {
    let state = if tick_text.is_empty() {
        String::new()
    } else {
        format!(" {tick_text}.")
    };
    ChatMessageView {
        label: format!("{author} at {time_text}: {}.{state}", one_line(&body)),
        key,
        side,
        author,
        body,
        time_text,
        tick,
        tick_text,
        can_retry,
        attachment: None,
    }
}

fn attachment_view(a: &Attachment) -> ChatAttachmentView {
    let name = one_line(&a.name);
    let size_text = size_text(a.size);
    ChatAttachmentView {
        id: a.id,
        save_label: format!("Save {name} ({size_text})"),
        name,
        size_text,
    }
}

fn size_text(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{} KB", bytes.div_ceil(1024)),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

fn ticks(m: &Message) -> (ChatTick, String) {
    match m.state {
        MessageState::Sent => (ChatTick::Sent, "Sent".into()),
        MessageState::Delivered => (ChatTick::Delivered, "Delivered".into()),
        MessageState::Read => (ChatTick::Read, "Read".into()),
        MessageState::Failed => (ChatTick::Failed, failed_words(m.failed_reason.as_deref())),
    }
}

fn failed_words(reason: Option<&str>) -> String {
    let reason = reason.map(one_line).filter(|r| !r.is_empty());
    format!("Failed: {}", reason.as_deref().unwrap_or("not delivered"))
}

fn is_me(m: &Message, cx: &ViewContext) -> bool {
    m.agent.as_ref().map(|a| a.id) == cx.me || (m.agent.is_none() && cx.me.is_some())
}

fn agent_name(m: &Message) -> String {
    m.agent.as_ref().map_or_else(
        || "Another agent".to_string(),
        |a| copy::person_name(&a.name),
    )
}

fn state_words(state: ConversationState) -> &'static str {
    match state {
        ConversationState::Open => "Open",
        ConversationState::Closed => "Closed",
    }
}

fn channel_words(channel: Channel) -> &'static str {
    match channel {
        Channel::Web => "Web chat",
        Channel::Whatsapp => "WhatsApp",
    }
}

/// The customer as the list and the pane name them (one line, masked like rows).
pub(super) fn customer_name(conv: &Conversation, mask_phone: bool) -> String {
    copy::customer_with_contact(&conv.customer, conv.contact.as_ref(), mask_phone)
}

/// A body shortened to one line for the list and notifications.
pub(super) fn preview_text(body: &str) -> String {
    let line = one_line(body);
    if line.chars().count() <= PREVIEW_CHARS {
        return line;
    }
    let cut: String = line.chars().take(PREVIEW_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// A template's text as the customer gets it: `{name}` is their name (as the LDS fills it).
pub(super) fn fill_template(body: &str, conv: &Conversation) -> String {
    let name = conv.customer.name.as_deref().unwrap_or_default();
    multi_line(&body.replace("{name}", name))
}

/// Why the LDS refused the agent's tags.
pub(super) fn tags_refusal(code: ErrorCode, message: &str) -> String {
    match code {
        ErrorCode::InvalidTag => format!("Tags not saved: {}.", one_line(message)),
        ErrorCode::NotFound => "Tags not saved: that conversation is not yours.".into(),
        _ => "Tags not saved: the server refused them.".into(),
    }
}

/// Free text is refused: the channel's window (`free_text_until`) is over.
pub(super) fn outside_window(conv: &Conversation, now: DateTime<Utc>) -> bool {
    conv.free_text_until.is_some_and(|until| until <= now)
}

/// Why the LDS refused a message, as a reason after "Failed: ".
pub(super) fn refusal(code: ErrorCode, message: &str) -> String {
    match code {
        ErrorCode::OutsideWindow => "the 24-hour window is over; only templates may be sent".into(),
        ErrorCode::ConversationClosed => "the chat is closed".into(),
        ErrorCode::InvalidMessage => "the message is empty or too long".into(),
        ErrorCode::UnknownFrame => "the server does not take chat messages yet".into(),
        _ => {
            let message = one_line(message);
            if message.is_empty() {
                "the server refused it".into()
            } else {
                message
            }
        }
    }
}

//! The Chats desk: the agent's conversations as the LDS last described them, the messages known
//! of each, the one open, and the agent's own messages not yet stored (the outbox).
//!
//! **Never twice, never lost.** Every message the agent writes gets a `client_id` here, from the
//! driver's per-process seed and a counter (no clock, no randomness in the core). It is shown at
//! once as "Sending…" from the outbox, and leaves the outbox when the LDS names that `client_id`
//! (the reply, the `message` event, a history page), whichever comes first: the stored message
//! takes its place, so it is never drawn twice. One still in the outbox when the connection
//! drops is sent again, with the same `client_id`, after the next `welcome`: the LDS stores it
//! once whatever happened to the first copy.
//!
//! Questions to the LDS go with a `cid` the desk remembers; a refused read (the conversation
//! list, canned answers, `mark_read`) changes nothing on screen: the desk works with what the
//! events said. Its one deadline is the open conversation's free-text window closing.

mod view;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use headsup_protocol::chat::{
    Author, CannedAnswer, Conversation, ConversationFilters, ConversationQuery, ConversationState,
    Message, MessagePage, MessageState, MessageTemplate, DEFAULT_MESSAGE_PAGE,
    MAX_CONVERSATION_PAGE, MAX_MESSAGE_CHARS,
};
use headsup_protocol::lds::{ClientFrame, Reply};
use headsup_protocol::view::ChatFilter;
use headsup_protocol::{AgentId, ConversationId, ErrorCode, MessageId};

pub(in crate::machine) use view::ViewContext;

/// What a command in flight was for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Asked {
    List,
    /// A history page: the newest (`older: false`) or the one before the oldest known.
    History {
        conversation: ConversationId,
        older: bool,
    },
    Canned(ConversationId),
    /// A `send_message` or `retry_message` for the outbox entry with this `client_id`.
    Send(String),
    MarkRead,
    Templates,
    SetTags,
    Filters,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum History {
    #[default]
    NotAsked,
    Loading,
    Loaded,
}

#[derive(Debug)]
struct Convo {
    conversation: Conversation,
    messages: BTreeMap<MessageId, Message>,
    /// The `before` of the oldest page read: there are older messages.
    before: Option<MessageId>,
    history: History,
    canned: Option<Vec<CannedAnswer>>,
    /// The newest customer message a `mark_read` was sent for.
    read_up_to: Option<MessageId>,
}

impl Convo {
    fn new(conversation: Conversation) -> Self {
        Convo {
            conversation,
            messages: BTreeMap::new(),
            before: None,
            history: History::NotAsked,
            canned: None,
            read_up_to: None,
        }
    }

    fn newest_from_customer(&self) -> Option<MessageId> {
        self.messages
            .values()
            .rev()
            .find(|m| m.author == Author::Customer)
            .map(|m| m.id)
    }

    fn last_at(&self) -> DateTime<Utc> {
        self.conversation
            .last_message
            .as_ref()
            .map_or(self.conversation.started_at, |m| m.at)
    }
}

/// A message the agent wrote that the LDS has not confirmed.
#[derive(Debug, Clone)]
struct Outgoing {
    client_id: String,
    conversation: ConversationId,
    body: String,
    note: bool,
    /// A retry of this failed message (`retry_message`), else a `send_message`.
    retry_of: Option<MessageId>,
    /// A `send_template` of this template code (`body` is its text as the customer gets it).
    template: Option<String>,
    /// Refused by the LDS for this reason (nothing was stored): "Retry" sends it again.
    failed: Option<String>,
    /// When the agent wrote it, to show.
    at: DateTime<Utc>,
}

#[derive(Debug)]
pub(in crate::machine) struct ChatsDesk {
    seed: u64,
    next_id: u64,
    convos: BTreeMap<ConversationId, Convo>,
    open: Option<ConversationId>,
    /// The list's filters, sent with every `conversations` read and applied to what events add.
    filter: ChatFilter,
    note: bool,
    outbox: Vec<Outgoing>,
    /// Failed messages already sent again (their "Retry" is gone).
    retried: BTreeSet<MessageId>,
    asked: BTreeMap<u64, Asked>,
    /// The window whose closing was last redrawn.
    window_shut: Option<DateTime<Utc>>,
    /// The team's message templates, read the first time a conversation with a free-text
    /// window shows (they are the team's, the same for every conversation).
    templates: Option<Vec<MessageTemplate>>,
    /// The agent, for "first handled by me".
    me: Option<AgentId>,
    /// The start of `filter.since`'s day on the agent's clock.
    since_at: Option<DateTime<Utc>>,
    /// What the LDS said the filters may offer (`conversation_filters`).
    offered: ConversationFilters,
}

/// What the core must do after a message or conversation event.
#[derive(Debug, Default, PartialEq, Eq)]
pub(in crate::machine) struct Follow {
    /// A new customer message in a conversation not on screen: notify (the core's rules).
    pub notify: Option<(ConversationId, String, String)>,
    /// Nothing unread any more in this conversation: withdraw its notification.
    pub withdraw: Option<ConversationId>,
}

impl ChatsDesk {
    /// The file of a message of the open conversation, if one carries `id`.
    pub(in crate::machine) fn shown_attachment(
        &self,
        id: headsup_protocol::AttachmentId,
    ) -> Option<headsup_protocol::chat::Attachment> {
        let convo = self.convos.get(&self.open?)?;
        convo
            .messages
            .values()
            .filter_map(|m| m.attachment.as_ref())
            .find(|a| a.id == id)
            .cloned()
    }

    /// `seed`: the driver's per-process random number, so ids differ across devices and runs.
    pub(in crate::machine) fn new(seed: u64) -> Self {
        ChatsDesk {
            seed,
            next_id: 1,
            convos: BTreeMap::new(),
            open: None,
            filter: ChatFilter::default(),
            note: false,
            outbox: Vec::new(),
            retried: BTreeSet::new(),
            asked: BTreeMap::new(),
            window_shut: None,
            templates: None,
            me: None,
            since_at: None,
            offered: ConversationFilters::default(),
        }
    }

    /// Whether `cid` is one of the desk's commands in flight.
    pub(in crate::machine) fn awaits(&self, cid: u64) -> bool {
        self.asked.contains_key(&cid)
    }

    /// A fresh sender-chosen id: visible ASCII, far below `MAX_CLIENT_ID_BYTES`.
    fn client_id(&mut self) -> String {
        let n = self.next_id;
        self.next_id += 1;
        format!("hu-{:016x}-{n}", self.seed)
    }

    pub(in crate::machine) fn open_conversation(&self) -> Option<ConversationId> {
        self.open
    }

    /// Sum of unread messages, for the tab's badge.
    pub(in crate::machine) fn unread(&self) -> u32 {
        self.convos
            .values()
            .map(|c| c.conversation.unread)
            .fold(0, u32::saturating_add)
    }

    pub(in crate::machine) fn clear(&mut self) {
        let seed = self.seed;
        let next_id = self.next_id;
        *self = ChatsDesk::new(seed);
        self.next_id = next_id;
    }

    /// A new connection (after `welcome`): what was asked went with the old socket. Lists the
    /// conversations, reads the open one again, and sends every unconfirmed message again with
    /// its own `client_id`.
    pub(in crate::machine) fn reconnected(
        &mut self,
        me: Option<AgentId>,
        cids: &mut u64,
    ) -> Vec<ClientFrame> {
        self.asked.clear();
        self.me = me;
        let mut frames = vec![self.list_frame(take(cids))];
        let cid = take(cids);
        self.asked.insert(cid, Asked::Filters);
        frames.push(ClientFrame::ConversationFilters { cid });
        if let Some(id) = self.open {
            frames.extend(self.history_frame(take(cids), id, false));
            if self.convos.get(&id).is_some_and(|c| c.canned.is_none()) {
                frames.push(self.canned_frame(take(cids), id));
            }
            frames.extend(self.templates_frame(cids, id));
        }
        let pending: Vec<String> = self
            .outbox
            .iter()
            .filter(|o| o.failed.is_none())
            .map(|o| o.client_id.clone())
            .collect();
        for client_id in pending {
            frames.extend(self.send_frame(take(cids), &client_id));
        }
        frames
    }

    fn list_frame(&mut self, cid: u64) -> ClientFrame {
        self.asked.retain(|_, a| *a != Asked::List);
        self.asked.insert(cid, Asked::List);
        ClientFrame::Conversations {
            cid,
            query: ConversationQuery {
                state: self.filter.state,
                unread: self.filter.unread,
                since: self.since_at,
                account: self.filter.account,
                first_agent: if self.filter.mine { self.me } else { None },
                tags: self.filter.tags.clone(),
                text: self.filter.text.trim().to_string(),
                limit: Some(MAX_CONVERSATION_PAGE),
                ..ConversationQuery::default()
            },
        }
    }

    fn history_frame(
        &mut self,
        cid: u64,
        conversation: ConversationId,
        older: bool,
    ) -> Option<ClientFrame> {
        let convo = self.convos.get_mut(&conversation)?;
        let before = if older { Some(convo.before?) } else { None };
        convo.history = match convo.history {
            History::Loaded => History::Loaded,
            _ => History::Loading,
        };
        self.asked.retain(
            |_, a| !matches!(a, Asked::History { conversation: c, .. } if *c == conversation),
        );
        self.asked.insert(
            cid,
            Asked::History {
                conversation,
                older,
            },
        );
        Some(ClientFrame::MessageHistory {
            cid,
            conversation,
            before,
            limit: Some(DEFAULT_MESSAGE_PAGE),
        })
    }

    /// `templates`, once, for a conversation on a channel with a free-text window.
    fn templates_frame(&mut self, cids: &mut u64, id: ConversationId) -> Option<ClientFrame> {
        let windowed = self
            .convos
            .get(&id)
            .is_some_and(|c| c.conversation.free_text_until.is_some());
        if !windowed
            || self.templates.is_some()
            || self.asked.values().any(|a| *a == Asked::Templates)
        {
            return None;
        }
        let cid = take(cids);
        self.asked.insert(cid, Asked::Templates);
        Some(ClientFrame::Templates {
            cid,
            conversation: id,
        })
    }

    fn canned_frame(&mut self, cid: u64, conversation: ConversationId) -> ClientFrame {
        self.asked.insert(cid, Asked::Canned(conversation));
        ClientFrame::CannedAnswers { cid, conversation }
    }

    /// The frame that sends an outbox entry (again), with its own `client_id`.
    fn send_frame(&mut self, cid: u64, client_id: &str) -> Option<ClientFrame> {
        let o = self.outbox.iter().find(|o| o.client_id == client_id)?;
        let frame = match (&o.template, o.retry_of) {
            (Some(template), _) => ClientFrame::SendTemplate {
                cid,
                conversation: o.conversation,
                client_id: o.client_id.clone(),
                template: template.clone(),
            },
            (None, Some(message)) => ClientFrame::RetryMessage {
                cid,
                message,
                client_id: o.client_id.clone(),
            },
            (None, None) => ClientFrame::SendMessage {
                cid,
                conversation: o.conversation,
                client_id: o.client_id.clone(),
                body: o.body.clone(),
                note: o.note,
                attachment: None,
            },
        };
        self.asked
            .retain(|_, a| !matches!(a, Asked::Send(c) if c == client_id));
        self.asked.insert(cid, Asked::Send(client_id.to_string()));
        Some(frame)
    }

    /// Shows a conversation: its newest messages and its queue's canned answers are read the
    /// first time (`connected`), and it is marked read when it has unread messages.
    pub(in crate::machine) fn open(
        &mut self,
        id: ConversationId,
        connected: bool,
        cids: &mut u64,
    ) -> Vec<ClientFrame> {
        self.open = Some(id);
        let mut frames = Vec::new();
        let Some(convo) = self.convos.get(&id) else {
            return frames;
        };
        if !connected {
            return frames;
        }
        let canned =
            convo.canned.is_none() && !self.asked.values().any(|a| *a == Asked::Canned(id));
        let history = convo.history;
        if history == History::NotAsked {
            frames.extend(self.history_frame(take(cids), id, false));
        }
        if canned {
            frames.push(self.canned_frame(take(cids), id));
        }
        frames.extend(self.templates_frame(cids, id));
        frames.extend(self.mark_read(id, false, cids));
        frames
    }

    /// New filters for the list: the LDS is asked for the conversations that pass them (the
    /// newest page may hold closed ones never seen here); the frame goes when connected, else
    /// the next `welcome` asks with them.
    pub(in crate::machine) fn set_filter(
        &mut self,
        filter: ChatFilter,
        tz: Tz,
        cids: &mut u64,
    ) -> Option<ClientFrame> {
        if filter == self.filter {
            return None;
        }
        self.since_at = filter.since.and_then(|day| {
            tz.from_local_datetime(&day.and_time(NaiveTime::MIN))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        });
        self.filter = filter;
        Some(self.list_frame(take(cids)))
    }

    pub(in crate::machine) fn close(&mut self) {
        self.open = None;
        self.note = false;
    }

    pub(in crate::machine) fn set_note(&mut self, note: bool) {
        self.note = note;
    }

    /// `mark_read` for the newest customer message of a conversation on screen, once per
    /// message: when it has unread messages, or (`arrived`) a customer message just came in.
    fn mark_read(
        &mut self,
        id: ConversationId,
        arrived: bool,
        cids: &mut u64,
    ) -> Option<ClientFrame> {
        let convo = self.convos.get_mut(&id)?;
        let up_to = convo.newest_from_customer()?;
        if convo.read_up_to >= Some(up_to) || !(arrived || convo.conversation.unread > 0) {
            return None;
        }
        convo.read_up_to = Some(up_to);
        let cid = take(cids);
        self.asked.insert(cid, Asked::MarkRead);
        Some(ClientFrame::MarkRead {
            cid,
            conversation: id,
            up_to,
        })
    }

    /// The agent's text for a conversation: checked, put in the outbox (shown as "Sending…")
    /// and sent when `connected` (else after the next `welcome`).
    pub(in crate::machine) fn send(
        &mut self,
        conversation: ConversationId,
        body: &str,
        note: bool,
        now: DateTime<Utc>,
        connected: bool,
        cids: &mut u64,
    ) -> Result<Option<ClientFrame>, &'static str> {
        let body = body.trim();
        if body.is_empty() {
            return Err("Write a message first.");
        }
        if body.chars().count() > MAX_MESSAGE_CHARS {
            return Err("That message is too long: split it in two.");
        }
        let Some(convo) = self.convos.get(&conversation) else {
            return Err("That conversation is not yours any more.");
        };
        if convo.conversation.state == ConversationState::Closed {
            return Err("This chat is closed: the customer can write again to reopen it.");
        }
        if !note && view::outside_window(&convo.conversation, now) {
            return Err("Free text cannot be sent now: the channel's 24-hour window is over.");
        }
        let client_id = self.client_id();
        self.outbox.push(Outgoing {
            client_id: client_id.clone(),
            conversation,
            body: body.to_string(),
            note,
            retry_of: None,
            template: None,
            failed: None,
            at: now,
        });
        Ok(connected
            .then(|| self.send_frame(take(cids), &client_id))
            .flatten())
    }

    /// The agent picked one of the team's templates for a conversation: shown at once as
    /// "Sending…" with the text the customer gets, sent as `send_template` when `connected`.
    pub(in crate::machine) fn send_template(
        &mut self,
        conversation: ConversationId,
        code: &str,
        now: DateTime<Utc>,
        connected: bool,
        cids: &mut u64,
    ) -> Result<Option<ClientFrame>, &'static str> {
        let Some(convo) = self.convos.get(&conversation) else {
            return Err("That conversation is not yours any more.");
        };
        if convo.conversation.state == ConversationState::Closed {
            return Err("This chat is closed: the customer can write again to reopen it.");
        }
        let Some(template) = self.templates.iter().flatten().find(|t| t.code == code) else {
            return Err("That template is not available.");
        };
        let body = view::fill_template(&template.body, &convo.conversation);
        let client_id = self.client_id();
        self.outbox.push(Outgoing {
            client_id: client_id.clone(),
            conversation,
            body,
            note: false,
            retry_of: None,
            template: Some(code.to_string()),
            failed: None,
            at: now,
        });
        Ok(connected
            .then(|| self.send_frame(take(cids), &client_id))
            .flatten())
    }

    /// The agent's new tags for a conversation: sent as typed (the LDS checks and normalises
    /// them); the `conversation` event that follows shows them.
    pub(in crate::machine) fn set_tags(
        &mut self,
        conversation: ConversationId,
        tags: Vec<String>,
        cids: &mut u64,
    ) -> Result<ClientFrame, &'static str> {
        if !self.convos.contains_key(&conversation) {
            return Err("That conversation is not yours any more.");
        }
        let cid = take(cids);
        self.asked.insert(cid, Asked::SetTags);
        Ok(ClientFrame::SetConversationTags {
            cid,
            conversation,
            tags,
        })
    }

    /// "Retry" on the message keyed `key`: a stored failed message goes again as a new one
    /// (`retry_message`, a fresh `client_id`); one the LDS refused outright goes again with its
    /// own `client_id`.
    pub(in crate::machine) fn retry(
        &mut self,
        key: &str,
        now: DateTime<Utc>,
        connected: bool,
        cids: &mut u64,
    ) -> Result<Option<ClientFrame>, &'static str> {
        if let Some(o) = self.outbox.iter_mut().find(|o| o.client_id == key) {
            if o.failed.take().is_none() {
                return Err("That message is still being sent.");
            }
            let key = key.to_string();
            return Ok(connected
                .then(|| self.send_frame(take(cids), &key))
                .flatten());
        }
        let failed = self
            .convos
            .values()
            .flat_map(|c| c.messages.values())
            .find(|m| m.client_id == key && m.state == MessageState::Failed)
            .cloned();
        let Some(failed) = failed else {
            return Err("That message cannot be sent again.");
        };
        if !self.retried.insert(failed.id) {
            return Err("That message was already sent again.");
        }
        let client_id = self.client_id();
        self.outbox.push(Outgoing {
            client_id: client_id.clone(),
            conversation: failed.conversation,
            body: failed.body.clone(),
            note: failed.author == Author::Note,
            retry_of: Some(failed.id),
            template: None,
            failed: None,
            at: now,
        });
        Ok(connected
            .then(|| self.send_frame(take(cids), &client_id))
            .flatten())
    }

    /// "Earlier messages" of the open conversation, unless a page is on its way.
    pub(in crate::machine) fn older(&mut self, cids: &mut u64) -> Option<ClientFrame> {
        let id = self.open?;
        let loading = self
            .asked
            .values()
            .any(|a| matches!(a, Asked::History { conversation, .. } if *conversation == id));
        if loading {
            return None;
        }
        self.history_frame(take(cids), id, true)
    }

    /// A `conversation` event: the LDS's word on it (state, agent, unread).
    pub(in crate::machine) fn on_conversation(
        &mut self,
        conversation: Conversation,
        on_screen: bool,
        cids: &mut u64,
    ) -> (Follow, Vec<ClientFrame>) {
        let id = conversation.id;
        let read = conversation.unread == 0;
        self.upsert(conversation);
        // Opened before the LDS described it: its messages and canned answers are read now.
        let frame = if on_screen {
            self.open(id, true, cids)
        } else {
            Vec::new()
        };
        let follow = Follow {
            withdraw: read.then_some(id),
            ..Follow::default()
        };
        (follow, frame)
    }

    fn upsert(&mut self, conversation: Conversation) {
        let id = conversation.id;
        match self.convos.get_mut(&id) {
            Some(convo) => {
                // A list read older than a message event must not take its preview back.
                let keep_last = match (&convo.conversation.last_message, &conversation.last_message)
                {
                    (Some(known), Some(new)) => known.id > new.id,
                    (Some(_), None) => true,
                    _ => false,
                };
                let last = convo.conversation.last_message.take();
                convo.conversation = conversation;
                if keep_last {
                    convo.conversation.last_message = last;
                }
            }
            None => {
                self.convos.insert(id, Convo::new(conversation));
            }
        }
    }

    /// A `message` event: stored (the outbox entry with its `client_id` goes), the list's
    /// preview follows; a new customer message is marked read when on screen, else notified.
    pub(in crate::machine) fn on_message(
        &mut self,
        message: Message,
        on_screen: bool,
        mask_phone: bool,
        cids: &mut u64,
    ) -> (Follow, Option<ClientFrame>) {
        let id = message.conversation;
        let fresh = self.store(message.clone());
        let from_customer = message.author == Author::Customer;
        let mut follow = Follow::default();
        if !fresh || !from_customer {
            return (follow, None);
        }
        if on_screen {
            return (follow, self.mark_read(id, true, cids));
        }
        if let Some(convo) = self.convos.get(&id) {
            let who = view::customer_name(&convo.conversation, mask_phone);
            follow.notify = Some((id, who, view::preview_text(&message.body)));
        }
        (follow, None)
    }

    /// Keeps a message the LDS sent (event, reply, history); returns whether it was new.
    fn store(&mut self, message: Message) -> bool {
        self.outbox.retain(|o| o.client_id != message.client_id);
        let Some(convo) = self.convos.get_mut(&message.conversation) else {
            return false;
        };
        let newer_than_last = convo
            .conversation
            .last_message
            .as_ref()
            .is_none_or(|m| m.id <= message.id);
        if newer_than_last {
            convo.conversation.last_message = Some(message.clone());
        }
        match convo.messages.get_mut(&message.id) {
            // States only move forward; `failed` is final.
            Some(known) => {
                if message.state > known.state && known.state != MessageState::Failed {
                    *known = message;
                }
                false
            }
            None => {
                convo.messages.insert(message.id, message);
                true
            }
        }
    }

    /// A `message_state` event.
    pub(in crate::machine) fn on_state(
        &mut self,
        conversation: ConversationId,
        message: MessageId,
        state: MessageState,
        failed_reason: Option<String>,
    ) {
        let Some(convo) = self.convos.get_mut(&conversation) else {
            return;
        };
        for m in convo.messages.get_mut(&message).into_iter().chain(
            convo
                .conversation
                .last_message
                .as_mut()
                .filter(|m| m.id == message),
        ) {
            if state > m.state && m.state != MessageState::Failed {
                m.state = state;
                m.failed_reason.clone_from(&failed_reason);
            }
        }
    }

    /// A reply to one of the desk's commands.
    pub(in crate::machine) fn on_reply(
        &mut self,
        reply: Reply,
        on_screen: Option<ConversationId>,
        cids: &mut u64,
    ) -> Option<ClientFrame> {
        let asked = self.asked.remove(&reply.cid)?;
        match asked {
            Asked::List => {
                let page = reply.conversations.map(|p| p.conversations);
                for conversation in page.unwrap_or_default() {
                    self.upsert(conversation);
                }
                on_screen.and_then(|id| self.mark_read(id, false, cids))
            }
            Asked::History {
                conversation,
                older,
            } => {
                let MessagePage {
                    messages, before, ..
                } = reply.messages?;
                let first_page = self
                    .convos
                    .get(&conversation)
                    .is_some_and(|c| c.history != History::Loaded);
                for m in messages {
                    self.store(m);
                }
                let convo = self.convos.get_mut(&conversation)?;
                if older || first_page {
                    convo.before = before;
                }
                convo.history = History::Loaded;
                (on_screen == Some(conversation))
                    .then(|| self.mark_read(conversation, false, cids))
                    .flatten()
            }
            Asked::Canned(conversation) => {
                if let Some(convo) = self.convos.get_mut(&conversation) {
                    convo.canned = Some(reply.canned.unwrap_or_default());
                }
                None
            }
            Asked::Send(_) => {
                if let Some(message) = reply.message {
                    self.store(*message);
                }
                None
            }
            Asked::Templates => {
                self.templates = Some(reply.templates.unwrap_or_default());
                None
            }
            Asked::Filters => {
                self.offered = reply.filters.unwrap_or_default();
                None
            }
            Asked::MarkRead | Asked::SetTags => None,
        }
    }

    /// A refusal of one of the desk's commands: a message refused outright fails with the
    /// reason; a history page stops loading; the rest changes nothing.
    /// Returns what to tell the agent, for a refusal they must hear of (their tags).
    pub(in crate::machine) fn on_refused(
        &mut self,
        cid: u64,
        code: ErrorCode,
        message: &str,
    ) -> Option<String> {
        let asked = self.asked.remove(&cid)?;
        match asked {
            Asked::Send(client_id) => {
                if let Some(o) = self.outbox.iter_mut().find(|o| o.client_id == client_id) {
                    o.failed = Some(view::refusal(code, message));
                }
            }
            Asked::History { conversation, .. } => {
                if let Some(convo) = self.convos.get_mut(&conversation) {
                    convo.history = History::Loaded;
                }
            }
            // No canned answers to offer: not asked again each time the conversation shows.
            Asked::Canned(conversation) => {
                if let Some(convo) = self.convos.get_mut(&conversation) {
                    convo.canned = Some(Vec::new());
                }
            }
            Asked::Templates => self.templates = Some(Vec::new()),
            Asked::SetTags => return Some(view::tags_refusal(code, message)),
            Asked::List | Asked::MarkRead | Asked::Filters => {}
        }
        None
    }

    /// When the open conversation's free-text window closes (the composer changes by itself).
    #[must_use]
    pub(in crate::machine) fn poll_timeout(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let until = self.convos.get(&self.open?)?.conversation.free_text_until?;
        (until > now).then_some(until)
    }

    /// The window closed: the composer changes (returns whether the view must be redrawn,
    /// once per window).
    pub(in crate::machine) fn handle_timeout(&mut self, now: DateTime<Utc>) -> bool {
        let until = self
            .open
            .and_then(|id| self.convos.get(&id))
            .and_then(|c| c.conversation.free_text_until)
            .filter(|until| *until <= now);
        let due = until.is_some() && self.window_shut != until;
        self.window_shut = until;
        due
    }
}

fn take(cids: &mut u64) -> u64 {
    let cid = *cids;
    *cids += 1;
    cid
}

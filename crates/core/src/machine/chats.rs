//! The Chats desk's events and intents, and its notifications: a new customer message in a
//! conversation not on screen raises one notification per conversation (replaced by the next
//! message), under the same rules as requests (signed in, notifications on, available: none
//! while not ready); it is withdrawn when the conversation is opened here or read on any
//! device (the LDS's `conversation` event says unread 0).

use super::*;
use crate::alerts::chat_notification_id;
use desks::chats::{Follow, ViewContext};
use headsup_protocol::ConversationId;

impl Core {
    /// The conversation the agent is looking at: open on the Chats desk, the desk on screen.
    pub(super) fn chat_on_screen(&self) -> Option<ConversationId> {
        self.chats
            .open_conversation()
            .filter(|_| self.open_desk == DeskId::Chats)
    }

    pub(super) fn chats_view_context(&self, now: DateTime<Utc>) -> ViewContext {
        ViewContext {
            now,
            tz: self.time_zone(),
            mask_phone: self.settings.mask_phone,
            me: self.agent.as_ref().map(|a| a.id),
            session_conversation: self
                .session
                .as_ref()
                .filter(|_| self.busy())
                .and_then(|s| s.conversation),
        }
    }

    pub(super) fn on_chat_event(&mut self, event: Event) {
        let on_screen = self.chat_on_screen();
        let mut cids = self.next_cid;
        let (follow, frame) = match event {
            Event::Conversation { conversation } => {
                let shown = on_screen == Some(conversation.id);
                self.chats.on_conversation(*conversation, shown, &mut cids)
            }
            Event::Message { message } => {
                let shown = on_screen == Some(message.conversation);
                let mask = self.settings.mask_phone;
                let (follow, frame) = self.chats.on_message(*message, shown, mask, &mut cids);
                (follow, frame.into_iter().collect())
            }
            Event::MessageState {
                conversation,
                message,
                state,
                failed_reason,
            } => {
                self.chats
                    .on_state(conversation, message, state, failed_reason);
                (Follow::default(), Vec::new())
            }
            _ => (Follow::default(), Vec::new()),
        };
        self.next_cid = cids;
        if self.link.is_up() {
            self.send_all(frame);
        }
        if let Some((id, who, body)) = follow.notify {
            self.notify_chat(id, &who, body);
        }
        if let Some(id) = follow.withdraw {
            self.withdraw_chat(id);
        }
    }

    fn notify_chat(&mut self, id: ConversationId, who: &str, body: String) {
        let may = self.token.is_some() && self.settings.notifications && self.status.is_available();
        if !may {
            return;
        }
        let nid = chat_notification_id(id);
        self.alerts.chat_shown(nid);
        self.push(Output::Notify(Notification {
            id: nid,
            request: None,
            title: format!("New message from {who}"),
            body,
            sound: self.settings.sound,
            urgency: 0,
            conversation: Some(id),
        }));
    }

    fn withdraw_chat(&mut self, id: ConversationId) {
        if let Some(nid) = self.alerts.withdraw_chat(chat_notification_id(id)) {
            self.push(Output::Withdraw(nid));
        }
    }

    /// Shows a conversation on the Chats desk (an intent or a notification's tap).
    pub(super) fn open_chat(&mut self, id: ConversationId) {
        self.open_desk = DeskId::Chats;
        let connected = self.link.is_up();
        let frames = self.chats.open(id, connected, &mut self.next_cid);
        self.send_all(frames);
        self.withdraw_chat(id);
        self.changed();
    }

    pub(super) fn on_chat_intent(&mut self, intent: Intent) {
        let (now, connected) = (self.now, self.link.is_up());
        let sent = match intent {
            Intent::OpenChat { conversation } => {
                self.open_chat(conversation);
                return;
            }
            Intent::OpenDesk {
                desk: DeskId::Chats,
            } => {
                // Back on the desk: the conversation left open is on screen again.
                self.open_desk = DeskId::Chats;
                if let Some(id) = self.chats.open_conversation() {
                    self.open_chat(id);
                }
                return;
            }
            Intent::CloseChat => {
                self.chats.close();
                return;
            }
            Intent::FilterChats { filter } => {
                let tz = self.time_zone();
                let frame = self.chats.set_filter(filter, tz, &mut self.next_cid);
                if connected {
                    self.send_all(frame);
                }
                return;
            }
            Intent::ChatNoteMode { note } => {
                self.chats.set_note(note);
                return;
            }
            Intent::SaveChatAttachment { attachment } => {
                if let Some(file) = self.chats.shown_attachment(attachment) {
                    self.push(Output::SaveAttachment {
                        attachment,
                        name: crate::plain_text::one_line(&file.name),
                    });
                }
                return;
            }
            Intent::OlderChatMessages => {
                if connected {
                    let frame = self.chats.older(&mut self.next_cid);
                    self.send_all(frame);
                }
                return;
            }
            Intent::SendChatMessage {
                conversation,
                body,
                note,
            } => self.chats.send(
                conversation,
                &body,
                note,
                now,
                connected,
                &mut self.next_cid,
            ),
            Intent::SendChatTemplate {
                conversation,
                template,
            } => self.chats.send_template(
                conversation,
                &template,
                now,
                connected,
                &mut self.next_cid,
            ),
            Intent::SetChatTags { conversation, tags } => {
                if !connected {
                    self.notify_agent(
                        NoticeLevel::Warning,
                        "Tags can be changed when you are back online.",
                    );
                    return;
                }
                self.chats
                    .set_tags(conversation, tags, &mut self.next_cid)
                    .map(Some)
            }
            Intent::RetryChatMessage { key } => {
                self.chats.retry(&key, now, connected, &mut self.next_cid)
            }
            _ => return,
        };
        match sent {
            Ok(frame) => self.send_all(frame),
            Err(why) => self.notify_agent(NoticeLevel::Warning, why),
        }
    }
}

//! The Chats desk: the list (open first, unread, badge), the open conversation (history paged,
//! new messages, states), the composer (sent once, reconciled by client_id, resent with the same
//! client_id after a reconnect, failed + retry, notes, the window), mark_read, and the chat
//! notifications (raised off screen, withdrawn when read anywhere, none while not ready).

use crate::support::*;
use chrono::Duration;
use headsup_core::{Input, Output};
use headsup_protocol::chat::{
    Author, Channel, Conversation, ConversationPage, ConversationState, Message, MessagePage,
    MessageState,
};
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame};
use headsup_protocol::model::{AgentRef, AgentStatus, Availability, Customer};
use headsup_protocol::view::{ChatSide, ChatTick, ChatsView, DeskId, Intent};
use headsup_protocol::{AgentId, ConversationId, ErrorCode, MessageId, RequestId};

pub(crate) fn me() -> AgentRef {
    AgentRef {
        id: AgentId(7),
        name: "Ana".into(),
    }
}

pub(crate) fn conv(id: i64, name: &str, unread: u32) -> Conversation {
    Conversation {
        id: ConversationId(id),
        channel: Channel::Web,
        queue: None,
        customer: Customer {
            name: Some(name.into()),
            phone: None,
        },
        contact: None,
        state: ConversationState::Open,
        agent: Some(me()),
        first_agent: Some(me()),
        session: None,
        request: RequestId(id),
        started_at: t0(),
        closed_at: None,
        last_message: None,
        unread,
        free_text_until: None,
        tags: Vec::new(),
        account: None,
    }
}

fn msg(id: i64, conversation: i64, author: Author, body: &str) -> Message {
    Message {
        id: MessageId(id),
        conversation: ConversationId(conversation),
        client_id: format!("c-{id}"),
        author,
        agent: (author != Author::Customer).then(me),
        body: body.into(),
        state: MessageState::Sent,
        failed_reason: None,
        at: t0() + Duration::minutes(id),
        attachment: None,
    }
}

pub(crate) fn chats(h: &Harness) -> ChatsView {
    h.core.view(h.now).chats
}

/// Signed in; returns the cid of the `conversations` read sent on connect.
pub(crate) fn signed_in(h: &mut Harness) -> u64 {
    let out = h.sign_in(vec![]);
    let frames = sent(&out);
    let cid = frames
        .iter()
        .find_map(|f| match f {
            ClientFrame::Conversations { cid, .. } => Some(*cid),
            _ => None,
        })
        .expect("the conversations are read on connect");
    cid
}

pub(crate) fn converse(h: &mut Harness, c: Conversation) -> Vec<Output> {
    h.event(Event::Conversation {
        conversation: Box::new(c),
    })
}

fn message(h: &mut Harness, m: Message) -> Vec<Output> {
    h.event(Event::Message {
        message: Box::new(m),
    })
}

/// Opens conversation `id` on the Chats desk; returns the history read's cid.
pub(crate) fn open(h: &mut Harness, id: i64) -> u64 {
    let out = h.intent(Intent::OpenChat {
        conversation: ConversationId(id),
    });
    sent(&out)
        .iter()
        .find_map(|f| match f {
            ClientFrame::MessageHistory {
                cid, before: None, ..
            } => Some(*cid),
            _ => None,
        })
        .expect("opening reads the newest page")
}

fn history(
    h: &mut Harness,
    cid: u64,
    id: i64,
    messages: Vec<Message>,
    before: Option<i64>,
) -> Vec<Output> {
    h.frame(ServerFrame::Reply(Reply {
        messages: Some(MessagePage {
            conversation: ConversationId(id),
            messages,
            before: before.map(MessageId),
        }),
        ..Reply::new(cid)
    }))
}

fn send(h: &mut Harness, id: i64, body: &str, note: bool) -> (u64, String) {
    let out = h.intent(Intent::SendChatMessage {
        conversation: ConversationId(id),
        body: body.into(),
        note,
    });
    sent(&out)
        .into_iter()
        .find_map(|f| match f {
            ClientFrame::SendMessage {
                cid,
                client_id,
                note: n,
                attachment: None,
                ..
            } => {
                assert_eq!(n, note);
                Some((cid, client_id))
            }
            _ => None,
        })
        .expect("a send_message")
}

fn sends(out: &[Output]) -> Vec<(String, bool)> {
    sent(out)
        .into_iter()
        .filter_map(|f| match f {
            ClientFrame::SendMessage {
                client_id, note, ..
            } => Some((client_id, note)),
            _ => None,
        })
        .collect()
}

fn mark_reads(out: &[Output]) -> Vec<MessageId> {
    sent(out)
        .into_iter()
        .filter_map(|f| match f {
            ClientFrame::MarkRead { up_to, .. } => Some(up_to),
            _ => None,
        })
        .collect()
}

#[test]
fn the_list_puts_open_conversations_first_and_the_tab_counts_unread() {
    let mut h = Harness::new();
    let cid = signed_in(&mut h);
    let mut closed = conv(1, "Cy", 0);
    closed.state = ConversationState::Closed;
    closed.last_message = Some(msg(50, 1, Author::Agent, "Bye"));
    let mut older = conv(2, "Bea", 2);
    older.last_message = Some(msg(10, 2, Author::Customer, "Hello?\nAnyone"));
    let newer = conv(3, "Dan", 1);
    h.frame(ServerFrame::Reply(Reply {
        conversations: Some(ConversationPage {
            conversations: vec![closed, older.clone()],
            next: None,
        }),
        ..Reply::new(cid)
    }));
    converse(&mut h, newer);
    // Dan's message comes after Bea's last one.
    message(&mut h, msg(20, 3, Author::Customer, "Hi"));

    let view = chats(&h);
    let names: Vec<&str> = view.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Dan", "Bea", "Cy"], "open first, newest first");
    assert_eq!(view.rows[1].preview, "Hello? Anyone");
    assert!(view.rows[1].incoming);
    assert_eq!(view.rows[1].unread_text.as_deref(), Some("2"));
    assert_eq!(view.rows[2].preview, "You: Bye");
    assert!(!view.rows[2].incoming);
    assert!(view.rows[2].closed);
    // The visible words first, in their order, then the rest.
    assert_eq!(
        view.rows[1].label,
        format!(
            "Bea, {}, Hello? Anyone, 2 unread, last message came in, Open",
            view.rows[1].time_text
        )
    );
    assert_eq!(
        view.rows[2].label,
        format!(
            "Cy, {}, You: Bye, Closed, last message went out",
            view.rows[2].time_text
        )
    );
    assert_eq!(view.status_text, "3 conversations, 2 unread");

    let tab = |h: &Harness| {
        h.core
            .view(h.now)
            .desks
            .into_iter()
            .find(|d| d.id == DeskId::Chats)
            .unwrap()
    };
    assert_eq!(tab(&h).badge, Some(3));
    assert_eq!(tab(&h).badge_label, "3 unread messages");
    // Read on another device: the LDS says so, the badge follows.
    converse(&mut h, Conversation { unread: 0, ..older });
    assert_eq!(tab(&h).badge, Some(1));
}

#[test]
fn a_message_is_shown_at_once_and_once_whichever_confirmation_comes_first() {
    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(1, "Bea", 0));
    let hist = open(&mut h, 1);
    history(&mut h, hist, 1, vec![], None);

    let (cid, client_id) = send(&mut h, 1, "  Hello 👋  ", false);
    let pane = chats(&h).open.unwrap();
    assert_eq!(pane.messages.len(), 1);
    assert_eq!(pane.messages[0].body, "Hello 👋");
    assert_eq!(pane.messages[0].tick, ChatTick::Sending);
    assert_eq!(pane.messages[0].tick_text, "Sending…");

    // The event first, then the reply: one message.
    let stored = Message {
        client_id: client_id.clone(),
        ..msg(30, 1, Author::Agent, "Hello 👋")
    };
    message(&mut h, stored.clone());
    h.frame(ServerFrame::Reply(Reply {
        message: Some(Box::new(stored.clone())),
        ..Reply::new(cid)
    }));
    let pane = chats(&h).open.unwrap();
    assert_eq!(pane.messages.len(), 1, "{:?}", pane.messages);
    assert_eq!(pane.messages[0].tick, ChatTick::Sent);
    assert_eq!(pane.messages[0].author, "You");

    // The reply first, then the event: one message too.
    let (cid, client_id) = send(&mut h, 1, "Second", false);
    let second = Message {
        client_id,
        ..msg(31, 1, Author::Agent, "Second")
    };
    h.frame(ServerFrame::Reply(Reply {
        message: Some(Box::new(second.clone())),
        ..Reply::new(cid)
    }));
    message(&mut h, second);
    let pane = chats(&h).open.unwrap();
    assert_eq!(pane.messages.len(), 2);

    // Ticks move forward only.
    for (state, tick, words) in [
        (MessageState::Delivered, ChatTick::Delivered, "Delivered"),
        (MessageState::Read, ChatTick::Read, "Read"),
        (MessageState::Delivered, ChatTick::Read, "Read"),
    ] {
        h.event(Event::MessageState {
            conversation: ConversationId(1),
            message: MessageId(30),
            state,
            failed_reason: None,
        });
        let m = &chats(&h).open.unwrap().messages[0];
        assert_eq!((m.tick, m.tick_text.as_str()), (tick, words));
    }
}

#[test]
fn a_message_unanswered_when_the_connection_drops_is_resent_with_the_same_client_id() {
    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(1, "Bea", 0));
    open(&mut h, 1);
    let (_, client_id) = send(&mut h, 1, "Are you there?", false);
    let (_, answered) = send(&mut h, 1, "Answered", false);
    let last = h.core.last_seq().unwrap();
    message(
        &mut h,
        Message {
            client_id: answered.clone(),
            ..msg(40, 1, Author::Agent, "Answered")
        },
    );

    h.input(Input::Disconnected {
        reason: "cut".into(),
    });
    // Written while offline: shown as sending, sent after the welcome.
    let out = h.intent(Intent::SendChatMessage {
        conversation: ConversationId(1),
        body: "Offline".into(),
        note: false,
    });
    assert!(sends(&out).is_empty());
    h.advance(Duration::seconds(60));
    h.input(Input::Connected);
    let out = h.welcome(last + 1, true);
    let resent: Vec<String> = sends(&out).into_iter().map(|(c, _)| c).collect();
    assert_eq!(resent.len(), 2, "{out:?}");
    assert_eq!(
        resent[0], client_id,
        "the same client_id, so the LDS stores it once"
    );
    assert_ne!(resent[1], answered, "what the LDS stored is not sent again");
    let pane = chats(&h).open.unwrap();
    assert_eq!(pane.messages.len(), 3);
    assert_eq!(pane.messages[1].tick, ChatTick::Sending);
}

#[test]
fn client_ids_differ_across_processes_and_messages() {
    let id_from = |seed| {
        let mut h = Harness::with_saved_and_seed(Default::default(), seed);
        signed_in(&mut h);
        converse(&mut h, conv(1, "Bea", 0));
        let a = send(&mut h, 1, "one", false).1;
        let b = send(&mut h, 1, "two", false).1;
        assert_ne!(a, b);
        assert!(a.len() <= headsup_protocol::chat::MAX_CLIENT_ID_BYTES);
        assert!(a.bytes().all(|c| c.is_ascii_graphic()));
        a
    };
    assert_ne!(id_from(1), id_from(2));
}

#[test]
fn a_failed_message_says_why_and_retry_sends_it_again() {
    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(1, "Bea", 0));
    open(&mut h, 1);
    let (_, client_id) = send(&mut h, 1, "Hi", false);
    message(
        &mut h,
        Message {
            client_id: client_id.clone(),
            ..msg(30, 1, Author::Agent, "Hi")
        },
    );
    h.event(Event::MessageState {
        conversation: ConversationId(1),
        message: MessageId(30),
        state: MessageState::Failed,
        failed_reason: Some("provider\u{202e} error".into()),
    });
    let m = chats(&h).open.unwrap().messages[0].clone();
    assert_eq!(m.tick, ChatTick::Failed);
    assert_eq!(m.tick_text, "Failed: provider error");
    assert!(m.can_retry);

    let out = h.intent(Intent::RetryChatMessage { key: m.key.clone() });
    let retry = sent(&out)
        .into_iter()
        .find_map(|f| match f {
            ClientFrame::RetryMessage {
                message, client_id, ..
            } => Some((message, client_id)),
            _ => None,
        })
        .expect("retry_message");
    assert_eq!(retry.0, MessageId(30));
    assert_ne!(retry.1, client_id, "a retry is a new message");
    let pane = chats(&h).open.unwrap();
    assert!(!pane.messages[0].can_retry, "one retry per failed message");
    assert_eq!(pane.messages[1].tick, ChatTick::Sending);
    assert!(sent(&h.intent(Intent::RetryChatMessage { key: m.key })).is_empty());

    // Refused outright (nothing stored): failed with the reason; retry keeps the client_id.
    h.intent(Intent::DismissNotice);
    let (cid, refused) = send(&mut h, 1, "Late", false);
    h.frame(ServerFrame::Error(ErrorFrame {
        cid: Some(cid),
        code: ErrorCode::OutsideWindow,
        message: "outside".into(),
    }));
    let pane = chats(&h).open.unwrap();
    let m = pane.messages.iter().find(|m| m.key == refused).unwrap();
    assert!(m
        .tick_text
        .starts_with("Failed: the 24-hour window is over"));
    assert!(m.can_retry);
    assert_eq!(
        h.core.view(h.now).notice,
        None,
        "the message says it, not a notice"
    );
    let out = h.intent(Intent::RetryChatMessage {
        key: refused.clone(),
    });
    assert_eq!(sends(&out), vec![(refused, false)]);
}

#[test]
fn notes_look_different_and_go_out_as_notes() {
    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(1, "Bea", 0));
    open(&mut h, 1);
    h.intent(Intent::ChatNoteMode { note: true });
    let composer = chats(&h).open.unwrap().composer;
    assert!(composer.note);
    assert_eq!(composer.label, "Internal note (Bea never sees it)");
    assert_eq!(composer.send_label, "Add note");
    let (_, client_id) = send(&mut h, 1, "VIP customer", true);
    let pane = chats(&h).open.unwrap();
    assert_eq!(pane.messages[0].side, ChatSide::Note);
    assert_eq!(pane.messages[0].author, "Note by you");
    message(
        &mut h,
        Message {
            client_id,
            ..msg(30, 1, Author::Note, "VIP customer")
        },
    );
    let pane = chats(&h).open.unwrap();
    assert_eq!(pane.messages.len(), 1);
    assert_eq!(pane.messages[0].side, ChatSide::Note);
    assert_eq!(pane.messages[0].tick, ChatTick::None, "a note has no ticks");
    assert_eq!(chats(&h).rows[0].preview, "Note: VIP customer");
}

#[test]
fn the_conversation_on_screen_is_marked_read_once_per_new_customer_message() {
    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(1, "Bea", 2));
    let hist = open(&mut h, 1);
    let out = history(
        &mut h,
        hist,
        1,
        vec![
            msg(10, 1, Author::Customer, "Hello"),
            msg(11, 1, Author::Customer, "Anyone?"),
        ],
        None,
    );
    assert_eq!(mark_reads(&out), vec![MessageId(11)]);
    // The LDS's own echo of the count changes nothing more.
    let out = converse(&mut h, conv(1, "Bea", 2));
    assert!(mark_reads(&out).is_empty());
    let out = message(&mut h, msg(12, 1, Author::Customer, "Hi again"));
    assert_eq!(mark_reads(&out), vec![MessageId(12)]);
    // The agent's own messages are not "read" by them.
    let out = message(&mut h, msg(13, 1, Author::Agent, "Hi"));
    assert!(mark_reads(&out).is_empty());

    // Another desk on screen: nothing is marked read.
    h.intent(Intent::OpenDesk {
        desk: DeskId::Requests,
    });
    let out = message(&mut h, msg(14, 1, Author::Customer, "?"));
    assert!(mark_reads(&out).is_empty());
    converse(&mut h, conv(1, "Bea", 1));
    let out = h.intent(Intent::OpenDesk {
        desk: DeskId::Chats,
    });
    assert_eq!(mark_reads(&out), vec![MessageId(14)]);
}

#[test]
fn a_new_message_off_screen_notifies_until_read_on_any_device() {
    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(1, "Bea\u{202e}\n", 0));
    let out = message(
        &mut h,
        msg(10, 1, Author::Customer, "Need\u{7} help\nplease"),
    );
    let n = notifications(&out);
    assert_eq!(n.len(), 1, "{out:?}");
    assert_eq!(n[0].title, "New message from Bea");
    assert_eq!(n[0].body, "Need help please");
    assert_eq!(n[0].conversation, Some(ConversationId(1)));
    assert_eq!(n[0].request, None);
    // The agent's own messages (from another device) do not notify.
    let out = message(&mut h, msg(11, 1, Author::Agent, "On it"));
    assert!(notifications(&out).is_empty());

    // Read on another device: withdrawn.
    let out = converse(&mut h, conv(1, "Bea", 0));
    assert_eq!(withdrawn(&out), vec![n[0].id]);

    // A tap opens the conversation on the Chats desk.
    let out = message(&mut h, msg(12, 1, Author::Customer, "Hello?"));
    let id = notifications(&out)[0].id;
    let out = h.input(Input::ChatNotificationTapped(ConversationId(1)));
    let view = h.core.view(h.now);
    assert_eq!(view.open_desk, DeskId::Chats);
    assert_eq!(view.chats.open.map(|p| p.id), Some(ConversationId(1)));
    assert_eq!(withdrawn(&out), vec![id]);

    // On screen: no notification.
    let out = message(
        &mut h,
        msg(13, 1, Author::Customer, "Thanks\u{202e}\r\nbye\u{1b}[2J"),
    );
    assert!(notifications(&out).is_empty());
    // Bodies keep their lines, never a control or bidi character; names one line.
    let pane = chats(&h).open.unwrap();
    assert_eq!(pane.title, "Bea");
    assert_eq!(pane.messages.last().unwrap().body, "Thanks\nbye[2J");
    assert_eq!(pane.messages.last().unwrap().author, "Bea");
}

#[test]
fn nothing_is_notified_while_not_ready_and_going_not_ready_withdraws() {
    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(1, "Bea", 0));
    let out = message(&mut h, msg(10, 1, Author::Customer, "Hi"));
    let id = notifications(&out)[0].id;
    let out = h.event(Event::StatusChanged {
        status: AgentStatus {
            availability: Availability::NotReady,
            reason: Some("lunch".into()),
            since: Some(h.now),
            wrap_up: None,
        },
    });
    assert!(withdrawn(&out).contains(&id));
    let out = message(&mut h, msg(11, 1, Author::Customer, "Hello?"));
    assert!(notifications(&out).is_empty());
    let tab = h.core.view(h.now).desks;
    assert!(
        tab.iter().any(|d| d.id == DeskId::Chats),
        "the badge still counts"
    );
}

#[test]
fn history_is_read_page_by_page_before_the_oldest() {
    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(1, "Bea", 0));
    let hist = open(&mut h, 1);
    assert_eq!(chats(&h).open.unwrap().history_text, "Loading messages…");
    history(
        &mut h,
        hist,
        1,
        vec![
            msg(20, 1, Author::Customer, "c"),
            msg(21, 1, Author::Agent, "d"),
        ],
        Some(20),
    );
    let pane = chats(&h).open.unwrap();
    assert!(pane.can_older);
    let out = h.intent(Intent::OlderChatMessages);
    let (cid, before) = sent(&out)
        .into_iter()
        .find_map(|f| match f {
            ClientFrame::MessageHistory { cid, before, .. } => Some((cid, before)),
            _ => None,
        })
        .unwrap();
    assert_eq!(before, Some(MessageId(20)));
    // A second tap while the page is on its way asks nothing more.
    assert!(sent(&h.intent(Intent::OlderChatMessages)).is_empty());
    history(
        &mut h,
        cid,
        1,
        vec![
            msg(5, 1, Author::Customer, "a"),
            msg(6, 1, Author::Agent, "b"),
        ],
        None,
    );
    let pane = chats(&h).open.unwrap();
    let bodies: Vec<&str> = pane.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["a", "b", "c", "d"]);
    assert!(!pane.can_older, "the start of the conversation");
}

#[test]
fn outside_the_window_the_composer_says_why_and_offers_no_free_text() {
    let mut h = Harness::new();
    signed_in(&mut h);
    let mut c = conv(1, "Bea", 0);
    c.channel = headsup_protocol::chat::Channel::Whatsapp;
    c.free_text_until = Some(h.now + Duration::minutes(5));
    converse(&mut h, c);
    open(&mut h, 1);
    assert!(chats(&h).open.unwrap().composer.can_write);
    let out = h.advance(Duration::minutes(6));
    assert!(
        out.contains(&Output::ViewChanged),
        "the window closing redraws"
    );
    let composer = chats(&h).open.unwrap().composer;
    assert!(!composer.can_write);
    assert!(composer
        .blocked_text
        .unwrap()
        .contains("more than 24 hours ago"));
    let out = h.intent(Intent::SendChatMessage {
        conversation: ConversationId(1),
        body: "Hi".into(),
        note: false,
    });
    assert!(sends(&out).is_empty());
    assert!(h.core.view(h.now).notice.is_some());
    // A note never reaches the customer: still allowed.
    send(&mut h, 1, "Call them instead", true);
}

#[test]
fn canned_answers_are_read_once_and_a_closed_chat_takes_no_text() {
    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(1, "Bea", 0));
    let out = h.intent(Intent::OpenChat {
        conversation: ConversationId(1),
    });
    let cid = sent(&out)
        .into_iter()
        .find_map(|f| match f {
            ClientFrame::CannedAnswers { cid, .. } => Some(cid),
            _ => None,
        })
        .expect("canned_answers on opening");
    h.frame(ServerFrame::Reply(Reply {
        canned: Some(vec![headsup_protocol::chat::CannedAnswer {
            code: "hi".into(),
            text: "Hello,\nhow can I help?".into(),
        }]),
        ..Reply::new(cid)
    }));
    assert_eq!(
        chats(&h).open.unwrap().canned[0].text,
        "Hello,\nhow can I help?"
    );
    let out = h.intent(Intent::OpenDesk {
        desk: DeskId::Chats,
    });
    assert!(!sent(&out)
        .iter()
        .any(|f| matches!(f, ClientFrame::CannedAnswers { .. })));

    let mut closed = conv(1, "Bea", 0);
    closed.state = ConversationState::Closed;
    converse(&mut h, closed);
    let composer = chats(&h).open.unwrap().composer;
    assert!(!composer.can_write);
    assert!(composer
        .blocked_text
        .unwrap()
        .starts_with("This chat is closed"));
    let out = h.intent(Intent::SendChatMessage {
        conversation: ConversationId(1),
        body: "Hi".into(),
        note: false,
    });
    assert!(sends(&out).is_empty());
}

#[test]
fn a_file_shows_as_a_chip_and_save_asks_the_driver_to_download_it() {
    use headsup_protocol::chat::Attachment;
    use headsup_protocol::AttachmentId;
    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(1, "Bea", 0));
    open(&mut h, 1);
    let file = Attachment {
        id: AttachmentId(5),
        name: "in\u{202E}voice.pdf".into(),
        content_type: "application/pdf".into(),
        size: 12_300,
    };
    message(
        &mut h,
        Message {
            attachment: Some(file),
            ..msg(40, 1, Author::Customer, "Here")
        },
    );
    let pane = chats(&h).open.unwrap();
    let chip = pane.messages[0].attachment.clone().expect("a chip");
    assert_eq!(
        chip.name, "invoice.pdf",
        "the name is one line of plain text"
    );
    assert_eq!(chip.size_text, "13 KB");
    assert_eq!(chip.save_label, "Save invoice.pdf (13 KB)");
    assert!(pane.messages[0]
        .label
        .ends_with("File: invoice.pdf, 13 KB."));

    let out = h.intent(Intent::SaveChatAttachment {
        attachment: AttachmentId(5),
    });
    let saves: Vec<_> = out
        .iter()
        .filter_map(|o| match o {
            Output::SaveAttachment { attachment, name } => Some((*attachment, name.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(saves, vec![(AttachmentId(5), "invoice.pdf".to_string())]);
    // A file the open conversation does not show is not fetched.
    let out = h.intent(Intent::SaveChatAttachment {
        attachment: AttachmentId(6),
    });
    assert!(!out
        .iter()
        .any(|o| matches!(o, Output::SaveAttachment { .. })));
}

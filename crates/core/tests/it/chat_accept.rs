//! Taking a chat opens it: the LDS's `assigned` for a chat session names its conversation, and
//! the core puts the Chats desk on screen with that conversation open (its messages and canned
//! answers read), wherever the agent was. A call's session leaves the desk alone, and so does a
//! chat taken while the app was away (a resume's replay).

use crate::support::*;
use chrono::Duration;
use headsup_core::Input;
use headsup_protocol::chat::{Channel, Conversation, ConversationState};
use headsup_protocol::lds::{ClientFrame, Event};
use headsup_protocol::model::{RequestKind, Session, SessionState};
use headsup_protocol::view::{DeskId, Intent};
use headsup_protocol::{ConversationId, RequestId};

fn conversation(id: i64, request: i64) -> Conversation {
    Conversation {
        id: ConversationId(id),
        channel: Channel::Web,
        queue: None,
        customer: customer("Bea"),
        contact: None,
        state: ConversationState::Open,
        agent: None,
        first_agent: None,
        session: None,
        request: RequestId(request),
        started_at: t0(),
        closed_at: None,
        last_message: None,
        unread: 1,
        free_text_until: None,
        tags: Vec::new(),
        account: None,
    }
}

fn chat_session(request: i64, conversation: Option<i64>) -> Session {
    Session {
        kind: RequestKind::ChatInbound,
        conversation: conversation.map(ConversationId),
        ..session(1, request, SessionState::Bridged)
    }
}

/// What the LDS sends to the winner of a chat: the conversation, then the session.
fn taken(h: &mut Harness, request: i64, conv: i64) -> Vec<headsup_core::Output> {
    let mut out = h.event(Event::Conversation {
        conversation: Box::new(conversation(conv, request)),
    });
    out.extend(h.event(Event::Assigned {
        request: super::support::request(request, RequestKind::ChatInbound, h.now),
        session: chat_session(request, Some(conv)),
    }));
    out
}

#[test]
fn accepting_a_chat_opens_its_conversation_on_the_chats_desk() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.offer(3, RequestKind::ChatInbound);
    h.intent(Intent::OpenDesk {
        desk: DeskId::Contacts,
    });
    let accept = h.intent(Intent::Accept {
        request: RequestId(3),
    });
    assert!(
        sent(&accept)
            .iter()
            .any(|f| matches!(f, ClientFrame::Accept { request, .. } if *request == RequestId(3))),
        "the app asks the LDS for the chat"
    );
    let view = h.core.view(h.now);
    assert_eq!(
        view.open_desk,
        DeskId::Contacts,
        "nothing moves before the LDS says so"
    );

    let out = taken(&mut h, 3, 30);

    let view = h.core.view(h.now);
    assert_eq!(view.open_desk, DeskId::Chats);
    let pane = view.chats.open.expect("the conversation is open");
    assert_eq!(pane.id, ConversationId(30));
    assert_eq!(pane.title, "Bea");
    let frames = sent(&out);
    assert!(
        frames.iter().any(|f| matches!(
            f,
            ClientFrame::MessageHistory { conversation, before: None, .. }
                if *conversation == ConversationId(30)
        )),
        "its newest messages are read: {frames:?}"
    );
    assert_eq!(
        frames
            .iter()
            .filter(|f| matches!(f, ClientFrame::CannedAnswers { .. }))
            .count(),
        1,
        "its canned answers are read once"
    );
}

#[test]
fn a_conversation_opened_before_the_lds_describes_it_is_read_when_it_does() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.offer(3, RequestKind::ChatInbound);
    // An `assigned` naming a conversation the desk has not heard of yet.
    h.event(Event::Assigned {
        request: request(3, RequestKind::ChatInbound, h.now),
        session: chat_session(3, Some(30)),
    });
    assert_eq!(h.core.view(h.now).open_desk, DeskId::Chats);
    let out = h.event(Event::Conversation {
        conversation: Box::new(conversation(30, 3)),
    });
    assert!(sent(&out).iter().any(|f| matches!(
        f,
        ClientFrame::MessageHistory { conversation, .. } if *conversation == ConversationId(30)
    )));
    assert_eq!(
        h.core.view(h.now).chats.open.map(|p| p.id),
        Some(ConversationId(30))
    );
}

#[test]
fn a_call_leaves_the_desk_on_screen() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.offer(4, RequestKind::CallNow);
    h.intent(Intent::OpenDesk {
        desk: DeskId::Contacts,
    });
    h.event(Event::Assigned {
        request: request(4, RequestKind::CallNow, h.now),
        session: session(2, 4, SessionState::Connecting),
    });
    let view = h.core.view(h.now);
    assert_eq!(view.open_desk, DeskId::Contacts);
    assert!(view.chats.open.is_none());
}

#[test]
fn a_chat_taken_on_another_device_while_away_does_not_move_the_desk() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.intent(Intent::OpenDesk {
        desk: DeskId::Contacts,
    });
    h.input(Input::Disconnected {
        reason: "cut".into(),
    });
    h.now += Duration::seconds(48);
    h.advance(Duration::seconds(1));
    h.input(Input::Connected);
    // seq 1 was the snapshot; the replay brings the conversation (2) and the session (3).
    h.welcome(3, true);
    taken(&mut h, 5, 50);
    let view = h.core.view(h.now);
    assert_eq!(view.open_desk, DeskId::Contacts);
    assert!(view.chats.open.is_none());
    assert!(view.session.is_some(), "the session itself is shown");
}

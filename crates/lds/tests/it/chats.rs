//! Chats: a customer writes from the widget's endpoint, an agent accepts and they talk in
//! messages, with ticks, notes the customer never sees, resends stored once, and the close.

use std::time::Duration;

use headsup_protocol::chat::{
    Author, ChatStarted, ConversationQuery, ConversationState, CustomerServerFrame, Message,
    MessageState, StartChat,
};
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame};
use headsup_protocol::model::{LegState, RequestKind, SessionState};
use headsup_protocol::{ConversationId, ErrorCode, MessageId, SessionId};
use headsup_testkit::lds::customer::{start_chat, started};
use headsup_testkit::lds::{AgentConn, CustomerConn, TestServer};
use lds::admin::queues;

/// The team "Desk" whose default queue takes chats (and calls); its intake key.
pub(crate) async fn chat_desk(s: &TestServer) -> String {
    let (_, key) = s.team("Desk", 3600).await;
    let settings = queues::QueueSettings {
        channels: Some(queues::Channels {
            voice: true,
            chat: true,
        }),
        ..Default::default()
    };
    queues::set_queue(s.server.db(), "Desk", "default", settings)
        .await
        .unwrap();
    key
}

/// A team whose default queue takes chats, with Ana signed in.
async fn desk() -> (TestServer, String, AgentConn) {
    let s = TestServer::start().await;
    let key = chat_desk(&s).await;
    let (_, token) = s.agent("Desk", "Ana Pérez").await;
    let ana = s.connect(&token, None).await;
    (s, key, ana)
}

/// Ana accepts the chat the customer just started: the session and its conversation.
pub(crate) async fn accepted(ana: &mut AgentConn) -> (SessionId, ConversationId) {
    let offered = ana
        .wait_event(
            |e| matches!(e, Event::Offered { request } if request.kind == RequestKind::ChatInbound),
        )
        .await
        .unwrap();
    let Event::Offered { request } = offered else {
        unreachable!()
    };
    let session = ana.accept_session(request.id).await;
    let assigned = ana
        .wait_event(|e| matches!(e, Event::Assigned { session: s, .. } if s.id == session))
        .await
        .unwrap();
    let Event::Assigned { session: s, .. } = assigned else {
        unreachable!()
    };
    assert_eq!(s.agent_leg, LegState::NotUsed, "a chat rings no phone");
    assert_eq!(s.customer_leg, LegState::NotUsed);
    assert_eq!(s.state, SessionState::Bridged);
    (
        session,
        s.conversation
            .expect("a chat session names its conversation"),
    )
}

async fn say(
    ana: &mut AgentConn,
    conversation: ConversationId,
    client_id: &str,
    body: &str,
    note: bool,
) -> ServerFrame {
    ana.command(|cid| ClientFrame::SendMessage {
        cid,
        conversation,
        client_id: client_id.into(),
        body: body.into(),
        note,
        attachment: None,
    })
    .await
    .unwrap()
}

fn stored(frame: ServerFrame) -> Message {
    match frame {
        ServerFrame::Reply(Reply {
            message: Some(m), ..
        }) => *m,
        other => panic!("not stored: {other:?}"),
    }
}

fn refused(frame: &ServerFrame) -> Option<ErrorCode> {
    match frame {
        ServerFrame::Error(ErrorFrame { code, .. }) => Some(*code),
        _ => None,
    }
}

async fn customer_message(
    c: &mut CustomerConn,
    body: &str,
) -> headsup_protocol::chat::CustomerMessage {
    match c
        .wait(|f| matches!(f, CustomerServerFrame::Message { message } if message.body == body))
        .await
        .unwrap()
    {
        CustomerServerFrame::Message { message } => message,
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn a_chat_is_a_conversation_with_messages_both_ways_and_ticks() {
    let (s, key, mut ana) = desk().await;
    let ChatStarted {
        token,
        conversation,
    } = started(&s.base, &key, "María", Some("Hola, my order is late")).await;
    let mut customer = CustomerConn::connect(&s.base, &token, None).await.unwrap();
    customer
        .wait(|f| matches!(f, CustomerServerFrame::Welcome { .. }))
        .await
        .unwrap();
    customer_message(&mut customer, "Hola, my order is late").await;

    let (_, id) = accepted(&mut ana).await;
    assert_eq!(id, conversation);
    customer
        .wait(|f| matches!(f, CustomerServerFrame::Joined { agent_name } if agent_name == "Ana"))
        .await
        .expect("the customer sees the agent join, by first name");

    // The history the agent opens with holds the customer's first message.
    let page = match ana
        .command(|cid| ClientFrame::MessageHistory {
            cid,
            conversation: id,
            before: None,
            limit: None,
        })
        .await
        .unwrap()
    {
        ServerFrame::Reply(Reply {
            messages: Some(p), ..
        }) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!(page.messages.len(), 1);
    assert_eq!(page.messages[0].author, Author::Customer);

    // Agent → customer, delivered and then read.
    let sent = stored(say(&mut ana, id, "a-1", "Let me check that for you", false).await);
    assert_eq!(sent.state, MessageState::Sent);
    let seen = customer_message(&mut customer, "Let me check that for you").await;
    assert_eq!(seen.author, Author::Agent);
    assert_eq!(seen.agent_name.as_deref(), Some("Ana"));
    ana.wait_event(|e| matches!(e, Event::MessageState { message, state: MessageState::Delivered, .. } if *message == sent.id))
        .await
        .expect("the agent sees it delivered");
    customer
        .send(&headsup_protocol::chat::CustomerFrame::Read { up_to: seen.id })
        .await
        .unwrap();
    ana.wait_event(|e| matches!(e, Event::MessageState { message, state: MessageState::Read, .. } if *message == sent.id))
        .await
        .expect("the agent sees it read");

    // Customer → agent: an event, an unread count, and the customer's tick once read.
    customer.write("c-2", "Thanks!").await.unwrap();
    let event = ana
        .wait_event(|e| matches!(e, Event::Message { message } if message.body == "Thanks!"))
        .await
        .unwrap();
    let Event::Message { message: theirs } = event else {
        unreachable!()
    };
    ana.wait_event(
        |e| matches!(e, Event::Conversation { conversation } if conversation.unread == 1),
    )
    .await
    .expect("one unread");
    let mine = customer_message(&mut customer, "Thanks!").await;
    ana.command(|cid| ClientFrame::MarkRead {
        cid,
        conversation: id,
        up_to: theirs.id,
    })
    .await
    .unwrap();
    ana.wait_event(
        |e| matches!(e, Event::Conversation { conversation } if conversation.unread == 0),
    )
    .await
    .expect("read on one device is read on all");
    customer
        .wait(|f| matches!(f, CustomerServerFrame::State { message, state: MessageState::Read } if *message == mine.id))
        .await
        .expect("the customer sees their message read");
}

#[tokio::test]
async fn a_resend_is_stored_and_delivered_once_on_both_sides() {
    let (s, key, mut ana) = desk().await;
    let chat = started(&s.base, &key, "Bea", None).await;
    let (_, id) = accepted(&mut ana).await;
    let mut customer = CustomerConn::connect(&s.base, &chat.token, None)
        .await
        .unwrap();

    let first = stored(say(&mut ana, id, "a-same", "One", false).await);
    let again = stored(say(&mut ana, id, "a-same", "One", false).await);
    assert_eq!(first.id, again.id, "the same client_id is the same message");
    for _ in 0..3 {
        customer.write("c-same", "Hello?").await.unwrap();
    }
    ana.read_for(Duration::from_millis(800)).await;
    let frames = customer.read_for(Duration::from_millis(800)).await;
    let count = |body: &str| {
        frames
            .iter()
            .filter(
                |f| matches!(f, CustomerServerFrame::Message { message } if message.body == body),
            )
            .count()
    };
    assert_eq!(count("One"), 1, "the customer got the agent's message once");
    assert_eq!(count("Hello?"), 1, "the customer's resends are one message");
    let events = ana
        .received
        .iter()
        .filter(|t| t.contains("\"event\":\"message\"") && t.contains("Hello?"))
        .count();
    assert_eq!(events, 1, "the agent heard the customer's message once");
}

#[tokio::test]
async fn a_note_never_reaches_the_customer() {
    let (s, key, mut ana) = desk().await;
    let chat = started(&s.base, &key, "Cy", Some("hi")).await;
    let (_, id) = accepted(&mut ana).await;
    let mut customer = CustomerConn::connect(&s.base, &chat.token, None)
        .await
        .unwrap();
    let note = stored(say(&mut ana, id, "n-1", "VIP: offer the discount", true).await);
    assert_eq!(note.author, Author::Note);
    stored(say(&mut ana, id, "a-1", "Hello Cy", false).await);
    customer_message(&mut customer, "Hello Cy").await;
    customer.read_for(Duration::from_millis(500)).await;
    // A widget coming back from nothing reads the whole conversation again.
    let mut again = CustomerConn::connect(&s.base, &chat.token, None)
        .await
        .unwrap();
    customer_message(&mut again, "Hello Cy").await;
    again.read_for(Duration::from_millis(500)).await;
    for text in customer.received.iter().chain(again.received.iter()) {
        assert!(
            !text.contains("discount"),
            "a note reached the customer: {text}"
        );
    }
    // The agent's history has it.
    let page = ana
        .command(|cid| ClientFrame::MessageHistory {
            cid,
            conversation: id,
            before: None,
            limit: None,
        })
        .await
        .unwrap();
    assert!(format!("{page:?}").contains("discount"));
}

#[tokio::test]
async fn closing_ends_the_chat_and_writing_again_reopens_it() {
    let (s, key, mut ana) = desk().await;
    let chat = started(&s.base, &key, "Dee", Some("hello")).await;
    let (session, id) = accepted(&mut ana).await;
    let mut customer = CustomerConn::connect(&s.base, &chat.token, None)
        .await
        .unwrap();
    ana.command(|cid| ClientFrame::EndSession { cid, session })
        .await
        .unwrap();
    ana.wait_event(|e| matches!(e, Event::Conversation { conversation } if conversation.state == ConversationState::Closed))
        .await
        .unwrap();
    customer
        .wait(|f| matches!(f, CustomerServerFrame::Closed))
        .await
        .expect("the customer sees the chat closed");
    let refused_after = say(&mut ana, id, "a-late", "one more thing", false).await;
    assert_eq!(refused(&refused_after), Some(ErrorCode::ConversationClosed));

    customer.write("c-again", "Me again").await.unwrap();
    let (_, reopened) = accepted(&mut ana).await;
    assert_eq!(reopened, id, "the same conversation, with its history");
}

#[tokio::test]
async fn another_agent_cannot_read_or_write_a_conversation() {
    let (s, key, mut ana) = desk().await;
    let (_, bo_token) = s.agent("Desk", "Bo").await;
    let mut bo = s.connect(&bo_token, None).await;
    started(&s.base, &key, "Eve", Some("secret stuff")).await;
    let (_, id) = accepted(&mut ana).await;
    let history = bo
        .command(|cid| ClientFrame::MessageHistory {
            cid,
            conversation: id,
            before: None,
            limit: None,
        })
        .await
        .unwrap();
    assert_eq!(refused(&history), Some(ErrorCode::NotFound));
    assert_eq!(
        refused(&say(&mut bo, id, "b-1", "hi", false).await),
        Some(ErrorCode::NotFound)
    );
    let list = bo
        .command(|cid| ClientFrame::Conversations {
            cid,
            query: ConversationQuery::default(),
        })
        .await
        .unwrap();
    match list {
        ServerFrame::Reply(Reply {
            conversations: Some(page),
            ..
        }) => assert!(page.conversations.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn bad_messages_and_tokens_are_refused_with_their_codes() {
    let (s, key, mut ana) = desk().await;
    let chat = started(&s.base, &key, "Fay", None).await;
    let (_, id) = accepted(&mut ana).await;
    for (client_id, body) in [("a-1", "   "), ("", "hi"), ("a-2", &"x".repeat(4001))] {
        let answer = say(&mut ana, id, client_id, body, false).await;
        assert_eq!(
            refused(&answer),
            Some(ErrorCode::InvalidMessage),
            "{client_id:?}"
        );
    }
    let mut customer = CustomerConn::connect(&s.base, &chat.token, None)
        .await
        .unwrap();
    customer.write("c-1", "").await.unwrap();
    customer
        .wait(|f| matches!(f, CustomerServerFrame::Error { code: ErrorCode::InvalidMessage, client_id: Some(c), .. } if c == "c-1"))
        .await
        .expect("an empty message is refused, naming it");
    let mut stranger = CustomerConn::connect(&s.base, "chat_not-a-token", None)
        .await
        .unwrap();
    stranger
        .wait(|f| {
            matches!(
                f,
                CustomerServerFrame::Error {
                    code: ErrorCode::InvalidChatToken,
                    ..
                }
            )
        })
        .await
        .unwrap();
    // A queue that takes calls only refuses a chat.
    let (_, calls_only) = s.team("Calls", 3600).await;
    let start = StartChat {
        name: "Gus".into(),
        text: None,
        client_id: None,
    };
    let resp = start_chat(&s.base, &calls_only, &start).await;
    assert_eq!(resp.status(), 422);
    let resp = start_chat(&s.base, "wrong-key", &start).await;
    assert_eq!(resp.status(), 401);
    let _ = MessageId(0);
}

/// Several agents accept one chat at once, 1,000 times (`LDS_RACE_TRIALS`): exactly one wins,
/// the others are told `already_taken`, and the conversation is the winner's alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_one_agent_wins_each_chat_over_a_thousand_races() {
    let trials: usize = std::env::var("LDS_RACE_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let (s, key, ana) = desk().await;
    let mut agents = vec![ana];
    for name in ["Bo", "Cy"] {
        let (_, token) = s.agent("Desk", name).await;
        agents.push(s.connect(&token, None).await);
    }
    let mut won = vec![std::collections::HashSet::new(); agents.len()];
    for trial in 0..trials {
        let chat = started(&s.base, &key, &format!("Customer {trial}"), None).await;
        let mut request = None;
        for conn in agents.iter_mut() {
            let Event::Offered { request: r } = conn
                .wait_event(|e| matches!(e, Event::Offered { request } if request.kind == RequestKind::ChatInbound))
                .await
                .unwrap()
            else {
                unreachable!()
            };
            request = Some(r.id);
        }
        let request = request.unwrap();
        let mut cids = Vec::new();
        for conn in agents.iter_mut() {
            cids.push(
                conn.send_command(|cid| ClientFrame::Accept { cid, request })
                    .await
                    .unwrap(),
            );
        }
        let mut winners = Vec::new();
        for (i, (conn, cid)) in agents.iter_mut().zip(cids).enumerate() {
            match conn.answer(cid).await.unwrap() {
                ServerFrame::Reply(Reply {
                    session: Some(session),
                    ..
                }) => winners.push((i, session)),
                other => assert_eq!(
                    refused(&other),
                    Some(ErrorCode::AlreadyTaken),
                    "trial {trial}: {other:?}"
                ),
            }
        }
        assert_eq!(winners.len(), 1, "trial {trial}: exactly one winner");
        let (w, session) = winners[0];
        won[w].insert(chat.conversation);
        let winner = &mut agents[w];
        let Event::Conversation { conversation } = winner
            .wait_event(|e| matches!(e, Event::Conversation { conversation } if conversation.id == chat.conversation))
            .await
            .unwrap()
        else {
            unreachable!()
        };
        assert_eq!(conversation.state, ConversationState::Open, "trial {trial}");
        assert_eq!(conversation.session, Some(session), "trial {trial}");
        winner
            .command(|cid| ClientFrame::EndSession { cid, session })
            .await
            .unwrap();
    }
    // Nobody heard of a conversation they did not win: each is its winner's alone.
    for (i, conn) in agents.iter_mut().enumerate() {
        conn.read_for(Duration::from_millis(300)).await;
        let heard: std::collections::HashSet<ConversationId> = conn
            .received
            .iter()
            .filter_map(|t| serde_json::from_str::<ServerFrame>(t).ok())
            .filter_map(|f| match f {
                ServerFrame::Event(e) => match e.event {
                    Event::Conversation { conversation } => Some(conversation.id),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        assert_eq!(heard, won[i], "agent {i}");
    }
}

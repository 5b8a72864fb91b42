//! The interactions list (seed 003): every filter (open/closed, read/unread, channel, channel
//! account, start date, first agent, tags, search) narrows an agent's conversations, paged open
//! first; tags are checked, shared by the agents who had the conversation and followed on every
//! device; the filters' choices come from the agent's own conversations.

use chrono::Duration;
use headsup_protocol::chat::{
    Channel, Conversation, ConversationFilters, ConversationQuery, ConversationState,
};
use headsup_protocol::contacts::JourneyItem;
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame};
use headsup_protocol::model::{Availability, RequestKind};
use headsup_protocol::{ConversationId, ErrorCode, SessionId};
use headsup_testkit::lds::customer::started;
use headsup_testkit::lds::{http, AgentConn, TestServer};
use serde_json::json;

/// The next chat offered to `agent`, accepted: its session and conversation.
async fn take_next(agent: &mut AgentConn) -> (SessionId, ConversationId) {
    let Event::Offered { request } = agent
        .wait_event(
            |e| matches!(e, Event::Offered { request } if request.kind == RequestKind::ChatInbound),
        )
        .await
        .unwrap()
    else {
        unreachable!()
    };
    let session = agent.accept_session(request.id).await;
    let Event::Assigned { session: s, .. } = agent
        .wait_event(|e| matches!(e, Event::Assigned { session: s, .. } if s.id == session))
        .await
        .unwrap()
    else {
        unreachable!()
    };
    (session, s.conversation.expect("a chat"))
}

async fn end(agent: &mut AgentConn, session: SessionId) {
    let ended = agent
        .command(|cid| ClientFrame::EndSession { cid, session })
        .await
        .unwrap();
    assert!(matches!(ended, ServerFrame::Reply(_)), "{ended:?}");
}

async fn list(
    agent: &mut AgentConn,
    query: ConversationQuery,
) -> (Vec<Conversation>, Option<ConversationId>) {
    match agent
        .command(|cid| ClientFrame::Conversations { cid, query })
        .await
        .unwrap()
    {
        ServerFrame::Reply(Reply {
            conversations: Some(page),
            ..
        }) => (page.conversations, page.next),
        other => panic!("{other:?}"),
    }
}

async fn ids(agent: &mut AgentConn, query: ConversationQuery) -> Vec<ConversationId> {
    list(agent, query).await.0.iter().map(|c| c.id).collect()
}

async fn set_tags(
    agent: &mut AgentConn,
    conversation: ConversationId,
    tags: &[&str],
) -> ServerFrame {
    agent
        .command(|cid| ClientFrame::SetConversationTags {
            cid,
            conversation,
            tags: tags.iter().map(|t| t.to_string()).collect(),
        })
        .await
        .unwrap()
}

async fn filters(agent: &mut AgentConn) -> ConversationFilters {
    match agent
        .command(|cid| ClientFrame::ConversationFilters { cid })
        .await
        .unwrap()
    {
        ServerFrame::Reply(Reply {
            filters: Some(f), ..
        }) => f,
        other => panic!("{other:?}"),
    }
}

fn refused(frame: &ServerFrame) -> Option<ErrorCode> {
    match frame {
        ServerFrame::Error(ErrorFrame { code, .. }) => Some(*code),
        _ => None,
    }
}

#[tokio::test]
async fn every_filter_narrows_the_list_and_pages_open_first() {
    let s = TestServer::start().await;
    let key = crate::chats::chat_desk(&s).await;
    let (ben_info, ben_token) = s.agent("Desk", "Ben").await;
    let (ana_info, token) = s.agent("Desk", "Ana Pérez").await;

    // D: Ben's alone, before Ana signs in; then Ben steps away.
    let mut ben = s.connect(&ben_token, None).await;
    started(&s.base, &key, "Fay", Some("invoice too")).await;
    let (session, d) = take_next(&mut ben).await;
    end(&mut ben, session).await;
    let away = ben.set_status(Availability::NotReady, Some("lunch")).await;
    assert!(matches!(away, ServerFrame::Reply(_)), "{away:?}");
    let mut ana = s.connect(&token, None).await;

    // B: on WhatsApp, closed and read.
    let resp = http()
        .post(format!("{}/api/v1/sim/whatsapp/messages", s.base))
        .bearer_auth(&key)
        .json(&json!({"from": "+34600111444", "name": "Dora", "text": "hola", "id": "w-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (session, b) = take_next(&mut ana).await;
    let (found, _) = list(&mut ana, ConversationQuery::default()).await;
    let hola = found[0]
        .last_message
        .clone()
        .expect("the customer's message");
    let read = ana
        .command(|cid| ClientFrame::MarkRead {
            cid,
            conversation: b,
            up_to: hola.id,
        })
        .await
        .unwrap();
    assert!(matches!(read, ServerFrame::Reply(_)), "{read:?}");
    end(&mut ana, session).await;

    // B started two days ago (moving the server's clock instead would sign Ana out).
    sqlx::query("UPDATE conversations SET started_at = started_at - $1 WHERE id = $2")
        .bind(Duration::days(2).num_milliseconds())
        .bind(b.0)
        .execute(&s.server.db().pool)
        .await
        .unwrap();
    // A: a web chat, closed, its customer's message unread.
    started(&s.base, &key, "Carla", Some("my invoice is missing")).await;
    let (session, a) = take_next(&mut ana).await;
    end(&mut ana, session).await;

    // C: a web chat Ana still has open, unread.
    started(&s.base, &key, "Eva", Some("a question")).await;
    let (_, c) = take_next(&mut ana).await;

    let all = ConversationQuery::default;
    assert_eq!(
        ids(&mut ana, all()).await,
        vec![c, a, b],
        "open first, then newest"
    );
    assert_eq!(ids(&mut ben, all()).await, vec![d], "only one's own");
    let open = ConversationQuery {
        state: Some(ConversationState::Open),
        ..all()
    };
    assert_eq!(ids(&mut ana, open).await, vec![c]);
    let closed = ConversationQuery {
        state: Some(ConversationState::Closed),
        ..all()
    };
    assert_eq!(ids(&mut ana, closed).await, vec![a, b]);
    let unread = |u| ConversationQuery {
        unread: Some(u),
        ..all()
    };
    assert_eq!(ids(&mut ana, unread(true)).await, vec![c, a]);
    assert_eq!(ids(&mut ana, unread(false)).await, vec![b]);
    let channel = |ch| ConversationQuery {
        channel: Some(ch),
        ..all()
    };
    assert_eq!(ids(&mut ana, channel(Channel::Whatsapp)).await, vec![b]);
    assert_eq!(ids(&mut ana, channel(Channel::Web)).await, vec![c, a]);
    let (found, _) = list(&mut ana, all()).await;
    let b_started = found.iter().find(|x| x.id == b).unwrap().started_at;
    let a_started = found.iter().find(|x| x.id == a).unwrap().started_at;
    assert!(a_started - b_started >= Duration::days(2));
    let since = ConversationQuery {
        since: Some(a_started),
        ..all()
    };
    assert_eq!(ids(&mut ana, since).await, vec![c, a]);
    let first = |agent| ConversationQuery {
        first_agent: Some(agent),
        ..all()
    };
    assert_eq!(ids(&mut ana, first(ana_info.id)).await, vec![c, a, b]);
    assert!(ids(&mut ana, first(ben_info.id)).await.is_empty());
    let text = |t: &str| ConversationQuery {
        text: t.into(),
        ..all()
    };
    assert_eq!(
        ids(&mut ana, text("INVOICE")).await,
        vec![a],
        "in a message"
    );
    assert_eq!(ids(&mut ana, text("dora")).await, vec![b], "in the name");
    assert!(
        ids(&mut ana, text("%")).await.len() == 3,
        "wildcards are plain text"
    );

    // Channel accounts: what the filters offer, and filtering by one.
    let offered = filters(&mut ana).await;
    assert_eq!(offered.accounts.len(), 2, "{offered:?}");
    assert!(offered.accounts.iter().all(|acc| acc.queue == "default"));
    let (found, _) = list(&mut ana, all()).await;
    let account_of = |id| found.iter().find(|c| c.id == id).unwrap().account.unwrap();
    let whatsapp = account_of(b);
    assert_ne!(whatsapp, account_of(a));
    assert_eq!(account_of(a), account_of(c), "one queue's web account");
    let by_account = |acc| ConversationQuery {
        account: Some(acc),
        ..all()
    };
    assert_eq!(ids(&mut ana, by_account(whatsapp)).await, vec![b]);
    assert_eq!(ids(&mut ana, by_account(account_of(a))).await, vec![c, a]);
    assert_eq!(
        filters(&mut ben).await.accounts.len(),
        1,
        "Ben had web only"
    );

    // Tags: a conversation must carry every tag asked for.
    assert!(matches!(
        set_tags(&mut ana, a, &["VIP", "billing"]).await,
        ServerFrame::Reply(_)
    ));
    assert!(matches!(
        set_tags(&mut ana, c, &["vip"]).await,
        ServerFrame::Reply(_)
    ));
    let tagged = |tags: &[&str]| ConversationQuery {
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..all()
    };
    assert_eq!(ids(&mut ana, tagged(&["vip"])).await, vec![c, a]);
    assert_eq!(ids(&mut ana, tagged(&[" VIP", "billing"])).await, vec![a]);
    assert!(ids(&mut ana, tagged(&["vip", "nope"])).await.is_empty());
    let bad = ana
        .command(|cid| ClientFrame::Conversations {
            cid,
            query: tagged(&["<script>"]),
        })
        .await
        .unwrap();
    assert_eq!(refused(&bad), Some(ErrorCode::InvalidTag));
    assert_eq!(filters(&mut ana).await.tags, vec!["billing", "vip"]);
    assert!(filters(&mut ben).await.tags.is_empty(), "Ben's have none");

    // Filters together, and pages of one: open first, each once.
    let both = ConversationQuery {
        tags: vec!["vip".into()],
        state: Some(ConversationState::Closed),
        channel: Some(Channel::Web),
        ..all()
    };
    assert_eq!(ids(&mut ana, both).await, vec![a]);
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let (page, next) = list(
            &mut ana,
            ConversationQuery {
                limit: Some(1),
                after,
                ..all()
            },
        )
        .await;
        seen.extend(page.iter().map(|c| c.id));
        match next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen, vec![c, a, b]);
}

#[tokio::test]
async fn tags_are_checked_shared_and_followed_on_every_device() {
    let s = TestServer::start().await;
    let key = crate::chats::chat_desk(&s).await;
    let (_, token) = s.agent("Desk", "Ana Pérez").await;
    let mut ana = s.connect(&token, None).await;
    let mut ana_phone = s.connect(&token, None).await;
    let (_, bo_token) = s.agent("Desk", "Bo").await;
    let mut bo = s.connect(&bo_token, None).await;
    started(&s.base, &key, "Gus", Some("hi")).await;
    let (_, id) = take_next(&mut ana).await;

    let set = set_tags(&mut ana, id, &["  VIP ", "vip", "Follow   up"]).await;
    assert!(matches!(set, ServerFrame::Reply(_)), "{set:?}");
    let want = vec!["follow up".to_string(), "vip".to_string()];
    for device in [&mut ana, &mut ana_phone] {
        device
            .wait_event(|e| matches!(e, Event::Conversation { conversation } if conversation.id == id && conversation.tags == want))
            .await
            .expect("every device follows the tags");
    }

    let too_many: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
    let too_many: Vec<&str> = too_many.iter().map(String::as_str).collect();
    let long = "x".repeat(33);
    for bad in [
        vec!["<b>bold</b>"],
        vec![""],
        vec!["red\u{1b}[31m"],
        vec!["ok", "a\u{202e}b"],
        vec![long.as_str()],
        too_many,
    ] {
        assert_eq!(
            refused(&set_tags(&mut ana, id, &bad).await),
            Some(ErrorCode::InvalidTag),
            "{bad:?}"
        );
    }
    assert_eq!(
        refused(&set_tags(&mut bo, id, &["mine"]).await),
        Some(ErrorCode::NotFound),
        "only agents who had it"
    );
    let (found, _) = list(&mut ana, ConversationQuery::default()).await;
    assert_eq!(found[0].tags, want, "nothing refused was stored");

    // The customer's journey shows the conversation: channel, start, agent, state, tags.
    let contact = found[0]
        .contact
        .clone()
        .expect("a chat's customer is a contact");
    let journey = match ana
        .command(|cid| ClientFrame::ContactJourney {
            cid,
            contact: contact.id,
        })
        .await
        .unwrap()
    {
        ServerFrame::Reply(Reply {
            journey: Some(j), ..
        }) => j,
        other => panic!("{other:?}"),
    };
    let chat = journey
        .iter()
        .find(|e| matches!(e.what, JourneyItem::Conversation { .. }))
        .expect("the conversation is in the journey");
    assert_eq!(chat.at, found[0].started_at);
    assert_eq!(
        chat.agent.as_ref().map(|a| a.name.as_str()),
        Some("Ana Pérez")
    );
    assert_eq!(chat.queue.as_deref(), Some("default"));
    assert_eq!(
        chat.what,
        JourneyItem::Conversation {
            conversation: id,
            request: found[0].request,
            channel: Channel::Web,
            state: ConversationState::Open,
            tags: want.clone(),
        }
    );

    assert!(matches!(
        set_tags(&mut ana, id, &[]).await,
        ServerFrame::Reply(_)
    ));
    let (found, _) = list(&mut ana, ConversationQuery::default()).await;
    assert!(found[0].tags.is_empty(), "tags can all be removed");
}

//! WhatsApp through the fake provider: a phone's message starts a chat request as the widget
//! does, the agent's replies go through the provider, receipts move the ticks, the 24-hour
//! window refuses free text and lets templates through, hostile input is cleaned or refused, a
//! provider id delivered twice is stored once, and `lds sim message` / `lds sim receipt` drive
//! it all from the command line.

use chrono::Duration;
use headsup_protocol::chat::{
    Author, Channel, Message, MessageState, MessageTemplate, ProviderInboundStored,
};
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame};
use headsup_protocol::model::{Customer, RequestKind};
use headsup_protocol::{ConversationId, ErrorCode, MessageId, RequestId, SessionId};
use headsup_testkit::lds::{http, process, AgentConn, TestServer};
use lds::admin::queues;
use serde_json::{json, Value};

/// A team whose default queue takes chats and has the "recontact" template, with Ana signed in.
async fn desk() -> (TestServer, String, AgentConn) {
    let s = TestServer::start().await;
    let key = crate::chats::chat_desk(&s).await;
    queues::put_template(
        s.server.db(),
        "Desk",
        "recontact",
        "Hola {name}, seguimos aquí si nos necesitas.",
    )
    .await
    .unwrap();
    let (_, token) = s.agent("Desk", "Ana Pérez").await;
    let ana = s.connect(&token, None).await;
    (s, key, ana)
}

async fn post(s: &TestServer, key: &str, path: &str, body: Value) -> (u16, Value) {
    let resp = http()
        .post(format!("{}{path}", s.base))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The customer writes from their phone; the stored place of the message.
async fn inbound(s: &TestServer, key: &str, body: Value) -> ProviderInboundStored {
    let (status, answer) = post(s, key, "/api/v1/sim/whatsapp/messages", body).await;
    assert_eq!(status, 200, "{answer}");
    serde_json::from_value(answer).unwrap()
}

async fn receipt(s: &TestServer, key: &str, message: MessageId, state: &str) -> (u16, Value) {
    let body = json!({"message": message, "state": state});
    post(s, key, "/api/v1/sim/whatsapp/receipts", body).await
}

fn code(answer: &Value) -> &str {
    answer["error"]["code"].as_str().unwrap_or("")
}

/// The next chat offered to `agent`: its request.
pub(crate) async fn offered(agent: &mut AgentConn) -> (RequestId, Customer) {
    match agent
        .wait_event(
            |e| matches!(e, Event::Offered { request } if request.kind == RequestKind::ChatInbound),
        )
        .await
        .unwrap()
    {
        Event::Offered { request } => (request.id, request.customer),
        _ => unreachable!(),
    }
}

/// Accepts `request`: the session and its conversation.
pub(crate) async fn take(agent: &mut AgentConn, request: RequestId) -> (SessionId, ConversationId) {
    let session = agent.accept_session(request).await;
    match agent
        .wait_event(|e| matches!(e, Event::Assigned { session: s, .. } if s.id == session))
        .await
        .unwrap()
    {
        Event::Assigned { session: s, .. } => (session, s.conversation.expect("a chat")),
        _ => unreachable!(),
    }
}

pub(crate) async fn say(
    agent: &mut AgentConn,
    conversation: ConversationId,
    id: &str,
    body: &str,
) -> ServerFrame {
    agent
        .command(|cid| ClientFrame::SendMessage {
            cid,
            conversation,
            client_id: id.into(),
            body: body.into(),
            note: false,
            attachment: None,
        })
        .await
        .unwrap()
}

pub(crate) fn stored(frame: ServerFrame) -> Message {
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

async fn history(agent: &mut AgentConn, conversation: ConversationId) -> Vec<Message> {
    match agent
        .command(|cid| ClientFrame::MessageHistory {
            cid,
            conversation,
            before: None,
            limit: None,
        })
        .await
        .unwrap()
    {
        ServerFrame::Reply(Reply {
            messages: Some(p), ..
        }) => p.messages,
        other => panic!("{other:?}"),
    }
}

/// The team's templates, as the agent lists them for `conversation`.
pub(crate) async fn templates(
    agent: &mut AgentConn,
    conversation: ConversationId,
) -> Vec<MessageTemplate> {
    match agent
        .command(|cid| ClientFrame::Templates { cid, conversation })
        .await
        .unwrap()
    {
        ServerFrame::Reply(Reply {
            templates: Some(t), ..
        }) => t,
        other => panic!("{other:?}"),
    }
}

pub(crate) async fn ticked(
    agent: &mut AgentConn,
    id: MessageId,
    want: MessageState,
) -> Option<String> {
    match agent
        .wait_event(|e| matches!(e, Event::MessageState { message, state, .. } if *message == id && *state == want))
        .await
        .unwrap()
    {
        Event::MessageState { failed_reason, .. } => failed_reason,
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn a_phone_starts_a_chat_one_agent_wins_and_replies_go_through_the_fake() {
    let (s, key, mut ana) = desk().await;
    let (_, bo_token) = s.agent("Desk", "Bo").await;
    let mut bo = s.connect(&bo_token, None).await;
    let first = inbound(
        &s,
        &key,
        json!({"from": "+34 600 111 222", "name": "María", "text": "hola", "id": "wamid.1"}),
    )
    .await;
    assert!(!first.repeated);

    let (request, customer) = offered(&mut ana).await;
    assert_eq!(customer.phone.as_deref(), Some("+34600111222"), "E.164");
    assert_eq!(customer.name.as_deref(), Some("María"));
    offered(&mut bo).await;
    let (_, conversation) = take(&mut ana, request).await;
    assert_eq!(conversation, first.conversation);
    assert_eq!(
        refused(&bo.accept(request).await),
        Some(ErrorCode::AlreadyTaken),
        "one winner, as for a web chat"
    );
    let view = match ana
        .wait_event(
            |e| matches!(e, Event::Conversation { conversation: c } if c.id == conversation),
        )
        .await
        .unwrap()
    {
        Event::Conversation { conversation } => conversation,
        _ => unreachable!(),
    };
    assert_eq!(view.channel, Channel::Whatsapp);
    assert!(
        view.free_text_until.is_some(),
        "the app can tell the window"
    );
    let seen = history(&mut ana, conversation).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].author, seen[0].body.as_str()),
        (Author::Customer, "hola")
    );

    // Out through the provider, then its receipts move the ticks.
    let sent = stored(say(&mut ana, conversation, "a-1", "¿En qué puedo ayudarte?").await);
    assert_eq!(sent.state, MessageState::Sent);
    let handed = s.store().fake_whatsapp().sent();
    assert_eq!(handed.len(), 1);
    assert_eq!(handed[0].to, "+34600111222");
    assert_eq!(handed[0].message, sent.id);
    assert_eq!(handed[0].body, "¿En qué puedo ayudarte?");

    let (status, _) = receipt(&s, &key, sent.id, "delivered").await;
    assert_eq!(status, 200);
    ticked(&mut ana, sent.id, MessageState::Delivered).await;
    let (status, now) = receipt(&s, &key, sent.id, "read").await;
    assert_eq!((status, now["state"].as_str()), (200, Some("read")));
    ticked(&mut ana, sent.id, MessageState::Read).await;
    let (status, late) = receipt(&s, &key, sent.id, "delivered").await;
    assert_eq!(
        (status, late["state"].as_str()),
        (200, Some("read")),
        "a late receipt never moves a tick back"
    );

    // A note stays with the agents; the same client_id again is not sent twice.
    ana.command(|cid| ClientFrame::SendMessage {
        cid,
        conversation,
        client_id: "n-1".into(),
        body: "VIP customer".into(),
        note: true,
        attachment: None,
    })
    .await
    .unwrap();
    stored(say(&mut ana, conversation, "a-1", "¿En qué puedo ayudarte?").await);
    assert_eq!(s.store().fake_whatsapp().sent().len(), 1);

    // The customer's next message reaches Ana in the same conversation.
    let next = inbound(
        &s,
        &key,
        json!({"from": "+34600111222", "text": "mi pedido", "id": "wamid.2"}),
    )
    .await;
    assert_eq!(next.conversation, conversation);
    ana.wait_event(|e| matches!(e, Event::Message { message } if message.body == "mi pedido"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_provider_refusal_fails_the_message_with_its_reason() {
    let (s, key, mut ana) = desk().await;
    inbound(
        &s,
        &key,
        json!({"from": "+34600111333", "text": "hi", "id": "w-1"}),
    )
    .await;
    let (request, _) = offered(&mut ana).await;
    let (_, conversation) = take(&mut ana, request).await;

    s.store()
        .fake_whatsapp()
        .refuse_next("number blocked the business");
    let sent = stored(say(&mut ana, conversation, "a-1", "hello?").await);
    assert_eq!(sent.state, MessageState::Failed, "the reply says so too");
    let why = ticked(&mut ana, sent.id, MessageState::Failed).await;
    assert_eq!(why.as_deref(), Some("number blocked the business"));

    // A failure reported later by the provider, with a hostile reason made one clean line.
    let other = stored(say(&mut ana, conversation, "a-2", "still there?").await);
    let (status, _) = post(
        &s,
        &key,
        "/api/v1/sim/whatsapp/receipts",
        json!({"message": other.id, "state": "failed", "reason": "expired\n\u{202E}<b>x</b>"}),
    )
    .await;
    assert_eq!(status, 200);
    let why = ticked(&mut ana, other.id, MessageState::Failed).await;
    assert_eq!(why.as_deref(), Some("expired <b>x</b>"));
    let (_, after) = receipt(&s, &key, other.id, "delivered").await;
    assert_eq!(after["state"].as_str(), Some("failed"), "failed is final");
}

#[tokio::test]
async fn after_24_hours_free_text_is_refused_and_a_template_goes() {
    let (s, key, mut ana) = desk().await;
    inbound(
        &s,
        &key,
        json!({"from": "+34600111444", "name": "María", "text": "hola", "id": "w-1"}),
    )
    .await;
    let (request, _) = offered(&mut ana).await;
    let (_, conversation) = take(&mut ana, request).await;
    stored(say(&mut ana, conversation, "a-1", "inside the window").await);

    s.store().advance_clock(Duration::hours(25));
    let late = say(&mut ana, conversation, "a-2", "too late for free text").await;
    assert_eq!(refused(&late), Some(ErrorCode::OutsideWindow));
    assert!(
        history(&mut ana, conversation)
            .await
            .iter()
            .all(|m| m.body != "too late for free text"),
        "a refused message is not stored"
    );

    let templates = templates(&mut ana, conversation).await;
    assert_eq!(
        templates,
        vec![MessageTemplate {
            code: "recontact".into(),
            body: "Hola {name}, seguimos aquí si nos necesitas.".into()
        }]
    );
    let send_template = |template: &'static str, id: &'static str| {
        move |cid| ClientFrame::SendTemplate {
            cid,
            conversation,
            client_id: id.into(),
            template: template.into(),
        }
    };
    let unknown = ana.command(send_template("nope", "t-0")).await.unwrap();
    assert_eq!(refused(&unknown), Some(ErrorCode::NotFound));
    let sent = stored(
        ana.command(send_template("recontact", "t-1"))
            .await
            .unwrap(),
    );
    assert_eq!(sent.body, "Hola María, seguimos aquí si nos necesitas.");
    let handed = s.store().fake_whatsapp().sent();
    assert_eq!(handed.last().map(|h| h.message), Some(sent.id));

    // The customer answers: the window opens again.
    inbound(
        &s,
        &key,
        json!({"from": "+34600111444", "text": "sí", "id": "w-2"}),
    )
    .await;
    ana.wait_event(|e| matches!(e, Event::Message { message } if message.body == "sí"))
        .await
        .unwrap();
    stored(say(&mut ana, conversation, "a-3", "free text again").await);
}

#[tokio::test]
async fn a_provider_id_delivered_twice_is_stored_once() {
    let (s, key, mut ana) = desk().await;
    let body = json!({"from": "+34600111555", "name": "Lu", "text": "hola", "id": "wamid.X"});
    let first = inbound(&s, &key, body.clone()).await;
    let again = inbound(&s, &key, body).await;
    assert!(again.repeated);
    assert_eq!(
        (again.conversation, again.message),
        (first.conversation, first.message)
    );
    let (request, _) = offered(&mut ana).await;
    let (_, conversation) = take(&mut ana, request).await;
    let again = inbound(
        &s,
        &key,
        json!({"from": "+34600111555", "text": "hola", "id": "wamid.X"}),
    )
    .await;
    assert!(again.repeated);
    assert_eq!(history(&mut ana, conversation).await.len(), 1);
}

#[tokio::test]
async fn a_new_phones_messages_arriving_together_start_one_chat() {
    let (s, key, _ana) = desk().await;
    let posts = (0..8).map(|i| {
        let body =
            json!({"from": "+34600111888", "text": format!("m{i}"), "id": format!("burst-{i}")});
        inbound(&s, &key, body)
    });
    let stored = futures_util::future::join_all(posts).await;
    let first = stored[0].conversation;
    assert!(stored
        .iter()
        .all(|m| m.conversation == first && !m.repeated));
}

#[tokio::test]
async fn hostile_input_is_cleaned_or_refused_with_documented_errors() {
    let (s, key, mut ana) = desk().await;
    let path = "/api/v1/sim/whatsapp/messages";
    for (body, want) in [
        (
            json!({"from": "600111222", "text": "x", "id": "a"}),
            "invalid_phone",
        ),
        (
            json!({"from": "+34 600<b>", "text": "x", "id": "a"}),
            "invalid_phone",
        ),
        (
            json!({"from": "+1 23", "text": "x", "id": "a"}),
            "invalid_phone",
        ),
        (
            json!({"from": "+34600111666", "text": "\u{202E}\u{7}", "id": "a"}),
            "invalid_message",
        ),
        (
            json!({"from": "+34600111666", "text": "x", "id": "with space"}),
            "invalid_message",
        ),
        (json!({"from": "+34600111666", "text": "x"}), "bad_request"),
    ] {
        let (status, answer) = post(&s, &key, path, body.clone()).await;
        assert_eq!((status, code(&answer)), (400, want), "{body}");
    }
    let body = json!({"from": "+34600111666", "text": "x", "id": "a"});
    let (status, answer) = post(&s, "intake_wrong", path, body).await;
    assert_eq!((status, code(&answer)), (401, "invalid_intake_key"));

    inbound(
        &s,
        &key,
        json!({
            "from": "+34600111666",
            "name": "<script>alert(1)</script>\u{202E}Eve\u{1b}[31m\nX",
            "text": "<img src=x onerror=alert(1)>\u{202E}\u{1b}[2J ok",
            "id": "h-1"
        }),
    )
    .await;
    let (request, customer) = offered(&mut ana).await;
    assert_eq!(
        customer.name.as_deref(),
        Some("<script>alert(1)</script>Eve[31m X"),
        "plain text, no controls or bidi, one line"
    );
    let (_, conversation) = take(&mut ana, request).await;
    let seen = history(&mut ana, conversation).await;
    assert_eq!(seen[0].body, "<img src=x onerror=alert(1)>[2J ok");

    // Receipts: only this team's agent messages on WhatsApp, never `sent`.
    let mine = stored(say(&mut ana, conversation, "a-1", "hi").await);
    let (status, answer) = receipt(&s, &key, mine.id, "sent").await;
    assert_eq!((status, code(&answer)), (400, "bad_request"));
    let (status, answer) = receipt(&s, &key, seen[0].id, "read").await;
    assert_eq!(
        (status, code(&answer)),
        (404, "not_found"),
        "a customer's message"
    );
    let (_, other_key) = s.team("Other", 3600).await;
    let (status, answer) = receipt(&s, &other_key, mine.id, "read").await;
    assert_eq!(
        (status, code(&answer)),
        (404, "not_found"),
        "another team's"
    );
}

#[tokio::test]
async fn a_closed_whatsapp_chat_reopens_when_the_customer_writes_again() {
    let (s, key, mut ana) = desk().await;
    inbound(
        &s,
        &key,
        json!({"from": "+34600111777", "text": "one", "id": "w-1"}),
    )
    .await;
    let (request, _) = offered(&mut ana).await;
    let (session, conversation) = take(&mut ana, request).await;
    ana.command(|cid| ClientFrame::EndSession { cid, session })
        .await
        .unwrap();
    inbound(
        &s,
        &key,
        json!({"from": "+34600111777", "text": "two", "id": "w-2"}),
    )
    .await;
    let (again, _) = offered(&mut ana).await;
    assert_ne!(again, request, "a new chat request");
    let (_, reopened) = take(&mut ana, again).await;
    assert_eq!(
        reopened, conversation,
        "the same conversation, with its history"
    );
    assert_eq!(history(&mut ana, conversation).await.len(), 2);
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

async fn sim(s: &TestServer, key: &str, args: &[&str]) -> Run {
    let out = tokio::process::Command::new(process::bin())
        .arg("sim")
        .args(args)
        .args(["--server", &s.base])
        .env("LDS_INTAKE_KEY", key)
        .output()
        .await
        .expect("lds runs");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[tokio::test]
async fn the_cli_plays_the_customer_and_the_provider() {
    let (s, key, mut ana) = desk().await;
    let run = sim(
        &s,
        &key,
        &[
            "message",
            "--from",
            "+34600111222",
            "--name",
            "Maria",
            "--text",
            "hola",
        ],
    )
    .await;
    assert!(run.ok, "{}", run.stderr);
    let stored_at: ProviderInboundStored = serde_json::from_str(run.stdout.trim()).unwrap();
    let (request, customer) = offered(&mut ana).await;
    assert_eq!(customer.name.as_deref(), Some("Maria"));
    let (_, conversation) = take(&mut ana, request).await;
    assert_eq!(conversation, stored_at.conversation);

    let sent = stored(say(&mut ana, conversation, "a-1", "hola Maria").await);
    let id = sent.id.0.to_string();
    let run = sim(
        &s,
        &key,
        &["receipt", "--message", &id, "--state", "delivered"],
    )
    .await;
    assert!(run.ok, "{}", run.stderr);
    let message: Message = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(message.state, MessageState::Delivered);
    ticked(&mut ana, sent.id, MessageState::Delivered).await;

    let run = sim(&s, &key, &["message", "--from", "600", "--text", "x"]).await;
    assert!(!run.ok);
    assert!(run.stderr.contains("400 invalid_phone"), "{}", run.stderr);
}

//! The web chat widget in a real browser (Debian's `chromium`, headless, over `chromedriver`)
//! against the real `lds` binary, with an agent on the agent protocol: both directions, ticks,
//! a note that never reaches the page, a reload that shows every message once, the close, and
//! axe-core clean at a phone's width.

use fantoccini::Locator;
use headsup_protocol::chat::MessageState;
use headsup_protocol::lds::{ClientFrame, Event, LoginResponse, Reply, ServerFrame};
use headsup_protocol::model::RequestKind;
use headsup_testkit::lds::AgentConn;
use headsup_tests::chromium::{browser, until};
use headsup_tests::lds::Lds;
use serde_json::json;

const TEXTS: &str =
    "return Array.from(document.querySelectorAll('#messages .msg')).map(li => li.textContent)";

fn count(v: &serde_json::Value, needle: &str) -> usize {
    v.as_array()
        .unwrap()
        .iter()
        .filter(|t| t.as_str().unwrap_or("").contains(needle))
        .count()
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver (scripts/test.sh runs it)"]
async fn a_customer_in_chromium_chats_with_an_agent() {
    let lds = Lds::start().unwrap();
    let key = lds.add_team("Web");
    lds.cli(
        &[
            "queue",
            "set",
            "--team",
            "Web",
            "--name",
            "default",
            "--channels",
            "voice,chat",
        ],
        None,
    );
    lds.add_agent("ana@web.test", "Ana Pérez", "Web", "pw-ana");
    let login: LoginResponse = reqwest::Client::new()
        .post(format!("{}/api/v1/login", lds.base_url))
        .json(&json!({"email": "ana@web.test", "password": "pw-ana"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ws = format!("{}/api/v1/agent/ws", lds.base_url.replacen("http", "ws", 1));
    let mut ana = AgentConn::connect(&ws, &login.token, None).await.unwrap();

    let (_driver, c) = browser().await;
    // The key rides in the fragment: no request the browser makes carries it.
    c.goto(&format!("{}/chat#key={key}", lds.base_url))
        .await
        .unwrap();
    c.find(Locator::Css("#start-name"))
        .await
        .unwrap()
        .send_keys("María")
        .await
        .unwrap();
    c.find(Locator::Css("#start-text"))
        .await
        .unwrap()
        .send_keys("Hola, where is my order?")
        .await
        .unwrap();
    c.find(Locator::Css("#start button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let Event::Offered { request } = ana
        .wait_event(
            |e| matches!(e, Event::Offered { request } if request.kind == RequestKind::ChatInbound),
        )
        .await
        .unwrap()
    else {
        unreachable!()
    };
    assert_eq!(request.customer.name.as_deref(), Some("María"));
    let session = ana.accept_session(request.id).await;
    let Event::Assigned { session: s, .. } = ana
        .wait_event(|e| matches!(e, Event::Assigned { session: s, .. } if s.id == session))
        .await
        .unwrap()
    else {
        unreachable!()
    };
    let conversation = s.conversation.expect("a chat session");
    until(
        &c,
        "return document.querySelector('#status').textContent",
        |v| v.as_str().unwrap_or("").contains("chatting with Ana"),
    )
    .await;

    // Agent → customer: shown as text, never as markup; delivered, then read.
    let hostile = "Hello from Ana <img src=x id=pwned>";
    let sent = ana
        .command(|cid| ClientFrame::SendMessage {
            cid,
            conversation,
            client_id: "a-1".into(),
            body: hostile.into(),
            note: false,
            attachment: None,
        })
        .await
        .unwrap();
    let ServerFrame::Reply(Reply {
        message: Some(sent),
        ..
    }) = sent
    else {
        panic!("not stored: {sent:?}")
    };
    until(&c, TEXTS, |v| count(v, hostile) == 1).await;
    let planted = c
        .execute("return document.querySelector('#pwned') === null", vec![])
        .await
        .unwrap();
    assert_eq!(planted, json!(true), "a message became markup");
    ana.wait_event(|e| matches!(e, Event::MessageState { message, state: MessageState::Read, .. } if *message == sent.id))
        .await
        .expect("the page on screen reads it");

    // A note stays with the agents.
    ana.command(|cid| ClientFrame::SendMessage {
        cid,
        conversation,
        client_id: "n-1".into(),
        body: "note: VIP customer".into(),
        note: true,
        attachment: None,
    })
    .await
    .unwrap();

    // Customer → agent, and the customer's tick once the agent reads it.
    c.find(Locator::Css("#compose-text"))
        .await
        .unwrap()
        .send_keys("Gracias 👋\n")
        .await
        .unwrap();
    let Event::Message { message: theirs } = ana
        .wait_event(|e| matches!(e, Event::Message { message } if message.body == "Gracias 👋"))
        .await
        .unwrap()
    else {
        unreachable!()
    };
    ana.command(|cid| ClientFrame::MarkRead {
        cid,
        conversation,
        up_to: theirs.id,
    })
    .await
    .unwrap();
    until(&c, TEXTS, |v| count(v, "Gracias 👋Read") == 1).await;

    // A reload shows the conversation again, every message once, and never the note.
    c.refresh().await.unwrap();
    let texts = until(&c, TEXTS, |v| {
        count(v, "Gracias") == 1 && count(v, "Hello from Ana") == 1
    })
    .await;
    assert_eq!(count(&texts, "Hola, where is my order?"), 1, "{texts}");
    let source = c.source().await.unwrap();
    assert!(
        !source.contains("VIP customer"),
        "the note reached the customer's page"
    );

    // At a phone's width: no sideways scroll, and axe-core finds nothing.
    let widths = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth]",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        widths[0].as_u64() <= widths[1].as_u64(),
        "wider than the window: {widths}"
    );
    let axe_path = std::env::var("HEADSUP_AXE_JS").expect("HEADSUP_AXE_JS (scripts/lib.sh)");
    c.execute(&std::fs::read_to_string(axe_path).unwrap(), vec![])
        .await
        .unwrap();
    let violations = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
              .then((r) => done(r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '))),
                    (e) => done(['axe failed: ' + e]));"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(violations, json!([]), "axe-core on the widget");
    if let Ok(dir) = std::env::var("HEADSUP_SCREENSHOTS_DIR") {
        std::fs::write(
            format!("{dir}/chat-widget-360.png"),
            c.screenshot().await.unwrap(),
        )
        .unwrap();
    }

    // The agent closes: the page says so.
    ana.command(|cid| ClientFrame::EndSession { cid, session })
        .await
        .unwrap();
    until(
        &c,
        "return document.querySelector('#status').textContent",
        |v| v.as_str().unwrap_or("").contains("closed"),
    )
    .await;
    c.close().await.unwrap();
}

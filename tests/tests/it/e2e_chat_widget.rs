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

/// A 1×1 PNG.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\
\0\0\0\rIDATx\x9cc\xf8\x0f\x04\0\x09\xfb\x03\xfd\xe3U\xf2\x9c\0\0\0\0IEND\xaeB`\x82";

/// Chooses `path` in the widget's file input and sends it.
async fn attach(c: &fantoccini::Client, path: &std::path::Path) {
    c.find(Locator::Css("#compose-file"))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    c.find(Locator::Css("#compose button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

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

    // Files both ways, through the labelled file input.
    let files = tempfile::tempdir().unwrap();
    let dot = files.path().join("dot.png");
    std::fs::write(&dot, PNG).unwrap();
    attach(&c, &dot).await;
    let Event::Message { message: photo } = ana
        .wait_event(|e| matches!(e, Event::Message { message } if message.attachment.is_some()))
        .await
        .unwrap()
    else {
        unreachable!()
    };
    let photo = photo.attachment.clone().unwrap();
    assert_eq!(
        (photo.name.as_str(), photo.content_type.as_str()),
        ("dot.png", "image/png")
    );
    let got = reqwest::Client::new()
        .get(format!("{}/api/v1/attachments/{}", lds.base_url, photo.id))
        .bearer_auth(&login.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        &got.bytes().await.unwrap()[..],
        PNG,
        "the agent gets the bytes sent"
    );
    // A page disguised as text is refused, and the page says why.
    let page = files.path().join("notes.txt");
    std::fs::write(&page, "<!DOCTYPE html><script>alert(1)</script>").unwrap();
    attach(&c, &page).await;
    until(
        &c,
        "return document.querySelector('#compose-error').textContent",
        |v| {
            v.as_str()
                .unwrap_or("")
                .contains("kind of file cannot be sent")
        },
    )
    .await;
    c.execute("document.querySelector('#compose-file').value = ''", vec![])
        .await
        .unwrap();
    // Ana's file shows as a download button whose name is text, never markup.
    let hostile_name = "<img src=x id=pwned2>.png";
    let uploaded: headsup_protocol::chat::Attachment = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/conversations/{conversation}/attachments",
            lds.base_url
        ))
        .bearer_auth(&login.token)
        .header("content-type", "image/png")
        .header("attachment-name", "%3Cimg%20src%3Dx%20id%3Dpwned2%3E.png")
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    ana.command(|cid| ClientFrame::SendMessage {
        cid,
        conversation,
        client_id: "a-file".into(),
        body: "Your map".into(),
        note: false,
        attachment: Some(uploaded.id),
    })
    .await
    .unwrap();
    let buttons = "return Array.from(document.querySelectorAll('#messages button.file')).map(b => b.textContent)";
    until(&c, buttons, |v| {
        count(v, &format!("Download {hostile_name}")) == 1 && count(v, "Download dot.png") == 1
    })
    .await;
    let planted = c
        .execute("return document.querySelector('#pwned2') === null", vec![])
        .await
        .unwrap();
    assert_eq!(planted, json!(true), "a file name became markup");

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

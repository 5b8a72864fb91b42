//! A web chat end to end between two real front ends: the customer in headless Chromium (the
//! LDS's widget) and the agent in the real app's webview (WebKitGTK, over WebKitWebDriver). The
//! customer starts the chat; the agent accepts it in the app, which opens the Chats desk on it;
//! messages go both ways, shown as text on both sides; the customer sees their ticks go to
//! "Read" and the app shows its own; a note stays in the app; the agent closes the chat and
//! picks the disposition; the customer's page says the chat was closed.

use fantoccini::{Client, Locator};
use headsup_testkit::eventually;
use headsup_tests::app::App;
use headsup_tests::chromium::{browser, until};
use headsup_tests::lds::Lds;
use serde_json::{json, Value};

/// The customer's messages on their page, each with its meta (the tick's word).
const TEXTS: &str =
    "return Array.from(document.querySelectorAll('#messages .msg')).map(li => li.textContent)";
const STATUS: &str = "return document.querySelector('#status').textContent";

fn count(v: &Value, needle: &str) -> usize {
    v.as_array()
        .unwrap()
        .iter()
        .filter(|t| t.as_str().unwrap_or("").contains(needle))
        .count()
}

async fn customer_types(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

/// The agent writes `text` in the open conversation and sends it with the Send button.
async fn agent_sends(app: &App, text: &str) {
    app.type_into("#chat-text", text).await;
    app.click("#chat-send").await;
}

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, WebDriver) and chromium"]
async fn a_customer_in_chromium_chats_with_an_agent_in_the_app() {
    let lds = Lds::start().expect("lds starts");
    let key = lds.add_team("Web");
    let queue = ["--team", "Web", "--name", "default"];
    lds.cli(
        &[
            &["queue", "set"],
            &queue[..],
            &["--channels", "voice,chat", "--wrap-up", "required"],
        ]
        .concat(),
        None,
    );
    let disposition = ["--code", "solved", "--label", "Solved"];
    lds.cli(
        &[&["queue", "add-disposition"], &queue[..], &disposition[..]].concat(),
        None,
    );
    lds.add_agent("ana@web.test", "Ana Pérez", "Web", "pw-ana");
    let app = App::start(&lds.base_url, "e2e-chat-app")
        .await
        .expect("app");
    app.sign_in("ana@web.test", "pw-ana").await;
    app.wait_synced().await;

    // The customer starts the chat on the widget; the key rides in the fragment.
    let (_driver, c) = browser().await;
    c.goto(&format!("{}/chat#key={key}", lds.base_url))
        .await
        .unwrap();
    customer_types(&c, "#start-name", "María <b>Q</b>").await;
    customer_types(
        &c,
        "#start-text",
        "Hola, where is my order? <i id=inapp>x</i>",
    )
    .await;
    c.find(Locator::Css("#start button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // The agent accepts in the app: the Chats desk opens on the conversation, the customer's
    // first message in it as text.
    app.text_until("#queue", |t| t.contains("María <b>Q</b>"))
        .await;
    app.click("#queue .request-row .row-main").await;
    app.attr_until("#desk-chats", "aria-current", "page").await;
    app.text_until("#chat-title", |t| t.contains("María <b>Q</b>"))
        .await;
    app.text_until(".chat-messages", |t| {
        t.contains("where is my order? <i id=inapp>x</i>")
    })
    .await;
    assert_eq!(
        app.js("return document.querySelector('#inapp') === null")
            .await,
        json!(true),
        "a customer's message became markup in the app"
    );
    until(&c, STATUS, |v| {
        v.as_str().unwrap_or("").contains("chatting with Ana")
    })
    .await;
    // The conversation is on the agent's screen: the customer's first message is read.
    until(&c, TEXTS, |v| count(v, "<i id=inapp>x</i>Read") == 1).await;

    // Agent → customer: text on the page, never markup; the app's ticks follow it to read.
    let hello = "Hello from Ana <img src=x id=pwned>";
    agent_sends(&app, hello).await;
    until(&c, TEXTS, |v| count(v, hello) == 1).await;
    assert_eq!(
        c.execute("return document.querySelector('#pwned') === null", vec![])
            .await
            .unwrap(),
        json!(true),
        "an agent's message became markup on the customer's page"
    );
    app.text_until(".chat-message.outgoing .chat-meta.read", |t| !t.is_empty())
        .await;

    // A note stays with the agents: shown in the app as a note, never sent to the page. The
    // message after it reaches the page, so the note had every chance to arrive before it.
    app.click("#chat-note").await;
    agent_sends(&app, "Internal: VIP customer").await;
    app.text_until(".chat-message.note", |t| t.contains("VIP customer"))
        .await;
    app.click("#chat-note").await;
    agent_sends(&app, "Your order ships today.").await;
    until(&c, TEXTS, |v| count(v, "ships today") == 1).await;

    // Customer → agent: in the app at once (the conversation is on screen, so it is read and
    // the customer's tick says so).
    customer_types(&c, "#compose-text", "Gracias 👋\n").await;
    app.text_until(".chat-messages", |t| t.contains("Gracias 👋"))
        .await;
    until(&c, TEXTS, |v| count(v, "Gracias 👋Read") == 1).await;

    let page = c.source().await.unwrap();
    assert!(
        !page.contains("VIP customer"),
        "the note reached the customer's page"
    );
    let texts = c.execute(TEXTS, vec![]).await.unwrap();
    assert_eq!(count(&texts, "Hello from Ana"), 1, "{texts}");
    let in_app = app.text_until(".chat-messages", |_| true).await;
    assert_eq!(in_app.matches("Hello from Ana").count(), 1, "{in_app}");
    assert_eq!(in_app.matches("Gracias").count(), 1, "{in_app}");

    // The agent closes the chat and picks the disposition; the customer's page says closed.
    app.click("#chat-close").await;
    app.find("#wrap-up").await;
    eventually("the focus on the wrap-up's disposition", || async {
        let id = app.js("return document.activeElement.id").await;
        (id.as_str() == Some("wrap-up-disposition")).then_some(())
    })
    .await;
    // WebDriver clicks an option at its centre: the focus scrolled the form just into view,
    // where the sticky top bar may cover it.
    app.js("document.querySelector('#wrap-up').scrollIntoView({block: 'center'})")
        .await;
    app.find("#wrap-up-disposition")
        .await
        .select_by_value("solved")
        .await
        .expect("the disposition select takes the value");
    app.click("#wrap-up-done").await;
    app.wait_gone("#wrap-up").await;
    until(&c, STATUS, |v| v.as_str().unwrap_or("").contains("closed")).await;
    app.text_until("#chat-list", |t| t.contains("Closed")).await;
    c.close().await.unwrap();
    app.quit().await;
}

//! `lds demo`, the real binary: among its stream of requests come WhatsApp customers, an agent
//! who takes one can answer with free text or the recontact template, and the simulated provider
//! ticks the answer delivered, then read.

use headsup_protocol::chat::{Channel, MessageState};
use headsup_protocol::lds::{Event, LoginResponse};
use headsup_testkit::lds::process::LdsProcess;
use headsup_testkit::lds::{fresh_db, http, AgentConn};
use serde_json::json;

use crate::whatsapp::{offered, say, stored, take, templates, ticked};

#[tokio::test]
async fn the_demo_brings_whatsapp_customers_whose_ticks_move() {
    let db = fresh_db().await;
    let demo = LdsProcess::demo(&db.url, 1);
    let login: LoginResponse = http()
        .post(format!("{}/api/v1/login", demo.base()))
        .json(&json!({"email": "ana@demo.test", "password": "demo-ana"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut ana = AgentConn::connect(&demo.ws_url(), &login.token, None)
        .await
        .unwrap();

    // Web chats come without a phone; the first chat from a phone is a WhatsApp one.
    let request = loop {
        let (request, customer) = offered(&mut ana).await;
        if customer.phone.is_some() {
            break request;
        }
    };
    let (_, conversation) = take(&mut ana, request).await;
    match ana
        .wait_event(
            |e| matches!(e, Event::Conversation { conversation: c } if c.id == conversation),
        )
        .await
        .unwrap()
    {
        Event::Conversation { conversation } => assert_eq!(conversation.channel, Channel::Whatsapp),
        _ => unreachable!(),
    }
    let templates = templates(&mut ana, conversation).await;
    assert!(
        templates.iter().any(|t| t.code == "recontact"),
        "{templates:?}"
    );

    let sent = stored(say(&mut ana, conversation, "demo-1", "Hola, te llamo ahora").await);
    assert_eq!(
        ticked(&mut ana, sent.id, MessageState::Delivered).await,
        None
    );
    assert_eq!(ticked(&mut ana, sent.id, MessageState::Read).await, None);
}

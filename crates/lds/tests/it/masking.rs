//! Masking: what a team or queue hides of its customers never reaches its agents — not in
//! offers, sessions, snapshots, resumes, a queue's waiting list, contacts, searches or the
//! journey — while the LDS keeps (and dials) the whole values. The test reads the bytes of every
//! frame the agents receive, not the parsed types, so a field nobody thought of still counts.

use headsup_protocol::contacts::{ContactDraft, ContactQuery};
use headsup_protocol::lds::{ClientFrame, Event, Reply, ServerFrame};
use headsup_protocol::QueueId;
use headsup_testkit::lds::{AgentConn, TestServer};
use lds::admin::contacts::{self, MaskingChange};
use lds::admin::queues;
use lds::masking::Level;
use serde_json::json;
use sqlx::Row;

const PHONE: &str = "+34600111222";
/// Every run of digits a hidden phone must not show (the partial mask keeps `+34 6`, `22`).
const PHONE_PARTS: [&str; 4] = ["600111222", "00111", "0111", "111222"];
const NAME_PARTS: [&str; 4] = ["Maria", "Lopez", "aria", "opez"];
const EMAIL: &str = "secret.maria@example.com";

async fn reply(conn: &mut AgentConn, make: impl FnOnce(u64) -> ClientFrame) -> Reply {
    match conn.command(make).await.unwrap() {
        ServerFrame::Reply(r) => r,
        other => panic!("refused: {other:?}"),
    }
}

fn assert_nothing_hidden(texts: &[String]) {
    assert!(!texts.is_empty());
    for text in texts {
        for part in PHONE_PARTS
            .iter()
            .chain(&NAME_PARTS)
            .chain(&["secret", EMAIL])
        {
            assert!(!text.contains(part), "{part:?} reached an agent in {text}");
        }
    }
}

#[tokio::test]
async fn what_a_team_or_queue_hides_reaches_no_agent_by_any_route_and_is_still_dialled() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    let db = s.server.db();
    contacts::set_phone_region(db, "Desk", Some("ES"))
        .await
        .unwrap();
    // The team hides phones partly and e-mails fully; its default queue hides names partly.
    let team_rule = MaskingChange {
        phone: Some(Level::Partial),
        email: Some(Level::Full),
        ..MaskingChange::default()
    };
    contacts::set_masking(db, "Desk", None, team_rule)
        .await
        .unwrap();
    let queue_rule = MaskingChange {
        name: Some(Level::Partial),
        ..MaskingChange::default()
    };
    let rule = contacts::set_masking(db, "Desk", Some("default"), queue_rule)
        .await
        .unwrap();
    assert_eq!(rule.name, Level::Partial);
    let (_, a_token) = s.agent("Desk", "Ana").await;
    let (_, b_token) = s.agent("Desk", "Bo").await;
    let mut ana = s.connect(&a_token, None).await;
    let mut bo = s.connect(&b_token, None).await;

    // Offers: both agents hear of Maria; Ana takes her.
    let customer =
        |name: &str| json!({"kind": "call_now", "customer": {"name": name, "phone": PHONE}});
    assert_eq!(s.post(&key, &customer("Maria Lopez")).await.status(), 201);
    let offered = ana
        .wait_event(|e| matches!(e, Event::Offered { .. }))
        .await
        .unwrap();
    let Event::Offered { request } = offered else {
        unreachable!()
    };
    assert_eq!(request.customer.phone.as_deref(), Some("+34 6•• ••• •22"));
    assert_eq!(request.customer.name.as_deref(), Some("M••• L•••"));
    let contact = request.contact.clone().expect("a contact was made");
    assert_eq!(contact.name, "M••• L•••");
    let session = ana.accept_session(request.id).await;
    bo.wait_event(|e| matches!(e, Event::Taken { .. }))
        .await
        .unwrap();
    // A second call from her waits (Ana is busy): Bo reads the queue's waiting list.
    assert_eq!(s.post(&key, &customer("Maria Lopez")).await.status(), 201);
    bo.wait_event(|e| matches!(e, Event::Offered { .. }))
        .await
        .unwrap();
    let queue = queues::list_queues(db, "Desk").await.unwrap()[0].queue.id;
    let waiting = reply(&mut bo, |cid| ClientFrame::QueueWaiting {
        cid,
        queue: QueueId(queue),
    })
    .await
    .waiting
    .expect("the waiting list");
    assert_eq!(waiting.len(), 1);

    // Contacts: found by the whole number, read, searched by a whole word (a prefix finds
    // nothing: typing letter by letter must not spell a hidden name), its journey.
    let by_phone = reply(&mut ana, |cid| ClientFrame::SearchContacts {
        cid,
        query: ContactQuery {
            text: Some("600 11 12 22".into()),
            ..ContactQuery::default()
        },
    })
    .await
    .contacts
    .unwrap();
    assert_eq!(by_phone.contacts.len(), 1);
    let card = by_phone.contacts[0].clone();
    assert!(card.masked.name && card.masked.phone);
    assert_eq!(card.phones, vec!["+34 6•• ••• •22".to_string()]);
    for (text, found) in [("lopez", 1), ("lop", 0)] {
        let page = reply(&mut ana, |cid| ClientFrame::SearchContacts {
            cid,
            query: ContactQuery {
                text: Some(text.into()),
                ..ContactQuery::default()
            },
        })
        .await
        .contacts
        .unwrap();
        assert_eq!(page.contacts.len(), found, "{text}");
    }
    reply(&mut ana, |cid| ClientFrame::GetContact {
        cid,
        contact: contact.id,
    })
    .await;
    let journey = reply(&mut ana, |cid| ClientFrame::ContactJourney {
        cid,
        contact: contact.id,
    })
    .await
    .journey
    .unwrap();
    assert!(!journey.is_empty());
    // An edit cannot overwrite what the agent may not read: the dots sent back are ignored.
    let edit = ContactDraft {
        first_name: "M•••".into(),
        last_name: "L•••".into(),
        phones: card.phones.clone(),
        emails: vec!["new@example.com".into()],
        tags: vec!["vip".into()],
        ..ContactDraft::default()
    };
    let edited = reply(&mut ana, |cid| ClientFrame::EditContact {
        cid,
        contact: contact.id,
        version: card.version,
        draft: edit,
    })
    .await
    .contact
    .unwrap();
    assert_eq!(edited.tags, vec!["vip".to_string()]);
    // A contact the agent adds with an e-mail comes back with the e-mail hidden.
    let list = card.list;
    let added = reply(&mut ana, |cid| ClientFrame::AddContact {
        cid,
        list,
        draft: ContactDraft {
            first_name: "Maria".into(),
            last_name: "Lopez".into(),
            emails: vec![EMAIL.into()],
            ..ContactDraft::default()
        },
    })
    .await
    .contact
    .unwrap();
    assert_eq!(added.emails, vec!["•••".to_string()]);

    // A fresh snapshot and a resume replaying everything from the start.
    ana.read_for(std::time::Duration::from_millis(300)).await;
    bo.read_for(std::time::Duration::from_millis(300)).await;
    let fresh = s.connect(&a_token, None).await;
    let resumed = s.connect(&b_token, Some(0)).await;
    let mut texts = ana.received.clone();
    texts.extend(bo.received.clone());
    texts.extend(fresh.received.clone());
    let mut resumed = resumed;
    resumed
        .read_for(std::time::Duration::from_millis(500))
        .await;
    texts.extend(resumed.received.clone());
    assert!(
        texts.iter().any(|t| t.contains("+34 6•• ••• •22")),
        "the masked phone itself was sent"
    );
    assert_nothing_hidden(&texts);

    // The rows keep the whole values: the LDS dials the real number, and the hidden parts
    // of the edited contact were kept.
    let mut conn = db.pool.acquire().await.unwrap();
    let dialled: String = sqlx::query("SELECT customer_phone FROM sessions WHERE id = $1")
        .bind(session.0)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get(0);
    assert_eq!(dialled, PHONE);
    let names: (String, String) = {
        let row = sqlx::query("SELECT first_name, last_name FROM contacts WHERE id = $1")
            .bind(contact.id.0)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!(names, ("Maria".to_string(), "Lopez".to_string()));
    let phones: Vec<String> = sqlx::query("SELECT phone FROM contact_phones WHERE contact_id = $1")
        .bind(contact.id.0)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(phones, vec![PHONE.to_string()]);
}

#[tokio::test]
async fn with_nothing_masked_agents_read_customers_whole() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Open", 3600).await;
    let (_, token) = s.agent("Open", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    let body = json!({"kind": "call_now", "customer": {"name": "Maria Lopez", "phone": PHONE}});
    assert_eq!(s.post(&key, &body).await.status(), 201);
    let Event::Offered { request } = ana
        .wait_event(|e| matches!(e, Event::Offered { .. }))
        .await
        .unwrap()
    else {
        unreachable!()
    };
    assert_eq!(request.customer.phone.as_deref(), Some(PHONE));
    assert_eq!(request.customer.name.as_deref(), Some("Maria Lopez"));
}

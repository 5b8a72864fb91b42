//! What the LDS accepts from customers and agents: hostile customer names posted to intake (and
//! booked by an agent with `schedule`) reach the agents normalized, a phone that is not one is
//! refused `invalid_phone`, and one `due_at` rule holds on both routes.

use chrono::{Duration, FixedOffset, Utc};
use headsup_protocol::error::ErrorBody;
use headsup_protocol::lds::{
    ClientFrame, ErrorFrame, Event, NewRequestResponse, Reply, ServerFrame,
};
use headsup_protocol::model::{Customer, Request, RequestState};
use headsup_protocol::ErrorCode;
use headsup_testkit::lds::{AgentConn, TestServer};
use serde_json::json;

/// Hostile names as a website visitor could type them, and what agents must be offered.
fn hostile_names() -> Vec<(String, Option<&'static str>)> {
    vec![
        (
            "\u{202E}gnp.exe\u{202C}Invoice".into(),
            Some("gnp.exeInvoice"),
        ),
        ("\x1b[31mRed\x1b[0m Alert".into(), Some("[31mRed[0m Alert")),
        ("Bell\x07\x07 Ringer".into(), Some("Bell Ringer")),
        ("Nul\0l".into(), Some("Null")),
        ("Carriage\rReturn".into(), Some("Carriage Return")),
        (
            "Ann\n🔔 [999999] New customer request — CEO".into(),
            Some("Ann 🔔 [999999] New customer request — CEO"),
        ),
        (
            "Ann <b>VIP</b> & <a href=\"http://evil.test\">Co</a>".into(),
            Some("Ann <b>VIP</b> & <a href=\"http://evil.test\">Co</a>"),
        ),
        (
            "  Zoë\t\tNguye\u{302}\u{303}n  ".into(),
            Some("Zoë Nguye\u{302}\u{303}n"),
        ),
        ("👩🏽‍💻 🇪🇸 Dev".into(), Some("👩🏽‍💻 🇪🇸 Dev")),
        ("\u{200B}\u{2066}\u{FEFF}".into(), None),
        ("X".repeat(5_000), None), // checked by length below
    ]
}

fn offered(event: &Event) -> Option<&Request> {
    match event {
        Event::Offered { request } | Event::Scheduled { request } => Some(request),
        _ => None,
    }
}

#[tokio::test]
async fn hostile_names_reach_agents_normalized() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    for (raw, expected) in hostile_names() {
        let body =
            json!({"kind": "call_now", "customer": {"name": raw, "phone": "+34 600 000 000"}});
        let resp = s.post(&key, &body).await;
        assert_eq!(resp.status(), 201, "{raw:?}");
        let answered = resp.json::<NewRequestResponse>().await.unwrap().request;
        let event = ana.next_event().await.unwrap();
        let on_ws = offered(&event).expect("an offer").clone();
        assert_eq!(on_ws.id, answered.id);
        assert_eq!(
            on_ws.customer, answered.customer,
            "intake answers what agents get"
        );
        match expected {
            Some(name) => assert_eq!(on_ws.customer.name.as_deref(), Some(name), "{raw:?}"),
            None if raw.len() > 1_000 => {
                let name = on_ws.customer.name.clone().unwrap();
                assert_eq!(name, "X".repeat(lds::customer_input::MAX_NAME_CHARS));
            }
            None => assert_eq!(on_ws.customer.name, None, "{raw:?}: nothing printable"),
        }
        let name = on_ws.customer.name.unwrap_or_default();
        assert!(
            !name.chars().any(|c| c.is_control()),
            "{name:?} has a control character"
        );
    }
    // The stored rows (what snapshots are read from) hold no control or bidi character either.
    let names: Vec<(Option<String>,)> = sqlx::query_as("SELECT customer_name FROM requests")
        .fetch_all(&s.store().db().pool)
        .await
        .unwrap();
    for name in names.into_iter().filter_map(|(n,)| n) {
        assert!(
            !name.chars().any(|c| c.is_control() || c == '\u{202E}'),
            "{name:?}"
        );
    }
}

#[tokio::test]
async fn a_phone_that_is_not_a_phone_is_refused_and_writes_nothing() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    for phone in [
        "+34\n600 000 000",
        "600\x1b[31m",
        "\u{202E}600",
        "call me maybe",
        "<b>600</b>",
        "+",
        "6".repeat(41).as_str(),
    ] {
        let resp = s
            .post(
                &key,
                &json!({"kind": "call_now", "customer": {"name": "Ann", "phone": phone}}),
            )
            .await;
        assert_eq!(resp.status(), 400, "{phone:?}");
        let body: ErrorBody = resp.json().await.unwrap();
        assert_eq!(body.error.code, ErrorCode::InvalidPhone, "{phone:?}");
        assert!(body.error.message.contains("customer.phone"), "{body:?}");
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM requests")
        .fetch_one(&s.store().db().pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // A phone with only blanks is no phone: with a name the request stands.
    let resp = s
        .post(
            &key,
            &json!({"kind": "call_now", "customer": {"name": "Ann", "phone": "   "}}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let r = resp.json::<NewRequestResponse>().await.unwrap().request;
    assert_eq!(r.customer.phone, None);
}

async fn schedule(
    ana: &mut AgentConn,
    name: &str,
    phone: Option<&str>,
    due_in: Duration,
) -> ServerFrame {
    let due = (Utc::now() + due_in).with_timezone(&FixedOffset::east_opt(3600).unwrap());
    ana.command(|cid| ClientFrame::Schedule {
        cid,
        customer: Customer {
            name: Some(name.into()),
            phone: phone.map(Into::into),
        },
        due_at: due,
    })
    .await
    .unwrap()
}

fn error_code(frame: &ServerFrame) -> Option<ErrorCode> {
    match frame {
        ServerFrame::Error(ErrorFrame { code, .. }) => Some(*code),
        _ => None,
    }
}

#[tokio::test]
async fn an_agent_booking_a_call_is_held_to_the_same_rules() {
    let s = TestServer::start().await;
    s.team("Support", 120).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    let hour = Duration::hours(1);
    let r = schedule(
        &mut ana,
        "Ann\n🔔 [999999] New customer request — CEO\u{202E}",
        None,
        hour,
    )
    .await;
    assert!(matches!(r, ServerFrame::Reply(Reply { .. })), "{r:?}");
    let event = ana.next_event().await.unwrap();
    assert_eq!(
        offered(&event).unwrap().customer.name.as_deref(),
        Some("Ann 🔔 [999999] New customer request — CEO")
    );
    let r = schedule(&mut ana, "Bo", Some("600; DROP TABLE"), hour).await;
    assert_eq!(error_code(&r), Some(ErrorCode::InvalidPhone), "{r:?}");
    // The customer is checked before the time: both wrong names the customer.
    let r = schedule(&mut ana, "Bo", Some("x"), -Duration::days(2)).await;
    assert_eq!(error_code(&r), Some(ErrorCode::InvalidPhone), "{r:?}");
    let r = schedule(&mut ana, "\u{200B}", None, hour).await;
    assert_eq!(error_code(&r), Some(ErrorCode::BadRequest), "{r:?}");
}

fn at(offset: Duration) -> String {
    (Utc::now() + offset).to_rfc3339()
}

async fn code_of(resp: reqwest::Response) -> (u16, ErrorCode) {
    let status = resp.status().as_u16();
    (status, resp.json::<ErrorBody>().await.unwrap().error.code)
}

#[tokio::test]
async fn intake_due_at_a_minute_back_to_a_year_ahead() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    let refused = [
        "-0001-06-01T00:00:00Z".to_string(),
        "0001-01-01T00:00:00Z".to_string(),
        at(-Duration::minutes(2)),
        at(Duration::days(400)),
        "+262142-01-01T00:00:00Z".to_string(),
    ];
    for kind in ["scheduled_by_customer", "call_me_back"] {
        for due in &refused {
            let body = json!({"kind": kind, "customer": {"name": "A"}, "due_at": due});
            assert_eq!(
                code_of(s.post(&key, &body).await).await,
                (400, ErrorCode::InvalidDueAt),
                "{kind} {due}"
            );
        }
    }
    // Past chrono's range (JavaScript's largest date, year 275760) is not a time at all.
    let body = json!({"kind": "call_me_back", "customer": {"name": "A"},
                      "due_at": "+275760-09-13T00:00:00.000Z"});
    assert_eq!(
        code_of(s.post(&key, &body).await).await,
        (400, ErrorCode::BadRequest)
    );
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM requests")
        .fetch_one(&s.store().db().pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "a refused due_at writes nothing");

    // Within the grace: counts as now, offered at once, due_at is the intake time.
    let body = json!({"kind": "scheduled_by_customer", "customer": {"name": "Late form"},
                      "due_at": at(-Duration::seconds(20))});
    let resp = s.post(&key, &body).await;
    assert_eq!(resp.status(), 201);
    let r = resp.json::<NewRequestResponse>().await.unwrap().request;
    assert_eq!(r.state, RequestState::Pending);
    assert_eq!(r.due_at, Some(r.created_at));
    let event = ana.next_event().await.unwrap();
    assert!(
        matches!(&event, Event::Offered { request } if request.id == r.id),
        "{event:?}"
    );

    // Ahead within the year: scheduled.
    let body = json!({"kind": "call_me_back", "customer": {"name": "Next month"},
                      "due_at": at(Duration::days(30))});
    let resp = s.post(&key, &body).await;
    assert_eq!(resp.status(), 201);
    let r = resp.json::<NewRequestResponse>().await.unwrap().request;
    assert_eq!(r.state, RequestState::Scheduled);
    let event = ana.next_event().await.unwrap();
    assert!(
        matches!(&event, Event::Scheduled { request } if request.id == r.id),
        "{event:?}"
    );
}

#[tokio::test]
async fn schedule_due_at_a_minute_back_to_a_year_ahead() {
    let s = TestServer::start().await;
    s.team("Support", 120).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    for due_in in [
        -Duration::minutes(2),
        Duration::days(400),
        -Duration::days(365 * 2030),
    ] {
        let r = schedule(&mut ana, "Bo", None, due_in).await;
        assert_eq!(
            error_code(&r),
            Some(ErrorCode::InvalidDueAt),
            "{due_in} {r:?}"
        );
    }
    // Within the grace the frame no longer refuses it: booked for now and offered at once.
    let r = schedule(&mut ana, "Just now", None, -Duration::seconds(20)).await;
    let ServerFrame::Reply(Reply {
        request: Some(id), ..
    }) = r
    else {
        panic!("{r:?}")
    };
    let event = ana.next_event().await.unwrap();
    match &event {
        Event::Offered { request } => {
            assert_eq!(request.id, id);
            assert_eq!(request.due_at, Some(request.created_at));
        }
        other => panic!("expected an offer, got {other:?}"),
    }
}

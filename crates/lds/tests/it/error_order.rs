//! Which error wins when several apply to one command (docs/protocol.md §2.3, "Which error
//! wins"): busy before not found before the request's state before the agent's own rejection;
//! and the answers to rejecting twice, rejecting a call not yet due, and rejecting a taken one.

use chrono::{Duration, Utc};
use headsup_protocol::lds::{
    ClientFrame, ErrorFrame, Event, NewRequestResponse, Reply, ServerFrame,
};
use headsup_protocol::model::{Customer, Request};
use headsup_protocol::{ErrorCode, RequestId, SessionId};
use headsup_testkit::lds::{AgentConn, TestServer};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

fn error_code(frame: &ServerFrame) -> Option<ErrorCode> {
    match frame {
        ServerFrame::Error(ErrorFrame { code, .. }) => Some(*code),
        _ => None,
    }
}

fn is_reply(frame: &ServerFrame) -> bool {
    matches!(frame, ServerFrame::Reply(Reply { .. }))
}

async fn reject(agent: &mut AgentConn, request: RequestId) -> ServerFrame {
    agent
        .command(|cid| ClientFrame::Reject { cid, request })
        .await
        .unwrap()
}

async fn attend_next(agent: &mut AgentConn) -> ServerFrame {
    agent
        .command(|cid| ClientFrame::AttendNext { cid })
        .await
        .unwrap()
}

async fn end_session(agent: &mut AgentConn, session: SessionId) -> ServerFrame {
    agent
        .command(|cid| ClientFrame::EndSession { cid, session })
        .await
        .unwrap()
}

/// A customer-scheduled call due in `secs` seconds.
async fn scheduled(s: &TestServer, key: &str, name: &str, secs: i64) -> Request {
    let body = json!({"kind": "scheduled_by_customer", "customer": {"name": name},
                      "due_at": (Utc::now() + Duration::seconds(secs)).to_rfc3339()});
    let resp = s.post(key, &body).await;
    assert_eq!(resp.status(), 201);
    resp.json::<NewRequestResponse>().await.unwrap().request
}

/// A call the agent books for themselves, due in an hour.
async fn booked(agent: &mut AgentConn) -> RequestId {
    let due = (Utc::now() + Duration::hours(1)).fixed_offset();
    match agent
        .command(|cid| ClientFrame::Schedule {
            cid,
            customer: Customer {
                name: Some("Mine".into()),
                phone: None,
            },
            due_at: due,
        })
        .await
        .unwrap()
    {
        ServerFrame::Reply(Reply {
            request: Some(id), ..
        }) => id,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn busy_wins_over_everything_but_a_malformed_frame() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, other_key) = s.team("Sales", 120).await;
    let (_, ana_token) = s.agent("Support", "Ana").await;
    let (_, bo_token) = s.agent("Support", "Bo").await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;

    let first = s.call_now(&key, "First").await;
    let session = ana.accept_session(first.id).await;
    // Busy with nothing pending: `busy`, not `nothing_pending`.
    let r = attend_next(&mut ana).await;
    assert_eq!(error_code(&r), Some(ErrorCode::Busy), "{r:?}");

    let taken = s.call_now(&key, "Taken").await;
    bo.accept_session(taken.id).await;
    let foreign = s.call_now(&other_key, "Other team").await;
    let not_due = scheduled(&s, &key, "Later", 3600).await;
    let cancelled = s.call_now(&key, "Gone").await;
    assert_eq!(s.cancel(&key, cancelled.id).await.status(), 200);
    for (what, id) in [
        ("no such request", RequestId(424_242)),
        ("another team's", foreign.id),
        ("taken by Bo", taken.id),
        ("not due yet", not_due.id),
        ("cancelled", cancelled.id),
    ] {
        let r = ana.accept(id).await;
        assert_eq!(
            error_code(&r),
            Some(ErrorCode::Busy),
            "accept {what}: {r:?}"
        );
    }
    // A malformed frame is refused as such whatever the agent's state.
    let no_request = json!({"type": "accept", "cid": 99}).to_string();
    ana.send_raw(Message::Text(no_request.into()))
        .await
        .unwrap();
    let r = ana.answer(99).await.unwrap();
    assert_eq!(error_code(&r), Some(ErrorCode::MalformedFrame), "{r:?}");

    // Free again: the same accepts now say why the request itself cannot be taken.
    assert!(is_reply(&end_session(&mut ana, session).await));
    let r = attend_next(&mut ana).await;
    assert_eq!(error_code(&r), Some(ErrorCode::NothingPending), "{r:?}");
    for (what, id, code) in [
        ("no such request", RequestId(424_242), ErrorCode::NotFound),
        ("another team's", foreign.id, ErrorCode::NotFound),
        ("taken by Bo", taken.id, ErrorCode::AlreadyTaken),
        ("not due yet", not_due.id, ErrorCode::NotPending),
        ("cancelled", cancelled.id, ErrorCode::NotPending),
    ] {
        let r = ana.accept(id).await;
        assert_eq!(error_code(&r), Some(code), "accept {what}: {r:?}");
    }
}

#[tokio::test]
async fn another_agents_booked_call_is_not_found_for_accept_and_reject_alike() {
    let s = TestServer::start().await;
    s.team("Support", 120).await;
    let (_, ana_token) = s.agent("Support", "Ana").await;
    let (_, bo_token) = s.agent("Support", "Bo").await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    let bos = booked(&mut bo).await;
    let r = ana.accept(bos).await;
    assert_eq!(error_code(&r), Some(ErrorCode::NotFound), "{r:?}");
    let r = reject(&mut ana, bos).await;
    assert_eq!(error_code(&r), Some(ErrorCode::NotFound), "{r:?}");
}

#[tokio::test]
async fn state_wins_over_the_agents_own_rejection() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, ana_token) = s.agent("Support", "Ana").await;
    let (_, bo_token) = s.agent("Support", "Bo").await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    let r1 = s.call_now(&key, "One").await;
    assert!(is_reply(&reject(&mut ana, r1.id).await));
    let r = ana.accept(r1.id).await;
    assert_eq!(error_code(&r), Some(ErrorCode::NotOffered), "{r:?}");
    bo.accept_session(r1.id).await;
    let r = ana.accept(r1.id).await;
    assert_eq!(error_code(&r), Some(ErrorCode::AlreadyTaken), "{r:?}");
}

#[tokio::test]
async fn reject_edge_cases() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, ana_token) = s.agent("Support", "Ana").await;
    let (_, bo_token) = s.agent("Support", "Bo").await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;

    // Taken by someone else: `already_taken`.
    let early = s.call_now(&key, "Early").await;
    let bo_early = bo.accept_session(early.id).await;
    assert!(is_reply(&end_session(&mut bo, bo_early).await));
    assert!(matches!(
        ana.next_event().await.unwrap(),
        Event::Offered { .. }
    ));
    assert!(matches!(
        ana.next_event().await.unwrap(),
        Event::Taken { .. }
    ));
    let r = reject(&mut ana, early.id).await;
    assert_eq!(error_code(&r), Some(ErrorCode::AlreadyTaken), "{r:?}");

    // Twice: both succeed, one `rejected` event.
    let twice = s.call_now(&key, "Twice").await;
    ana.wait_event(|e| matches!(e, Event::Offered { request } if request.id == twice.id))
        .await
        .unwrap();
    assert!(is_reply(&reject(&mut ana, twice.id).await));
    assert!(is_reply(&reject(&mut ana, twice.id).await));
    assert_eq!(
        ana.next_event().await.unwrap(),
        Event::Rejected { request: twice.id }
    );
    let marker = s.call_now(&key, "Marker").await;
    let e = ana.next_event().await.unwrap();
    assert!(
        matches!(&e, Event::Offered { request } if request.id == marker.id),
        "a second rejected event: {e:?}"
    );

    // A repeat of a reject made before the request was taken still succeeds (a retry after a
    // lost reply), writing nothing.
    bo.accept_session(twice.id).await;
    assert!(is_reply(&reject(&mut ana, twice.id).await));
    let bo_session = bo.accept(marker.id).await;
    assert_eq!(error_code(&bo_session), Some(ErrorCode::Busy));
    let mine = ana.accept_session(marker.id).await;
    let while_busy = s.call_now(&key, "While busy").await;
    // Busy agents may reject; a request taken by the agent themselves is `already_taken` too.
    assert!(is_reply(&reject(&mut ana, while_busy.id).await));
    let r = reject(&mut ana, marker.id).await;
    assert_eq!(error_code(&r), Some(ErrorCode::AlreadyTaken), "{r:?}");
    assert!(is_reply(&end_session(&mut ana, mine).await));
    assert!(
        is_reply(&end_session(&mut ana, mine).await),
        "ending twice succeeds"
    );

    // Closed: cancelled or timed out is `not_pending`; no such request, `not_found`.
    let gone = s.call_now(&key, "Gone").await;
    s.cancel(&key, gone.id).await;
    let r = reject(&mut ana, gone.id).await;
    assert_eq!(error_code(&r), Some(ErrorCode::NotPending), "{r:?}");
    let r = reject(&mut ana, RequestId(424_242)).await;
    assert_eq!(error_code(&r), Some(ErrorCode::NotFound), "{r:?}");
    let r = end_session(&mut bo, mine).await;
    assert_eq!(
        error_code(&r),
        Some(ErrorCode::NotFound),
        "another agent's session"
    );
}

#[tokio::test]
async fn a_scheduled_call_rejected_before_it_is_due_goes_to_the_others() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, ana_token) = s.agent("Support", "Ana").await;
    let (_, bo_token) = s.agent("Support", "Bo").await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    let later = scheduled(&s, &key, "Later", 2).await;
    assert!(matches!(
        ana.next_event().await.unwrap(),
        Event::Scheduled { .. }
    ));
    assert!(is_reply(&reject(&mut ana, later.id).await));
    assert_eq!(
        ana.next_event().await.unwrap(),
        Event::Rejected { request: later.id }
    );
    bo.wait_event(|e| matches!(e, Event::Offered { request } if request.id == later.id))
        .await
        .unwrap();
    // Ana was not offered it when it came due: her next event is the marker's.
    let marker = s.call_now(&key, "Marker").await;
    let e = ana.next_event().await.unwrap();
    assert!(
        matches!(&e, Event::Offered { request } if request.id == marker.id),
        "{e:?}"
    );
}

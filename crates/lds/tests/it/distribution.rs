//! Distribution as the seeds describe it: offers to the whole team, first accept wins, the others
//! told "taken" on every device, reject, attend next, busy, free again, sessions and legs.

use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame, Snapshot};
use headsup_protocol::model::{Customer, LegState, RequestKind, RequestState, SessionState};
use headsup_protocol::ErrorCode;
use headsup_testkit::lds::TestServer;
use serde_json::json;

fn error_code(f: &ServerFrame) -> Option<ErrorCode> {
    match f {
        ServerFrame::Error(ErrorFrame { code, .. }) => Some(*code),
        _ => None,
    }
}

#[tokio::test]
async fn first_accept_wins_and_every_device_of_the_others_hears_taken() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (ana, ana_token) = s.agent("Support", "Ana").await;
    let (_bo, bo_token) = s.agent("Support", "Bo").await;
    let mut ana1 = s.connect(&ana_token, None).await;
    let mut bo_laptop = s.connect(&bo_token, None).await;
    let mut bo_phone = s.connect(&bo_token, None).await;

    let request = s.call_now(&key, "Maria Lopez").await;
    for conn in [&mut ana1, &mut bo_laptop, &mut bo_phone] {
        match conn.next_event().await.unwrap() {
            Event::Offered { request: r } => {
                assert_eq!(r.id, request.id);
                assert_eq!(r.customer.label(), "Maria Lopez");
                assert_eq!(r.state, RequestState::Pending);
            }
            other => panic!("expected offered, got {other:?}"),
        }
    }

    let reply = ana1.accept(request.id).await;
    let ServerFrame::Reply(Reply { session, .. }) = reply else {
        panic!("accept refused: {reply:?}")
    };
    let Event::Assigned {
        session: assigned, ..
    } = ana1
        .wait_event(|e| matches!(e, Event::Assigned { .. }))
        .await
        .unwrap()
    else {
        unreachable!()
    };
    assert_eq!(Some(assigned.id), session);
    assert_eq!(assigned.state, SessionState::Connecting);

    for conn in [&mut bo_laptop, &mut bo_phone] {
        match conn.next_event().await.unwrap() {
            Event::Taken { request: r, by } => {
                assert_eq!(r, request.id);
                assert_eq!(by.id, ana.id);
                assert_eq!(by.name, "Ana");
            }
            other => panic!("expected taken, got {other:?}"),
        }
    }
    let late = bo_phone.accept(request.id).await;
    assert_eq!(error_code(&late), Some(ErrorCode::AlreadyTaken));
}

#[tokio::test]
async fn reject_keeps_the_request_with_the_others_and_attend_next_takes_the_oldest() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, ana_token) = s.agent("Support", "Ana").await;
    let (_, bo_token) = s.agent("Support", "Bo").await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;

    let first = s.call_now(&key, "First").await;
    let second = s.call_now(&key, "Second").await;
    for _ in 0..2 {
        ana.next_event().await.unwrap();
        bo.next_event().await.unwrap();
    }
    let r = ana
        .command(|cid| ClientFrame::Reject {
            cid,
            request: first.id,
        })
        .await
        .unwrap();
    assert!(matches!(r, ServerFrame::Reply(Reply { .. })), "{r:?}");
    assert_eq!(
        ana.next_event().await.unwrap(),
        Event::Rejected { request: first.id }
    );
    // Rejected: Ana may not take it, and "attend next" skips it for her.
    let again = ana.accept(first.id).await;
    assert_eq!(error_code(&again), Some(ErrorCode::NotOffered));
    let next = ana
        .command(|cid| ClientFrame::AttendNext { cid })
        .await
        .unwrap();
    assert!(
        matches!(next, ServerFrame::Reply(Reply { request: Some(id), .. }) if id == second.id),
        "{next:?}"
    );
    // Bo never rejected the first: attend next gives him the oldest, the first.
    let next = bo
        .command(|cid| ClientFrame::AttendNext { cid })
        .await
        .unwrap();
    assert!(
        matches!(next, ServerFrame::Reply(Reply { request: Some(id), .. }) if id == first.id),
        "{next:?}"
    );
    // A reconnecting Ana does not see the request she rejected.
    let fresh = s.connect(&ana_token, None).await;
    drop(fresh);
    let (_, carla_token) = s.agent("Support", "Carla").await;
    let mut carla = s.connect(&carla_token, None).await;
    let nothing = carla
        .command(|cid| ClientFrame::AttendNext { cid })
        .await
        .unwrap();
    assert_eq!(error_code(&nothing), Some(ErrorCode::NothingPending));
}

#[tokio::test]
async fn busy_agents_are_refused_and_get_held_back_offers_when_free() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, ana_token) = s.agent("Support", "Ana").await;
    let mut ana = s.connect(&ana_token, None).await;

    let first = s.call_now(&key, "First").await;
    ana.next_event().await.unwrap();
    let session = ana.accept_session(first.id).await;
    ana.wait_event(|e| matches!(e, Event::Assigned { .. }))
        .await
        .unwrap();

    // While busy: a call-now request is still offered (the team sees it waiting) but cannot be
    // accepted; an inbound call is not offered at all.
    let second = s.call_now(&key, "Second").await;
    assert!(
        matches!(ana.next_event().await.unwrap(), Event::Offered { request } if request.id == second.id)
    );
    let refused = ana.accept(second.id).await;
    assert_eq!(error_code(&refused), Some(ErrorCode::Busy));
    let inbound = s
        .post(
            &key,
            &json!({"kind": "inbound_call", "customer": {"phone": "+1 555 0100"}}),
        )
        .await;
    assert_eq!(inbound.status(), 201);
    let inbound: headsup_protocol::lds::NewRequestResponse = inbound.json().await.unwrap();
    let chat = s
        .post(
            &key,
            &json!({"kind": "chat_inbound", "customer": {"name": "Chatty"}}),
        )
        .await;
    assert_eq!(chat.status(), 201);
    let chat: headsup_protocol::lds::NewRequestResponse = chat.json().await.unwrap();

    // Legs answered through the telephony simulator bridge the session.
    for leg in ["agent", "customer"] {
        let r = headsup_testkit::lds::http()
            .post(format!(
                "{}/api/v1/sim/sessions/{}/legs/{leg}",
                s.base, session
            ))
            .bearer_auth(&key)
            .json(&json!({"state": "answered"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let mut bridged = false;
    while !bridged {
        match ana.next_event().await.unwrap() {
            Event::SessionUpdated { session: s } => bridged = s.state == SessionState::Bridged,
            other => panic!("unexpected while bridging: {other:?}"),
        }
    }

    // Ending the session frees Ana. The requests held back are offered BEFORE the session is
    // reported ended, so her client, still busy when they arrive, keeps them quiet and raises one
    // catch-up summary on `ended` instead of one alert each. The support client checks the seqs
    // are consecutive, so all of it came from one transaction with nothing in between.
    let end = ana
        .command(|cid| ClientFrame::EndSession { cid, session })
        .await
        .unwrap();
    assert!(matches!(end, ServerFrame::Reply(Reply { .. })), "{end:?}");
    match ana.next_event().await.unwrap() {
        Event::Offered { request } => {
            assert_eq!(request.id, inbound.request.id);
            assert_eq!(request.kind, RequestKind::InboundCall);
            assert_eq!(request.customer.label(), "+1 555 0100");
        }
        other => panic!("expected the held-back inbound call first, got {other:?}"),
    }
    match ana.next_event().await.unwrap() {
        Event::Offered { request } => {
            assert_eq!(request.id, chat.request.id);
            assert_eq!(request.kind, RequestKind::ChatInbound);
        }
        other => panic!("expected the held-back chat next, got {other:?}"),
    }
    match ana.next_event().await.unwrap() {
        Event::SessionUpdated { session: s } => {
            assert_eq!(s.state, SessionState::Ended);
            assert_eq!(s.agent_leg, LegState::HungUp);
        }
        other => panic!("expected the session to end after the offers, got {other:?}"),
    }
    // The session really is over on the server too: the call-now request refused while busy
    // (offered then, so not re-offered above) can be taken now.
    let again = ana.accept(second.id).await;
    assert!(
        matches!(again, ServerFrame::Reply(Reply { .. })),
        "free again, Ana can take the call-now request: {again:?}"
    );
}

#[tokio::test]
async fn unanswered_requests_time_out_and_stay_visible_and_missed_calls_are_called_back() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 1).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    let request = s.call_now(&key, "Slow").await;
    ana.next_event().await.unwrap();
    assert_eq!(
        ana.next_event().await.unwrap(),
        Event::TimedOut {
            request: request.id
        }
    );
    match ana.next_event().await.unwrap() {
        Event::Scheduled { request: cb } => {
            assert_eq!(cb.kind, RequestKind::CallMeBack);
            assert_eq!(cb.customer.name.as_deref(), Some("Slow"));
        }
        other => panic!("expected the auto-scheduled call back, got {other:?}"),
    }
    // A fresh device sees it in the snapshot, as timed out.
    let snap = snapshot_of(&s, &token).await;
    assert!(snap
        .iter()
        .any(|r| r.id == request.id && r.state == RequestState::TimedOut));
}

async fn snapshot_of(s: &TestServer, token: &str) -> Vec<headsup_protocol::model::Request> {
    let (mut ws, _) = tokio_tungstenite::connect_async(&s.ws_url).await.unwrap();
    use futures_util::{SinkExt, StreamExt};
    let hello = json!({"type": "hello", "token": token, "device": "t", "protocol": 1});
    ws.send(tokio_tungstenite::tungstenite::Message::Text(
        hello.to_string().into(),
    ))
    .await
    .unwrap();
    let _welcome = ws.next().await.unwrap().unwrap();
    let snap = ws.next().await.unwrap().unwrap();
    match serde_json::from_str::<ServerFrame>(snap.to_text().unwrap()).unwrap() {
        ServerFrame::Snapshot(Snapshot { requests, .. }) => requests,
        other => panic!("expected snapshot, got {other:?}"),
    }
}

#[tokio::test]
async fn scheduled_calls_come_due_for_the_agent_who_booked_them() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, ana_token) = s.agent("Support", "Ana").await;
    let (_, bo_token) = s.agent("Support", "Bo").await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    // Booked in a zone with DST; stored and sent in UTC.
    let due = (chrono::Utc::now() + chrono::Duration::seconds(1))
        .with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap());
    let reply = ana
        .command(|cid| ClientFrame::Schedule {
            cid,
            customer: Customer {
                name: Some("Call me later".into()),
                phone: None,
            },
            due_at: due,
        })
        .await
        .unwrap();
    let ServerFrame::Reply(Reply {
        request: Some(id), ..
    }) = reply
    else {
        panic!("{reply:?}")
    };
    match ana.next_event().await.unwrap() {
        Event::Scheduled { request } => {
            assert_eq!(request.id, id);
            assert_eq!(request.due_at.unwrap().timestamp(), due.timestamp());
            assert_eq!(request.state, RequestState::Scheduled);
        }
        other => panic!("{other:?}"),
    }
    match ana.next_event().await.unwrap() {
        Event::Offered { request } => assert_eq!(request.id, id),
        other => panic!("{other:?}"),
    }
    // Bo was never told: the call is Ana's. A customer-scheduled call goes to the whole team.
    let body = json!({"kind": "scheduled_by_customer", "customer": {"name": "Team call"},
                      "due_at": (chrono::Utc::now() + chrono::Duration::seconds(1)).to_rfc3339()});
    assert_eq!(s.post(&key, &body).await.status(), 201);
    for conn in [&mut ana, &mut bo] {
        assert!(matches!(
            conn.next_event().await.unwrap(),
            Event::Scheduled { .. }
        ));
        assert!(
            matches!(conn.next_event().await.unwrap(), Event::Offered { request } if request.kind == RequestKind::ScheduledByCustomer)
        );
    }
}

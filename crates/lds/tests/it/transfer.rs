//! Transfers: an agent in a session hands the customer to a colleague or a queue. The target is
//! offered a `transfer` request until its timeout; the owner keeps the customer meanwhile and is
//! told "waiting", then "taken by Bo" (their session ends) or "came back" (it goes on).

use chrono::{Duration, Utc};
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame};
use headsup_protocol::model::{
    Availability, LegState, Request, RequestKind, Session, SessionState, TransferOutcome,
    TransferTarget,
};
use headsup_protocol::{AgentId, ErrorCode, RequestId, SessionId};
use headsup_testkit::lds::{AgentConn, TestServer};
use lds::admin::queues;

fn refused(frame: &ServerFrame) -> Option<ErrorCode> {
    match frame {
        ServerFrame::Error(ErrorFrame { code, .. }) => Some(*code),
        _ => None,
    }
}

/// `who` takes a new call-now customer; returns the session.
async fn in_session(s: &TestServer, key: &str, who: &mut AgentConn, name: &str) -> SessionId {
    let request = s.call_now(key, name).await;
    who.wait_event(|e| matches!(e, Event::Offered { request: r } if r.id == request.id))
        .await
        .unwrap();
    who.accept_session(request.id).await
}

async fn transfer(
    from: &mut AgentConn,
    session: SessionId,
    to: TransferTarget,
    timeout_secs: Option<u32>,
) -> ServerFrame {
    from.command(|cid| ClientFrame::Transfer {
        cid,
        session,
        to,
        timeout_secs,
    })
    .await
    .unwrap()
}

/// Transfers, which must be accepted; returns the `transfer` request's id.
async fn transfer_ok(from: &mut AgentConn, session: SessionId, to: TransferTarget) -> RequestId {
    match transfer(from, session, to, None).await {
        ServerFrame::Reply(Reply {
            request: Some(id), ..
        }) => id,
        other => panic!("transfer refused: {other:?}"),
    }
}

async fn offered(conn: &mut AgentConn, id: RequestId) -> Request {
    match conn
        .wait_event(|e| matches!(e, Event::Offered { request } if request.id == id))
        .await
        .unwrap()
    {
        Event::Offered { request } => request,
        _ => unreachable!(),
    }
}

/// The owner's next session update that says something of the transfer's outcome.
async fn owner_hears(conn: &mut AgentConn, want: impl Fn(&Session) -> bool) -> Session {
    match conn
        .wait_event(|e| matches!(e, Event::SessionUpdated { session } if want(session)))
        .await
        .unwrap()
    {
        Event::SessionUpdated { session } => session,
        _ => unreachable!(),
    }
}

/// Ana in a session with Maria, and Bo signed in: where most transfers start.
struct AnaInSession {
    s: TestServer,
    ana: AgentConn,
    bo: AgentConn,
    bo_id: AgentId,
    session: SessionId,
}

async fn ana_in_session() -> AnaInSession {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    let (_, ana_token) = s.agent("Desk", "Ana").await;
    let (bo_info, bo_token) = s.agent("Desk", "Bo").await;
    let mut ana = s.connect(&ana_token, None).await;
    let bo = s.connect(&bo_token, None).await;
    let session = in_session(&s, &key, &mut ana, "Maria").await;
    AnaInSession {
        s,
        ana,
        bo,
        bo_id: bo_info.id,
        session,
    }
}

fn outcome(s: &Session) -> Option<&TransferOutcome> {
    s.transfer.as_ref().map(|t| &t.outcome)
}

#[tokio::test]
async fn a_colleague_takes_a_transfer_and_the_owner_session_ends() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    let (ana_info, ana_token) = s.agent("Desk", "Ana").await;
    let (bo_info, bo_token) = s.agent("Desk", "Bo").await;
    let (_, cy_token) = s.agent("Desk", "Cy").await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    let mut cy = s.connect(&cy_token, None).await;
    let session = in_session(&s, &key, &mut ana, "Maria Lopez").await;

    let before = Utc::now();
    let id = transfer_ok(&mut ana, session, TransferTarget::Agent(bo_info.id)).await;
    let waiting = owner_hears(&mut ana, |s| outcome(s) == Some(&TransferOutcome::Waiting)).await;
    let t = waiting.transfer.as_ref().unwrap();
    assert_eq!((t.request, t.to.as_str()), (id, "Bo"));
    assert!(t.until >= before + Duration::seconds(299), "default 300 s");
    assert_eq!(waiting.state, SessionState::Connecting, "Ana keeps Maria");

    let offer = offered(&mut bo, id).await;
    assert_eq!(offer.kind, RequestKind::Transfer);
    assert_eq!(offer.customer.name.as_deref(), Some("Maria Lopez"));
    assert_eq!(
        offer.transfer_from.as_ref().map(|a| a.id),
        Some(ana_info.id)
    );
    assert_eq!(offer.expires_at, Some(t.until));

    let bo_session = bo.accept_session(id).await;
    let ended = owner_hears(&mut ana, |s| s.state == SessionState::Ended).await;
    assert_eq!(
        outcome(&ended),
        Some(&TransferOutcome::Taken {
            by: headsup_protocol::model::AgentRef {
                id: bo_info.id,
                name: "Bo".into()
            }
        })
    );
    assert_eq!(ended.agent_leg, LegState::HungUp);
    assert_eq!(
        ended.customer_leg,
        LegState::Ringing,
        "handed over, not hung up"
    );
    assert_ne!(bo_session, session);

    // Reserved for Bo: Cy heard nothing of it, up to a later customer's offer.
    let later = s.call_now(&key, "Later").await;
    loop {
        let event = cy.next_event().await.unwrap();
        assert_ne!(
            event.request_id(),
            Some(id),
            "Cy heard of the transfer: {event:?}"
        );
        if matches!(&event, Event::Offered { request } if request.id == later.id) {
            break;
        }
    }
}

#[tokio::test]
async fn a_transfer_to_a_queue_goes_to_its_available_members() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    let db = s.server.db();
    queues::add_queue(db, "Desk", "Billing", None, false)
        .await
        .unwrap();
    let (_, ana_token) = s.agent("Desk", "Ana").await;
    let (bo_info, bo_token) = s.agent("Desk", "Bo").await;
    let (_, cy_token) = s.agent("Desk", "Cy").await;
    for who in ["bo", "cy"] {
        queues::set_member(db, "Desk", "Billing", &format!("{who}@test.example"), true)
            .await
            .unwrap();
    }
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    let mut cy = s.connect(&cy_token, None).await;
    // Cy is on a break: not offered it.
    assert_eq!(
        refused(&cy.set_status(Availability::NotReady, Some("break")).await),
        None
    );
    let session = in_session(&s, &key, &mut ana, "Maria").await;
    let id = transfer_ok(&mut ana, session, TransferTarget::Queue("Billing".into())).await;
    let waiting = owner_hears(&mut ana, |s| outcome(s) == Some(&TransferOutcome::Waiting)).await;
    assert_eq!(waiting.transfer.unwrap().to, "Billing");
    offered(&mut bo, id).await;
    // Cy becomes available: offered what waits, the transfer included.
    assert_eq!(
        refused(&cy.set_status(Availability::Available, None).await),
        None
    );
    offered(&mut cy, id).await;
    bo.accept_session(id).await;
    assert_eq!(refused(&cy.accept(id).await), Some(ErrorCode::AlreadyTaken));
    let ended = owner_hears(&mut ana, |s| s.state == SessionState::Ended).await;
    assert!(matches!(outcome(&ended), Some(TransferOutcome::Taken { by }) if by.id == bo_info.id));
}

#[tokio::test]
async fn a_transfer_nobody_takes_comes_back_to_the_owner() {
    let AnaInSession {
        s,
        mut ana,
        mut bo,
        bo_id,
        session,
    } = ana_in_session().await;
    let frame = transfer(&mut ana, session, TransferTarget::Agent(bo_id), Some(10)).await;
    let ServerFrame::Reply(Reply {
        request: Some(id), ..
    }) = frame
    else {
        panic!("refused: {frame:?}");
    };
    offered(&mut bo, id).await;
    let timed_out = s
        .store()
        .time_out_offers(Utc::now() + Duration::seconds(11))
        .await
        .unwrap();
    assert_eq!(timed_out, 1);
    bo.wait_event(|e| matches!(e, Event::TimedOut { request } if *request == id))
        .await
        .unwrap();
    let back = owner_hears(&mut ana, |s| outcome(s) == Some(&TransferOutcome::CameBack)).await;
    assert_ne!(back.state, SessionState::Ended, "the session goes on");
    assert_eq!(refused(&bo.accept(id).await), Some(ErrorCode::NotPending));
    // And may be transferred again, for as long as the team's admins say by default.
    queues::set_transfer_timeout(s.server.db(), "Desk", 60)
        .await
        .unwrap();
    let before = Utc::now();
    let again = transfer_ok(&mut ana, session, TransferTarget::Agent(bo_id)).await;
    assert_ne!(again, id);
    let offer = offered(&mut bo, again).await;
    let until = offer.expires_at.unwrap();
    assert!(until >= before + Duration::seconds(59) && until <= Utc::now() + Duration::seconds(61));
}

#[tokio::test]
async fn ending_the_session_withdraws_its_transfer() {
    let AnaInSession {
        s: _server,
        mut ana,
        mut bo,
        bo_id,
        session,
    } = ana_in_session().await;
    let id = transfer_ok(&mut ana, session, TransferTarget::Agent(bo_id)).await;
    offered(&mut bo, id).await;
    let end = ana
        .command(|cid| ClientFrame::EndSession { cid, session })
        .await
        .unwrap();
    assert_eq!(refused(&end), None);
    bo.wait_event(|e| matches!(e, Event::Cancelled { request } if *request == id))
        .await
        .unwrap();
    assert_eq!(refused(&bo.accept(id).await), Some(ErrorCode::NotPending));
}

async fn add_chat_only_queue(s: &TestServer, name: &str) {
    let db = s.server.db();
    queues::add_queue(db, "Desk", name, None, false)
        .await
        .unwrap();
    let chat_only = queues::QueueSettings {
        channels: Some(queues::Channels {
            voice: false,
            chat: true,
        }),
        ..Default::default()
    };
    queues::set_queue(db, "Desk", name, chat_only)
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_transfers_are_refused_with_their_codes() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    s.team("Other", 3600).await;
    let (ana_info, ana_token) = s.agent("Desk", "Ana").await;
    let (bo_info, bo_token) = s.agent("Desk", "Bo").await;
    let (stranger, _) = s.agent("Other", "Stranger").await;
    s.agent_with_password("Desk", "Offline", "a long password")
        .await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    add_chat_only_queue(&s, "Web chat").await;
    let session = in_session(&s, &key, &mut ana, "Maria").await;

    let offline = lds::admin::agent_by_email(s.server.db(), "offline@test.example")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let cases = [
        (
            TransferTarget::Agent(ana_info.id),
            None,
            ErrorCode::BadRequest,
        ),
        (
            TransferTarget::Agent(stranger.id),
            None,
            ErrorCode::NotFound,
        ),
        (
            TransferTarget::Agent(offline),
            None,
            ErrorCode::AgentOffline,
        ),
        (
            TransferTarget::Queue("Nope".into()),
            None,
            ErrorCode::UnknownQueue,
        ),
        (
            TransferTarget::Queue("Web chat".into()),
            None,
            ErrorCode::ChannelNotServed,
        ),
        (
            TransferTarget::Agent(bo_info.id),
            Some(5),
            ErrorCode::BadRequest,
        ),
        (
            TransferTarget::Agent(bo_info.id),
            Some(3601),
            ErrorCode::BadRequest,
        ),
    ];
    for (to, timeout, code) in cases {
        let answer = transfer(&mut ana, session, to.clone(), timeout).await;
        assert_eq!(refused(&answer), Some(code), "{to:?} {timeout:?}");
    }
    // Someone else's session is not found, whoever asks.
    let answer = transfer(&mut bo, session, TransferTarget::Agent(ana_info.id), None).await;
    assert_eq!(refused(&answer), Some(ErrorCode::NotFound));
    transfer_ok(&mut ana, session, TransferTarget::Agent(bo_info.id)).await;
    let answer = transfer(
        &mut ana,
        session,
        TransferTarget::Queue("default".into()),
        None,
    )
    .await;
    assert_eq!(refused(&answer), Some(ErrorCode::TransferPending));
}

#[tokio::test]
async fn transfer_targets_are_signed_in_colleagues_and_the_team_queues() {
    let s = TestServer::start().await;
    s.team("Desk", 3600).await;
    queues::add_queue(s.server.db(), "Desk", "Billing", None, false)
        .await
        .unwrap();
    // A queue that takes chats only is no place for a call.
    add_chat_only_queue(&s, "Web chat").await;
    let (_, ana_token) = s.agent("Desk", "Ana").await;
    let (bo_info, bo_token) = s.agent("Desk", "Bo").await;
    s.agent_with_password("Desk", "Offline", "a long password")
        .await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    assert_eq!(
        refused(&bo.set_status(Availability::NotReady, Some("lunch")).await),
        None
    );
    let answer = ana
        .command(|cid| ClientFrame::TransferTargets { cid })
        .await
        .unwrap();
    let ServerFrame::Reply(Reply {
        transfer_targets: Some(targets),
        ..
    }) = answer
    else {
        panic!("no targets: {answer:?}");
    };
    let agents: Vec<_> = targets
        .agents
        .iter()
        .map(|c| (c.id, c.availability, c.in_session))
        .collect();
    assert_eq!(agents, vec![(bo_info.id, Availability::NotReady, false)]);
    assert_eq!(
        targets.queues,
        vec!["default".to_string(), "Billing".into()]
    );
}

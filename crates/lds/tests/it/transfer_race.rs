//! Transfer races, 1,000 trials each (`LDS_RACE_TRIALS` to change): two colleagues accepting one
//! transfer, and a transfer timing out while its target accepts it. Every time the customer has
//! exactly one owner, and the first owner is told the one outcome that happened.

use chrono::{Duration, Utc};
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame};
use headsup_protocol::model::{SessionState, TransferOutcome, TransferTarget};
use headsup_protocol::{ErrorCode, RequestId, SessionId};
use headsup_testkit::lds::{AgentConn, TestServer};
use lds::admin::queues;

fn trials() -> usize {
    std::env::var("LDS_RACE_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

/// Ana takes a new customer and transfers them to `to`; returns her session and the transfer.
async fn ana_transfers(
    s: &TestServer,
    key: &str,
    ana: &mut AgentConn,
    to: TransferTarget,
    trial: usize,
) -> (SessionId, RequestId) {
    let request = s.call_now(key, &format!("Customer {trial}")).await;
    ana.wait_event(|e| matches!(e, Event::Offered { request: r } if r.id == request.id))
        .await
        .unwrap();
    let session = ana.accept_session(request.id).await;
    let answer = ana
        .command(|cid| ClientFrame::Transfer {
            cid,
            session,
            to,
            timeout_secs: Some(10),
        })
        .await
        .unwrap();
    let ServerFrame::Reply(Reply {
        request: Some(id), ..
    }) = answer
    else {
        panic!("trial {trial}: transfer refused: {answer:?}");
    };
    (session, id)
}

async fn wait_offered(conn: &mut AgentConn, id: RequestId) {
    conn.wait_event(|e| matches!(e, Event::Offered { request } if request.id == id))
        .await
        .unwrap();
}

/// The owner's final word on the transfer: taken (by whom) or came back.
async fn owner_outcome(ana: &mut AgentConn, session: SessionId) -> TransferOutcome {
    let event = ana
        .wait_event(|e| {
            matches!(e, Event::SessionUpdated { session: s } if s.id == session
                && s.transfer.as_ref().is_some_and(|t| t.outcome != TransferOutcome::Waiting))
        })
        .await
        .unwrap();
    let Event::SessionUpdated { session: s } = event else {
        unreachable!()
    };
    let outcome = s.transfer.unwrap().outcome;
    match outcome {
        TransferOutcome::Taken { .. } => assert_eq!(s.state, SessionState::Ended),
        _ => assert_ne!(s.state, SessionState::Ended),
    }
    outcome
}

async fn end(conn: &mut AgentConn, session: SessionId) {
    let answer = conn
        .command(|cid| ClientFrame::EndSession { cid, session })
        .await
        .unwrap();
    assert!(matches!(answer, ServerFrame::Reply(_)), "{answer:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_colleagues_accepting_one_transfer_make_one_owner() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Race", 3600).await;
    let db = s.server.db();
    queues::add_queue(db, "Race", "Billing", None, false)
        .await
        .unwrap();
    let (_, ana_token) = s.agent("Race", "Ana").await;
    let (bo, bo_token) = s.agent("Race", "Bo").await;
    let (cy, cy_token) = s.agent("Race", "Cy").await;
    for who in ["bo", "cy"] {
        queues::set_member(db, "Race", "Billing", &format!("{who}@test.example"), true)
            .await
            .unwrap();
    }
    let mut ana = s.connect(&ana_token, None).await;
    let mut racers = [
        (bo, s.connect(&bo_token, None).await),
        (cy, s.connect(&cy_token, None).await),
    ];
    let mut wins = [0usize; 2];
    for trial in 0..trials() {
        let to = TransferTarget::Queue("Billing".into());
        let (session, id) = ana_transfers(&s, &key, &mut ana, to, trial).await;
        for (_, conn) in racers.iter_mut() {
            wait_offered(conn, id).await;
        }
        let mut cids = Vec::new();
        for (_, conn) in racers.iter_mut() {
            cids.push(
                conn.send_command(|cid| ClientFrame::Accept { cid, request: id })
                    .await
                    .unwrap(),
            );
        }
        let mut winner = None;
        for (i, ((_, conn), cid)) in racers.iter_mut().zip(cids).enumerate() {
            match conn.answer(cid).await.unwrap() {
                ServerFrame::Reply(Reply {
                    session: Some(won), ..
                }) => {
                    assert!(winner.is_none(), "trial {trial}: two winners");
                    winner = Some((i, won));
                }
                ServerFrame::Error(ErrorFrame { code, .. }) => {
                    assert_eq!(code, ErrorCode::AlreadyTaken, "trial {trial}")
                }
                other => panic!("trial {trial}: {other:?}"),
            }
        }
        let (i, won) = winner.unwrap_or_else(|| panic!("trial {trial}: nobody won"));
        wins[i] += 1;
        let TransferOutcome::Taken { by } = owner_outcome(&mut ana, session).await else {
            panic!("trial {trial}: Ana was not told it was taken");
        };
        assert_eq!(
            by.id, racers[i].0.id,
            "trial {trial}: Ana told the wrong taker"
        );
        end(&mut racers[i].1, won).await;
        ana.forget_pending();
        for (_, conn) in racers.iter_mut() {
            conn.forget_pending();
        }
    }
    println!("wins: Bo {} Cy {}", wins[0], wins[1]);
    assert_eq!(wins[0] + wins[1], trials());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_timing_out_while_accepted_has_one_outcome() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Race", 3600).await;
    let (_, ana_token) = s.agent("Race", "Ana").await;
    let (bo, bo_token) = s.agent("Race", "Bo").await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo_conn = s.connect(&bo_token, None).await;
    let probe = s.store();
    let (mut taken, mut came_back) = (0usize, 0usize);
    for trial in 0..trials() {
        let to = TransferTarget::Agent(bo.id);
        let (session, id) = ana_transfers(&s, &key, &mut ana, to, trial).await;
        wait_offered(&mut bo_conn, id).await;
        let cid = bo_conn
            .send_command(|cid| ClientFrame::Accept { cid, request: id })
            .await
            .unwrap();
        let timed_out = probe
            .time_out_offers(Utc::now() + Duration::seconds(11))
            .await
            .unwrap();
        let answer = bo_conn.answer(cid).await.unwrap();
        let outcome = owner_outcome(&mut ana, session).await;
        match (answer, timed_out) {
            (
                ServerFrame::Reply(Reply {
                    session: Some(won), ..
                }),
                0,
            ) => {
                assert!(
                    matches!(&outcome, TransferOutcome::Taken { by } if by.id == bo.id),
                    "trial {trial}: Bo won but Ana heard {outcome:?}"
                );
                taken += 1;
                end(&mut bo_conn, won).await;
            }
            (ServerFrame::Error(ErrorFrame { code, .. }), 1) => {
                assert_eq!(code, ErrorCode::NotPending, "trial {trial}");
                assert_eq!(outcome, TransferOutcome::CameBack, "trial {trial}");
                came_back += 1;
                end(&mut ana, session).await;
            }
            (answer, timed_out) => {
                panic!("trial {trial}: accept {answer:?} and {timed_out} timed out")
            }
        }
        ana.forget_pending();
        bo_conn.forget_pending();
    }
    println!("taken {taken}, came back {came_back}");
    assert_eq!(taken + came_back, trials());
}

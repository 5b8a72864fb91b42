//! The claim race: 2 to 50 agents accept the same request at the same moment, over 1,000 trials
//! (`LDS_RACE_TRIALS` to change). Every time exactly one wins, and every loser is told both by
//! its `already_taken` answer and by a `taken` event naming the winner.

use std::collections::HashMap;

use futures_util::future::join_all;
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame};
use headsup_protocol::ErrorCode;
use headsup_testkit::lds::{AgentConn, TestServer};

const MAX_AGENTS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_one_winner_per_request_over_a_thousand_races() {
    let trials: usize = std::env::var("LDS_RACE_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let s = TestServer::start().await;
    let (_, key) = s.team("Race", 3600).await;
    let mut agents = Vec::new();
    for i in 0..MAX_AGENTS {
        let (info, token) = s.agent("Race", &format!("Agent{i:02}")).await;
        agents.push((info, s.connect(&token, None).await));
    }
    let names: HashMap<_, _> = agents.iter().map(|(a, _)| (a.id, a.name.clone())).collect();

    for trial in 0..trials {
        let racers = 2 + trial % (MAX_AGENTS - 1); // 2..=50, every size many times
        let request = s.call_now(&key, &format!("Customer {trial}")).await;
        // Every agent is free, so every agent is offered it.
        for (_, conn) in agents.iter_mut() {
            let offered = conn
                .wait_event(|e| matches!(e, Event::Offered { request: r } if r.id == request.id))
                .await
                .unwrap();
            assert!(matches!(offered, Event::Offered { .. }));
        }
        // Send every accept first, then collect the answers, so they meet at the server.
        let mut cids = Vec::new();
        for (_, conn) in agents.iter_mut().take(racers) {
            cids.push(
                conn.send_command(|cid| ClientFrame::Accept {
                    cid,
                    request: request.id,
                })
                .await
                .unwrap(),
            );
        }
        let answers = join_all(
            agents
                .iter_mut()
                .take(racers)
                .zip(cids)
                .map(|((_, conn), cid)| conn.answer(cid)),
        )
        .await;
        let mut winners = Vec::new();
        for (i, answer) in answers.into_iter().enumerate() {
            match answer.unwrap() {
                ServerFrame::Reply(Reply {
                    session: Some(session),
                    ..
                }) => winners.push((i, session)),
                ServerFrame::Error(ErrorFrame { code, .. }) => assert_eq!(
                    code,
                    ErrorCode::AlreadyTaken,
                    "trial {trial}: a loser must be told already_taken"
                ),
                other => panic!("trial {trial}: unexpected answer {other:?}"),
            }
        }
        assert_eq!(
            winners.len(),
            1,
            "trial {trial}: exactly one winner of {racers}"
        );
        let (winner, session) = winners[0];
        let winner_id = agents[winner].0.id;
        // Every other agent, racer or not, hears who took it.
        for (i, (_, conn)) in agents.iter_mut().enumerate() {
            if i == winner {
                conn.wait_event(
                    |e| matches!(e, Event::Assigned { request: r, .. } if r.id == request.id),
                )
                .await
                .unwrap();
                continue;
            }
            let taken = conn
                .wait_event(|e| matches!(e, Event::Taken { request: r, .. } if *r == request.id))
                .await
                .unwrap();
            let Event::Taken { by, .. } = taken else {
                unreachable!()
            };
            assert_eq!(by.id, winner_id, "trial {trial}");
            assert_eq!(by.name, names[&winner_id]);
        }
        // Free the winner for the next race.
        let conn: &mut AgentConn = &mut agents[winner].1;
        let end = conn
            .command(|cid| ClientFrame::EndSession { cid, session })
            .await
            .unwrap();
        assert!(matches!(end, ServerFrame::Reply(Reply { .. })), "{end:?}");
        conn.wait_event(|e| matches!(e, Event::SessionUpdated { .. }))
            .await
            .unwrap();
    }
    // The database agrees: one session per request, none open.
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
        .fetch_one(&s.store().db().pool)
        .await
        .unwrap();
    assert_eq!(sessions as usize, trials);
}

//! Two `lds serve` processes on one PostgreSQL database, agents split across them: one winner per
//! request, and "taken" reaches the agents on the other process (LISTEN/NOTIFY).
//! Runs when `LDS_TEST_POSTGRES_URL` is set (`scripts/test-lds-postgres.sh`); SQLite is for one
//! process, so without PostgreSQL there is nothing to test and the test says so.

mod support;

use headsup_protocol::lds::{ClientFrame, Event, ServerFrame};
use support::process::LdsProcess;
use support::AgentConn;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_winner_and_fan_out_taken() {
    if std::env::var("LDS_TEST_POSTGRES_URL").is_err() {
        eprintln!("LDS_TEST_POSTGRES_URL not set: run scripts/test-lds-postgres.sh for this test");
        return;
    }
    let db = support::fresh_db().await;
    let store = lds::db::Db::connect(&db.url).await.unwrap();
    let (_, key) = lds::store::accounts::add_team(&store, "Split", 3600, 600)
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for i in 0..6 {
        let email = format!("a{i}@split.test");
        let id = lds::store::accounts::add_agent(
            &store,
            &lds::store::accounts::NewAgent {
                email: &email,
                name: &format!("Agent {i}"),
                team: "Split",
                password_hash: support::shared_hash(),
                time_zone: "UTC",
            },
        )
        .await
        .unwrap();
        tokens.push(
            lds::store::accounts::issue_token(&store, id, chrono::Duration::hours(1))
                .await
                .unwrap()
                .0,
        );
    }
    let p1 = LdsProcess::serve(&db.url);
    let p2 = LdsProcess::serve(&db.url);
    let (a1, a2) = (&p1.addr, &p2.addr);
    let mut agents = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let addr = if i % 2 == 0 { a1 } else { a2 };
        agents.push(
            AgentConn::connect(&format!("ws://{addr}/api/v1/agent/ws"), token, None)
                .await
                .unwrap(),
        );
    }
    for trial in 0..50 {
        // Intake alternates between the processes too.
        let addr = if trial % 2 == 0 { a1 } else { a2 };
        let r = support::http()
            .post(format!("http://{addr}/api/v1/requests"))
            .bearer_auth(&key)
            .json(
                &serde_json::json!({"kind": "call_now", "customer": {"name": format!("T{trial}")}}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let mut id = None;
        for a in agents.iter_mut() {
            if let Event::Offered { request } = a
                .wait_event(|e| matches!(e, Event::Offered { .. }))
                .await
                .unwrap()
            {
                id = Some(request.id);
            }
        }
        let id = id.unwrap();
        let mut cids = Vec::new();
        for a in agents.iter_mut() {
            cids.push(
                a.send_command(|cid| ClientFrame::Accept { cid, request: id })
                    .await
                    .unwrap(),
            );
        }
        let mut winners = Vec::new();
        for (i, (a, cid)) in agents.iter_mut().zip(cids).enumerate() {
            if let ServerFrame::Reply {
                session: Some(s), ..
            } = a.answer(cid).await.unwrap()
            {
                winners.push((i, s));
            }
        }
        assert_eq!(
            winners.len(),
            1,
            "trial {trial}: one winner across both processes"
        );
        let (w, session) = winners[0];
        for (i, a) in agents.iter_mut().enumerate() {
            if i != w {
                a.wait_event(|e| matches!(e, Event::Taken { request, .. } if *request == id))
                    .await
                    .unwrap();
            }
        }
        agents[w]
            .command(|cid| ClientFrame::EndSession { cid, session })
            .await
            .unwrap();
    }
}

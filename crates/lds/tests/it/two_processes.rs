//! Two `lds serve` processes on one PostgreSQL database, agents split across them: one winner per
//! request, and "taken" reaches the agents on the other process (LISTEN/NOTIFY).
//! Runs when `LDS_TEST_POSTGRES_URL` is set (`scripts/test-lds-postgres.sh`); SQLite is for one
//! process, so without PostgreSQL there is nothing to test and the test says so.

use headsup_protocol::lds::{ClientFrame, Event, EventFrame, Reply, ServerFrame, Welcome};
use headsup_testkit::lds::process::LdsProcess;
use headsup_testkit::lds::AgentConn;

/// A fresh PostgreSQL database with team "Split" (its intake key) and these agents signed in
/// (their tokens); `None`, after saying so, when no PostgreSQL is configured.
async fn split_team(
    names: &[String],
) -> Option<(headsup_testkit::lds::TestDb, String, Vec<String>)> {
    if std::env::var("LDS_TEST_POSTGRES_URL").is_err() {
        eprintln!("LDS_TEST_POSTGRES_URL not set: run scripts/test-lds-postgres.sh for this test");
        return None;
    }
    let db = headsup_testkit::lds::fresh_db().await;
    let store = lds::db::Db::connect(&db.url).await.unwrap();
    let (_, key) = lds::admin::add_team(&store, "Split", 3600, 600)
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for name in names {
        let email = format!("{}@split.test", name.to_lowercase().replace(' ', ""));
        let id = lds::admin::add_agent(
            &store,
            &lds::admin::NewAgent {
                email: &email,
                name,
                team: "Split",
                password_hash: headsup_testkit::lds::shared_hash(),
                time_zone: "UTC",
            },
        )
        .await
        .unwrap();
        let (token, _) = lds::admin::issue_token(&store, id, chrono::Duration::hours(1))
            .await
            .unwrap();
        tokens.push(token);
    }
    Some((db, key, tokens))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_winner_and_fan_out_taken() {
    let names: Vec<String> = (0..6).map(|i| format!("Agent {i}")).collect();
    let Some((db, key, tokens)) = split_team(&names).await else {
        return;
    };
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
        let r = headsup_testkit::lds::http()
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
            if let ServerFrame::Reply(Reply {
                session: Some(s), ..
            }) = a.answer(cid).await.unwrap()
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

/// Reads events until the `offered` for the request of customer `name`, recording each as
/// `(seq, event)`.
async fn record_until_offered(device: &mut AgentConn, name: &str, log: &mut Vec<(u64, Event)>) {
    loop {
        if let ServerFrame::Event(EventFrame { seq, event, .. }) =
            device.next_frame().await.unwrap()
        {
            let done = matches!(&event, Event::Offered { request }
                if request.customer.name.as_deref() == Some(name));
            log.push((seq, event));
            if done {
                return;
            }
        }
    }
}

/// Sequence numbers follow from the log alone: one agent's devices on two processes see the
/// same events under the same numbers, including after one process is killed mid-traffic and
/// started again (it numbers the log's tail again, exactly as the other process did).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_processes_number_an_agents_events_alike_across_a_restart() {
    let Some((db, key, tokens)) = split_team(&["Ana".into(), "Bo".into()]).await else {
        return;
    };
    let (ana, bo_token) = (&tokens[0], &tokens[1]);
    let p1 = LdsProcess::serve(&db.url);
    let mut p2 = LdsProcess::serve(&db.url);
    let mut on_p1 = AgentConn::connect(&p1.ws_url(), ana, None).await.unwrap();
    let mut on_p2 = AgentConn::connect(&p2.ws_url(), ana, None).await.unwrap();
    let mut bo = AgentConn::connect(&p1.ws_url(), bo_token, None)
        .await
        .unwrap();
    let (mut log1, mut log2) = (Vec::new(), Vec::new());
    for trial in 0..30 {
        if trial == 15 {
            // A crash: whatever p2 had not indexed yet is only in the log.
            p2.kill_9();
            let last = on_p2.last_seq;
            p2 = LdsProcess::serve(&db.url);
            on_p2 = AgentConn::connect(&p2.ws_url(), ana, Some(last))
                .await
                .unwrap();
            assert!(
                matches!(
                    on_p2.welcome,
                    ServerFrame::Welcome(Welcome { resumed: true, .. })
                ),
                "resumed after the restart: {:?}",
                on_p2.welcome
            );
        }
        let base = if trial % 2 == 0 { p1.base() } else { p2.base() };
        let name = format!("T{trial}");
        let r = headsup_testkit::lds::http()
            .post(format!("{base}/api/v1/requests"))
            .bearer_auth(&key)
            .json(&serde_json::json!({"kind": "call_now", "customer": {"name": name}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        record_until_offered(&mut on_p1, &name, &mut log1).await;
        record_until_offered(&mut on_p2, &name, &mut log2).await;
        if trial % 3 == 0 {
            // Bo takes it: Ana's devices hear `taken`, numbered between the offers.
            let Event::Offered { request } = bo
                .wait_event(|e| matches!(e, Event::Offered { request } if request.customer.name.as_deref() == Some(name.as_str())))
                .await
                .unwrap()
            else {
                unreachable!()
            };
            let session = bo.accept_session(request.id).await;
            bo.command(|cid| ClientFrame::EndSession { cid, session })
                .await
                .unwrap();
        }
    }
    assert!(log1.len() >= 40, "offers and takens: {}", log1.len());
    assert_eq!(
        log1, log2,
        "the same events under the same numbers on both processes"
    );
}

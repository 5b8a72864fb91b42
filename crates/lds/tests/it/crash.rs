//! Crash: the real `lds` binary is killed with SIGKILL in the middle of traffic and restarted on
//! the same database: a SQLite file, or a PostgreSQL database when `LDS_TEST_POSTGRES_URL` is set
//! (`scripts/test-lds-postgres.sh`). Every accept the agent was told about survives, and every
//! agent resumes from its last processed sequence without a gap or a duplicate.

use headsup_protocol::lds::{
    ClientFrame, Event, EventFrame, LoginResponse, Reply, ServerFrame, Welcome,
};
use headsup_protocol::RequestId;
use headsup_testkit::lds::process::{cli, LdsProcess};
use headsup_testkit::lds::{http, AgentConn};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_traffic_loses_no_accepted_request_and_every_agent_resumes() {
    let test_db = headsup_testkit::lds::fresh_db().await;
    let db = test_db.url.clone();
    let key = cli(&db, &["team", "add", "--name", "Support"], None);
    for (email, name) in [("ana@x.test", "Ana"), ("bo@x.test", "Bo")] {
        cli(
            &db,
            &[
                "agent",
                "add",
                "--email",
                email,
                "--name",
                name,
                "--team",
                "Support",
                "--password-stdin",
            ],
            Some("secret\n"),
        );
    }
    let mut server = LdsProcess::serve(&db);
    let addr = server.addr.clone();
    let mut tokens = Vec::new();
    for email in ["ana@x.test", "bo@x.test"] {
        let r = http()
            .post(format!("http://{addr}/api/v1/login"))
            .json(&serde_json::json!({"email": email, "password": "secret"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        tokens.push(r.json::<LoginResponse>().await.unwrap().token);
    }
    let ws = format!("ws://{addr}/api/v1/agent/ws");
    let mut ana = AgentConn::connect(&ws, &tokens[0], None).await.unwrap();
    let mut bo = AgentConn::connect(&ws, &tokens[1], None).await.unwrap();

    // Traffic: Ana takes every request and ends the session; Bo watches.
    let mut accepted: Vec<RequestId> = Vec::new();
    for n in 0..30 {
        let r = http()
            .post(format!("http://{addr}/api/v1/requests"))
            .bearer_auth(&key)
            .json(&serde_json::json!({"kind": "call_now", "customer": {"name": format!("C{n}")}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let Event::Offered { request } = ana
            .wait_event(|e| matches!(e, Event::Offered { .. }))
            .await
            .unwrap()
        else {
            unreachable!()
        };
        if n == 20 {
            // Kill in the middle of a claim: the accept is on the wire when the process dies.
            ana.send_command(|cid| ClientFrame::Accept {
                cid,
                request: request.id,
            })
            .await
            .unwrap();
            server.kill_9();
            break;
        }
        let session = ana.accept_session(request.id).await;
        accepted.push(request.id);
        let end = ana
            .command(|cid| ClientFrame::EndSession { cid, session })
            .await
            .unwrap();
        assert!(matches!(end, ServerFrame::Reply(Reply { .. })));
    }
    // Drain what Bo has received before the crash, remembering where each agent got to.
    let bo_seen = bo.read_until_closed().await;
    let bo_last = bo_seen.iter().fold(bo.last_seq, |last, f| match f {
        ServerFrame::Event(EventFrame { seq, .. }) => (*seq).max(last),
        _ => last,
    });
    let ana_frames = ana.read_until_closed().await;
    let ana_last = ana_frames.iter().fold(ana.last_seq, |last, f| match f {
        ServerFrame::Event(EventFrame { seq, .. }) => (*seq).max(last),
        _ => last,
    });

    let server = LdsProcess::serve(&db);
    let addr = server.addr.clone();
    let store = lds::db::Db::connect(&db).await.unwrap();
    for id in &accepted {
        let (state, by): (String, Option<i64>) =
            sqlx::query_as("SELECT r.state, a.id FROM requests r LEFT JOIN agents a ON a.id = r.taken_by WHERE r.id = $1")
                .bind(id.0)
                .fetch_one(&store.pool)
                .await
                .unwrap();
        assert_eq!(state, "taken", "accepted request {id} survived the crash");
        assert_eq!(by, Some(1));
    }
    // Both agents resume from where they were: exactly the events after, in order.
    let ws = format!("ws://{addr}/api/v1/agent/ws");
    for (token, last) in [(&tokens[0], ana_last), (&tokens[1], bo_last)] {
        let mut conn = AgentConn::connect(&ws, token, Some(last)).await.unwrap();
        let ServerFrame::Welcome(Welcome {
            resumed, head_seq, ..
        }) = conn.welcome
        else {
            unreachable!()
        };
        assert!(resumed, "a restart keeps the log, so agents resume");
        while conn.last_seq < head_seq {
            conn.next_frame().await.unwrap(); // AgentConn fails on any gap or duplicate
        }
        assert_eq!(conn.last_seq, head_seq);
    }
}

//! Resume: agents' connections are cut at random moments while requests flow; each reconnects
//! with the last sequence it processed. Over many cuts, every agent ends up with exactly the
//! events in its log: none lost, none doubled, in order.

use std::collections::BTreeMap;

use futures_util::SinkExt;
use headsup_protocol::lds::{ClientFrame, Event, EventFrame, ServerFrame, Welcome};
use headsup_testkit::lds::{AgentConn, TestServer};
use rand::{Rng, SeedableRng};

/// A bound on each network step, so that a stuck server fails the test with a message.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(20);
/// How long a reader waits for the next frame before it treats the silence as its moment to cut.
const QUIET: std::time::Duration = std::time::Duration::from_millis(300);

const AGENTS: usize = 4;
const REQUESTS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_connections_lose_nothing_and_double_nothing() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 3600).await;
    let mut agents = Vec::new();
    for i in 0..AGENTS {
        agents.push(s.agent("Support", &format!("Agent{i}")).await);
    }
    let traffic_done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let traffic = {
        let done = traffic_done.clone();
        let base = s.base.clone();
        let key = key.clone();
        tokio::spawn(async move {
            let client = headsup_testkit::lds::http();
            for n in 0..REQUESTS {
                let body =
                    serde_json::json!({"kind": "call_now", "customer": {"name": format!("C{n}")}});
                let r = tokio::time::timeout(
                    PATIENCE,
                    client
                        .post(format!("{base}/api/v1/requests"))
                        .bearer_auth(&key)
                        .json(&body)
                        .send(),
                )
                .await
                .unwrap_or_else(|_| panic!("intake of request {n} did not answer"))
                .unwrap();
                assert_eq!(r.status(), 201);
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        })
    };
    let mut cuts = 0;
    let mut clients = Vec::new();
    for (i, (info, token)) in agents.iter().enumerate() {
        let ws_url = s.ws_url.clone();
        let token = token.clone();
        let id = info.id;
        let done = traffic_done.clone();
        let sequencer = s.store();
        clients.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(i as u64);
            let mut received: BTreeMap<u64, Event> = BTreeMap::new();
            let mut last: Option<u64> = None;
            let mut cuts = 0;
            let mut start = 0;
            // Each agent rejects some requests, so logs differ between agents. A reject sent
            // just before a cut may never reach the server, so the end is "caught up with the
            // log once traffic has stopped", not a fixed count.
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let head = sequencer.head(id) as i64;
                if finished && last == Some(head as u64) {
                    break;
                }
                if rng.gen_bool(0.1) {
                    // Cut during the handshake: hello sent, nothing read.
                    let (mut ws, _) =
                        tokio::time::timeout(PATIENCE, tokio_tungstenite::connect_async(&ws_url))
                            .await
                            .expect("the server accepts a WebSocket")
                            .unwrap();
                    let hello = ClientFrame::Hello {
                        token: token.clone(),
                        last_seq: last,
                        device: "cut".into(),
                        protocol: 1,
                    };
                    ws.send(serde_json::to_string(&hello).unwrap().into())
                        .await
                        .unwrap();
                    drop(ws);
                    cuts += 1;
                    continue;
                }
                let mut conn =
                    tokio::time::timeout(PATIENCE, AgentConn::connect(&ws_url, &token, last))
                        .await
                        .expect("connect and hello answered")
                        .unwrap();
                if let ServerFrame::Welcome(Welcome { resumed, .. }) = conn.welcome {
                    assert!(
                        resumed || last.is_none(),
                        "agent {id}: a recent resume must not snapshot"
                    );
                }
                if last.is_none() {
                    // The first connection starts from a snapshot: events begin after it.
                    start = conn.last_seq;
                    last = Some(start);
                }
                let mut read = rng.gen_range(0..40);
                if finished {
                    read = read.min(head as u64 - conn.last_seq).max(1);
                }
                for _ in 0..read {
                    // While traffic flows, fewer than `read` frames may be on their way: a quiet
                    // moment is as good a moment to cut as any (this bounds the cut's timing, it
                    // asserts nothing). A gap or duplicate is what this test exists to catch.
                    let frame = match tokio::time::timeout(QUIET, conn.next_frame()).await {
                        Err(_) => break,
                        Ok(Ok(frame)) => frame,
                        Ok(Err(e)) if e.to_string().contains("gap or duplicate") => {
                            panic!("agent {id}: {e}")
                        }
                        Ok(Err(_)) => break,
                    };
                    if let ServerFrame::Event(EventFrame { seq, event, .. }) = frame {
                        assert!(
                            received.insert(seq, event.clone()).is_none(),
                            "seq {seq} twice"
                        );
                        last = Some(seq);
                        if let Event::Offered { request } = &event {
                            if request.id.0 % 10 == i as i64 && !finished {
                                conn.send_command(|cid| ClientFrame::Reject {
                                    cid,
                                    request: request.id,
                                })
                                .await
                                .unwrap();
                            }
                        }
                    }
                }
                drop(conn); // an abrupt cut: no close frame
                cuts += 1;
            }
            (id, token, received, last, cuts, start)
        }));
    }
    traffic.await.unwrap();
    for client in clients {
        let (id, token, mut received, last, n, start) = client.await.unwrap();
        cuts += n;
        // A reject sent just before a cut can be processed after the agent caught up, adding a
        // `rejected` event to its log: one last resume must deliver exactly those.
        let head = s.store().head(id) as i64;
        let mut conn = AgentConn::connect(&s.ws_url, &token, last).await.unwrap();
        while conn.last_seq < head as u64 {
            if let ServerFrame::Event(EventFrame { seq, event, .. }) =
                conn.next_frame().await.unwrap()
            {
                assert!(received.insert(seq, event).is_none(), "seq {seq} twice");
            }
        }
        // The per-agent index is written behind the log: bring it up to date, then compare.
        s.store().index_now().await.unwrap();
        let log: Vec<(i64, String)> = sqlx::query_as(
            "SELECT e.seq, b.body FROM events e JOIN event_bodies b ON b.id = e.body_id \
                 WHERE e.agent_id = $1 ORDER BY e.seq",
        )
        .bind(id.0)
        .fetch_all(&s.store().db().pool)
        .await
        .unwrap();
        let seqs: Vec<u64> = received.keys().copied().collect();
        let expected: Vec<u64> = (start + 1..=log.len() as u64).collect();
        assert_eq!(
            seqs, expected,
            "agent {id}: every event after its first snapshot, once"
        );
        for (seq, body) in log.iter().skip(start as usize) {
            let logged: Event = serde_json::from_str(body).unwrap();
            assert_eq!(received[&(*seq as u64)], logged, "agent {id} seq {seq}");
        }
    }
    assert!(cuts > 40, "the test cut connections many times ({cuts})");
}

#[tokio::test]
async fn a_client_too_far_behind_gets_a_snapshot() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 3600).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let conn = s.connect(&token, None).await;
    drop(conn);
    // More entries than the server keeps in memory once they are indexed.
    const N: u64 = 80;
    for n in 0..N {
        s.call_now(&key, &format!("C{n}")).await;
    }
    s.store().index_now().await.unwrap();
    // The log is pruned past seq 1: a client at seq 1 cannot be replayed to.
    sqlx::query("DELETE FROM events WHERE seq <= $1")
        .bind(N as i64 - 2)
        .execute(&s.store().db().pool)
        .await
        .unwrap();
    let conn = s.connect(&token, Some(1)).await;
    assert!(
        matches!(
            conn.welcome,
            ServerFrame::Welcome(Welcome {
                resumed: false,
                head_seq: N,
                ..
            })
        ),
        "{:?}",
        conn.welcome
    );
    assert_eq!(conn.last_seq, N, "the snapshot is as of the head");
    // A client that is current resumes with nothing to replay; one from the future gets a snapshot.
    let conn = s.connect(&token, Some(N)).await;
    assert!(matches!(
        conn.welcome,
        ServerFrame::Welcome(Welcome { resumed: true, .. })
    ));
    let conn = s.connect(&token, Some(99)).await;
    assert!(matches!(
        conn.welcome,
        ServerFrame::Welcome(Welcome { resumed: false, .. })
    ));
}

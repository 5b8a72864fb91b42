//! A client that stops reading while requests keep coming: the fan-out writes straight into the
//! sockets, so for this client the kernel fills up, the server queues, the queue fills up, and
//! the rest is left in the log. When it reads again it must get every event once, in order —
//! and the other agent, who kept reading, must not have waited for it.

use std::time::{Duration, Instant};

use headsup_protocol::lds::{Event, DEAD_AFTER_SECS};
use headsup_protocol::RequestId;
use headsup_testkit::lds::{AgentConn, TestServer};
use tokio_tungstenite::tungstenite::Message;

/// Enough offers (of about 600 bytes each) to fill a small socket window, the kernel's send
/// buffer (`SOCKET_SEND_BUFFER_BYTES`) and the server's queue for the client
/// (`MAX_BACKLOG_BYTES`) twice over.
const REQUESTS: usize = 1_500;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_loses_nothing_and_holds_nobody_up() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 3600).await;
    let (ana_info, ana_token) = s.agent("Support", "Ana").await;
    let (_, bo_token) = s.agent("Support", "Bo").await;
    let mut ana = AgentConn::connect_small_window(&s.ws_url, s.server.addr, &ana_token, 4096)
        .await
        .expect("Ana connects");
    let mut bo = s.connect(&bo_token, None).await;

    // Bo reads as the offers come; Ana reads nothing until all are in.
    let bo_reads = tokio::spawn(async move {
        let mut offered = Vec::new();
        while offered.len() < REQUESTS {
            if let Event::Offered { request } = bo.next_event().await.expect("Bo's next event") {
                offered.push(request.id);
            }
        }
        offered
    });
    let pad = "x".repeat(150);
    let mut posted = Vec::new();
    let mut last_ping = Instant::now();
    for n in 0..REQUESTS {
        posted.push(s.call_now(&key, &format!("Customer {n} {pad}")).await.id);
        // Ana's reader is stalled, not her connection: she still pings, or the server would
        // rightly drop her as dead after `DEAD_AFTER_SECS` (a slow disk makes posting take
        // that long) and this would test a reconnect instead.
        if last_ping.elapsed() > Duration::from_secs(DEAD_AFTER_SECS / 3) {
            ana.send_raw(Message::Ping(Vec::new().into()))
                .await
                .expect("Ana pings");
            last_ping = Instant::now();
        }
    }
    let bo_offered = bo_reads.await.unwrap();
    assert_eq!(
        bo_offered, posted,
        "Bo got every offer, in order, while Ana read nothing"
    );

    let probe = s.store();
    assert!(
        probe.ws_writes_queued() > 0,
        "Ana's socket filled up and the server queued for her"
    );
    assert!(
        probe.ws_events_left_to_log() > 0,
        "Ana's queue filled up and the rest was left in the log"
    );

    // AgentConn checks every event's sequence follows the previous one: no gap, no double.
    let mut ana_offered: Vec<RequestId> = Vec::new();
    while ana_offered.len() < REQUESTS {
        if let Event::Offered { request } = ana.next_event().await.expect("Ana's next event") {
            ana_offered.push(request.id);
        }
    }
    assert_eq!(ana_offered, posted, "Ana got every offer once, in order");
    assert_eq!(ana.last_seq, s.store().head(ana_info.id));
}

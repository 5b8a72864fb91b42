//! A longest-idle queue: one agent at a time, the one free the longest; a reject or the ring
//! running out passes the customer on; only the agent it rings may take it.

use headsup_protocol::lds::{ErrorFrame, Event, ServerFrame};
use headsup_protocol::model::Availability;
use headsup_protocol::{ErrorCode, RequestId};
use headsup_testkit::lds::{AgentConn, TestServer};
use lds::admin::queues::{self, Distribution, QueueSettings};

fn offered(id: RequestId) -> impl Fn(&Event) -> bool {
    move |e| matches!(e, Event::Offered { request } if request.id == id)
}

/// Not ready and back: the agent's idle time starts now.
async fn back_from_break(conn: &mut AgentConn) {
    conn.set_status(Availability::NotReady, Some("break")).await;
    conn.set_status(Availability::Available, None).await;
}

async fn longest_idle_desk(s: &TestServer, ring_secs: i64) -> String {
    let (_, key) = s.team("Desk", 3600).await;
    let settings = QueueSettings {
        distribution: Some(Distribution::LongestIdle),
        ring_secs: Some(ring_secs),
        ..QueueSettings::default()
    };
    queues::set_queue(s.server.db(), "Desk", "default", settings)
        .await
        .unwrap();
    key
}

#[tokio::test]
async fn the_longest_idle_is_rung_first_and_a_reject_or_the_ring_passes_it_on() {
    let s = TestServer::start().await;
    // Long enough that a loaded machine (load 10 on 2 cores: 3 s was not) still refuses Cy and
    // hears Bo's reject inside Bo's ring, and Ana's accept inside hers; waiting out Cy's ring
    // costs the test this long.
    let key = longest_idle_desk(&s, 10).await;
    let (_, a_token) = s.agent("Desk", "Ana").await;
    let (_, b_token) = s.agent("Desk", "Bo").await;
    let (_, c_token) = s.agent("Desk", "Cy").await;
    let mut ana = s.connect(&a_token, None).await;
    let mut bo = s.connect(&b_token, None).await;
    let mut cy = s.connect(&c_token, None).await;
    // Idle order: Bo never changed (longest), then Cy, then Ana (the most recent).
    back_from_break(&mut cy).await;
    back_from_break(&mut ana).await;

    let request = s.call_now(&key, "Maria").await;
    bo.wait_event(offered(request.id)).await.unwrap();
    // Only Bo is rung: Cy may not take it.
    let refused = cy.accept(request.id).await;
    assert!(
        matches!(
            &refused,
            ServerFrame::Error(ErrorFrame {
                code: ErrorCode::NotOffered,
                ..
            })
        ),
        "{refused:?}"
    );
    // Bo declines: Cy is next.
    let reply = bo
        .command(|cid| headsup_protocol::lds::ClientFrame::Reject {
            cid,
            request: request.id,
        })
        .await
        .unwrap();
    assert!(matches!(reply, ServerFrame::Reply(_)), "{reply:?}");
    cy.wait_event(offered(request.id)).await.unwrap();
    // Cy lets the ring (10 s) run out: told it passed, and Ana is rung.
    cy.wait_event(|e| matches!(e, Event::Passed { request: r } if *r == request.id))
        .await
        .unwrap();
    ana.wait_event(offered(request.id)).await.unwrap();
    assert!(matches!(cy.accept(request.id).await, ServerFrame::Error(_)));
    assert!(matches!(
        ana.accept(request.id).await,
        ServerFrame::Reply(_)
    ));

    // Each was offered it once, one after the other.
    for (token, expected) in [(&b_token, 1), (&c_token, 1), (&a_token, 1)] {
        let log = crate::status::whole_log(&s, token).await;
        let offers = log.iter().filter(|e| offered(request.id)(e)).count();
        assert_eq!(offers, expected, "{log:?}");
    }
}

#[tokio::test]
async fn with_nobody_free_it_waits_and_rings_the_first_agent_back() {
    let s = TestServer::start().await;
    let key = longest_idle_desk(&s, 30).await;
    let (_, a_token) = s.agent("Desk", "Ana").await;
    let (_, b_token) = s.agent("Desk", "Bo").await;
    let mut ana = s.connect(&a_token, None).await;
    let mut bo = s.connect(&b_token, None).await;
    ana.set_status(Availability::NotReady, Some("lunch")).await;
    bo.set_status(Availability::NotReady, Some("lunch")).await;
    let request = s.call_now(&key, "Maria").await;
    ana.set_status(Availability::Available, None).await;
    ana.wait_event(offered(request.id)).await.unwrap();
    // Bo comes back too, but the customer is ringing Ana: Bo is not offered it.
    bo.set_status(Availability::Available, None).await;
    let log = crate::status::whole_log(&s, &b_token).await;
    assert!(!log.iter().any(|e| offered(request.id)(e)), "{log:?}");
    assert!(matches!(
        ana.accept(request.id).await,
        ServerFrame::Reply(_)
    ));
}

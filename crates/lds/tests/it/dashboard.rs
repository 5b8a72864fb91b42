//! The dashboard: each agent's queues with their waiting customers and members, pushed live
//! (not logged, no `seq`), coalesced however fast customers arrive, and the drill-down into one
//! queue's waiting customers.

use futures_util::future::join_all;
use headsup_protocol::lds::{ClientFrame, Dashboard, QueueStats, Reply, ServerFrame};
use headsup_protocol::model::Availability;
use headsup_protocol::{ErrorCode, QueueId};
use headsup_testkit::lds::{AgentConn, TestServer};
use lds::admin::queues;
use serde_json::json;

fn queue<'a>(d: &'a Dashboard, name: &str) -> Option<&'a QueueStats> {
    d.queues.iter().find(|q| q.name == name)
}

/// Waits for a dashboard whose queue `name` satisfies `want`.
async fn until(conn: &mut AgentConn, name: &str, want: impl Fn(&QueueStats) -> bool) -> QueueStats {
    let d = conn
        .wait_dashboard(|d| queue(d, name).is_some_and(&want))
        .await
        .unwrap_or_else(|e| panic!("no dashboard with {name} as wanted: {e:#}"));
    queue(&d, name).unwrap().clone()
}

async fn waiting_list(conn: &mut AgentConn, queue: QueueId) -> ServerFrame {
    conn.command(|cid| ClientFrame::QueueWaiting { cid, queue })
        .await
        .expect("queue_waiting is answered")
}

#[tokio::test]
async fn counts_move_as_customers_arrive_and_are_taken() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    let (_, ana_token) = s.agent("Desk", "Ana").await;
    let (_, bo_token) = s.agent("Desk", "Bo").await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;

    // The first dashboard follows the snapshot: nobody waits, both members are available.
    let first = until(&mut ana, "default", |q| q.available == 2).await;
    assert_eq!((first.waiting, first.oldest_since), (0, None));

    let maria = s.call_now(&key, "Maria").await;
    let lee = s.call_now(&key, "Lee").await;
    let two = until(&mut ana, "default", |q| q.waiting == 2).await;
    assert_eq!(two.oldest_since, Some(maria.created_at));
    until(&mut bo, "default", |q| q.waiting == 2).await;

    // Bo takes Maria: one waits, one member is in a session.
    bo.accept_session(maria.id).await;
    let one = until(&mut ana, "default", |q| q.waiting == 1).await;
    let later = until(&mut ana, "default", |q| {
        q.in_session == 1 && q.available == 1
    })
    .await;
    assert_eq!(one.oldest_since, Some(lee.created_at));
    assert_eq!(later.oldest_since, Some(lee.created_at));

    // The drill-down lists who still waits.
    let ServerFrame::Reply(Reply {
        waiting: Some(list),
        ..
    }) = waiting_list(&mut ana, first.id).await
    else {
        panic!("queue_waiting refused");
    };
    let names: Vec<_> = list.iter().map(|r| r.customer.name.clone()).collect();
    assert_eq!(names, [Some("Lee".to_string())]);
}

#[tokio::test]
async fn a_timed_out_customer_leaves_the_count() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    let (_, ana_token) = s.agent("Desk", "Ana").await;
    let db = s.server.db();
    queues::add_queue(db, "Desk", "Fast", Some(1), false)
        .await
        .unwrap();
    queues::set_member(db, "Desk", "Fast", "ana@test.example", true)
        .await
        .unwrap();
    let mut ana = s.connect(&ana_token, None).await;
    let body = json!({"kind": "call_now", "customer": {"name": "Quick"}, "queue": "Fast"});
    assert_eq!(s.post(&key, &body).await.status(), 201);
    until(&mut ana, "Fast", |q| q.waiting == 1).await;
    // Its one-second offer runs out: nobody waits any more.
    let gone = until(&mut ana, "Fast", |q| q.waiting == 0).await;
    assert_eq!(gone.oldest_since, None);
}

#[tokio::test]
async fn members_statuses_are_counted() {
    let s = TestServer::start().await;
    s.team("Desk", 3600).await;
    let (_, ana_token) = s.agent("Desk", "Ana").await;
    let (_, bo_token) = s.agent("Desk", "Bo").await;
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    until(&mut ana, "default", |q| q.available == 2).await;

    assert!(matches!(
        bo.set_status(Availability::NotReady, Some("lunch")).await,
        ServerFrame::Reply(_)
    ));
    let q = until(&mut ana, "default", |q| q.not_ready == 1).await;
    assert_eq!((q.available, q.in_session, q.wrap_up), (1, 0, 0));

    assert!(matches!(
        bo.set_status(Availability::Available, None).await,
        ServerFrame::Reply(_)
    ));
    until(&mut ana, "default", |q| {
        q.available == 2 && q.not_ready == 0
    })
    .await;
}

#[tokio::test]
async fn a_non_member_sees_nothing_of_a_queue() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    s.team("Other", 3600).await;
    let (_, ana_token) = s.agent("Desk", "Ana").await;
    let (_, bo_token) = s.agent("Desk", "Bo").await;
    let (_, olga_token) = s.agent("Other", "Olga").await;
    let db = s.server.db();
    let (vip, _) = queues::add_queue(db, "Desk", "VIP", None, false)
        .await
        .unwrap();
    queues::set_member(db, "Desk", "VIP", "bo@test.example", true)
        .await
        .unwrap();
    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    let mut olga = s.connect(&olga_token, None).await;

    let body = json!({"kind": "call_now", "customer": {"name": "Rich"}, "queue": "VIP"});
    assert_eq!(s.post(&key, &body).await.status(), 201);
    let stats = until(&mut bo, "VIP", |q| q.waiting == 1).await;
    assert_eq!(stats.id, QueueId(vip.id));
    let bo_sees = bo.dashboards.last().unwrap();
    assert_eq!(bo_sees.queues.len(), 2, "{bo_sees:?}");

    // Ana serves only the default queue, Olga another team's.
    for conn in [&mut ana, &mut olga] {
        let d = conn.wait_dashboard(|_| true).await.unwrap();
        assert!(queue(&d, "VIP").is_none(), "{d:?}");
        assert_eq!(d.queues.len(), 1, "{d:?}");
        for q in [QueueId(vip.id), QueueId(9_999)] {
            let answer = waiting_list(conn, q).await;
            assert!(
                matches!(&answer, ServerFrame::Error(e) if e.code == ErrorCode::NotFound),
                "{answer:?}"
            );
        }
    }
    // Every dashboard Ana was ever sent left VIP out.
    assert!(ana.dashboards.iter().all(|d| queue(d, "VIP").is_none()));
}

#[tokio::test]
async fn a_burst_of_intakes_is_coalesced() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    let (_, ana_token) = s.agent("Desk", "Ana").await;
    let mut ana = s.connect(&ana_token, None).await;
    until(&mut ana, "default", |q| q.waiting == 0).await;
    let before = ana.dashboards.len();

    const BURST: usize = 200;
    for chunk in (0..BURST).collect::<Vec<_>>().chunks(20) {
        join_all(chunk.iter().map(|i| {
            let body = json!({"kind": "call_now", "customer": {"name": format!("C{i}")}});
            let (s, key) = (&s, &key);
            async move { assert_eq!(s.post(key, &body).await.status(), 201) }
        }))
        .await;
    }
    until(&mut ana, "default", |q| q.waiting == BURST as u32).await;
    let frames = ana.dashboards.len() - before;
    // One frame per customer would be 200; the push counts at most four times a second, so a
    // burst gets a handful. The bound is generous: it holds on a loaded machine too.
    assert!(
        frames <= BURST / 2,
        "{frames} dashboard frames for {BURST} intakes"
    );
    // Counts only ever rose through the burst: no stale frame came after a newer one.
    let counts: Vec<u32> = ana.dashboards[before..]
        .iter()
        .map(|d| queue(d, "default").unwrap().waiting)
        .collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
}

//! A database written by the release before queues and agent status
//! (`tests/fixtures/release-2026-12-01.sqlite`, made with that release's `lds`: two teams, three
//! agents, Ana signed in, requests pending, scheduled, cancelled, timed out and called back).
//! Opening it migrates it; nothing is lost and everything works as before.

use headsup_protocol::lds::{Event, LoginResponse, ServerFrame};
use headsup_protocol::model::{Availability, RequestKind, RequestState};
use headsup_testkit::lds::{http, TestDb, TestServer};
use lds::admin::queues;

/// The fixture's intake key of team "Sales" (a throwaway key of a test database).
const SALES_KEY: &str = "intake_gHQJ6AzhZptoO6dFPKzoPwvvzcFriqmbMkogjmhVg_I";

#[tokio::test]
async fn an_old_database_becomes_teams_with_a_default_queue_losing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/release-2026-12-01.sqlite"
        ),
        &path,
    )
    .unwrap();
    let s = TestServer::start_on(TestDb::at(format!("sqlite://{}", path.display())), |_| {}).await;
    let db = s.server.db();

    for (team, members) in [("Sales", 2), ("Support", 1)] {
        let listed = queues::list_queues(db, team).await.unwrap();
        assert_eq!(listed.len(), 1, "{team}: one queue");
        assert_eq!(listed[0].queue.name, "default");
        assert!(listed[0].queue.is_default && !listed[0].queue.has_own_key);
        assert_eq!(listed[0].members, members, "{team}: every agent serves it");
        let reasons = queues::list_reasons(db, team).await.unwrap();
        assert_eq!(reasons.len(), 3, "{team}: the usual reasons");
    }
    assert_eq!(
        queues::list_queues(db, "Sales").await.unwrap()[0]
            .queue
            .offer_timeout_secs,
        3600,
        "the team's offer timeout carried over"
    );

    // Ana signs in with her old password and sees what she saw before, available.
    let login: LoginResponse = http()
        .post(format!("{}/api/v1/login", s.base))
        .json(&serde_json::json!({"email": "ana@example.com", "password": "pw-ana-123456"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut ana = s.connect(&login.token, None).await;
    let snap = ana
        .snapshot
        .take()
        .expect("a snapshot on a first connection");
    assert_eq!(snap.status.availability, Availability::Available);
    let seen: Vec<_> = snap
        .requests
        .iter()
        .map(|r| (r.customer.name.clone().unwrap_or_default(), r.state.clone()))
        .collect();
    for name in ["Maria Lopez", "Jon Snow"] {
        assert!(
            seen.contains(&(name.into(), RequestState::Pending)),
            "{name}: {seen:?}"
        );
    }
    assert!(
        seen.contains(&("Lu Wei".into(), RequestState::Scheduled)),
        "{seen:?}"
    );
    assert!(
        !seen.iter().any(|(n, _)| n == "Timed Out"),
        "another team's"
    );
    // Her event log from the old release is still there, and new events follow it.
    let resumed = s.connect(&login.token, Some(0)).await;
    let ServerFrame::Welcome(w) = &resumed.welcome else {
        panic!("welcome")
    };
    assert!(w.resumed && w.head_seq >= 3, "{w:?}");

    // The team's old intake key feeds the default queue, offered to Ana, taken by her.
    let fresh = s.call_now(SALES_KEY, "After Migration").await;
    let Event::Offered { request } = ana
        .wait_event(|e| matches!(e, Event::Offered { request: r } if r.id == fresh.id))
        .await
        .unwrap()
    else {
        unreachable!()
    };
    assert_eq!(request.kind, RequestKind::CallNow);
    assert!(matches!(ana.accept(fresh.id).await, ServerFrame::Reply(_)));
}

//! A database written by the release before queues and agent status
//! (`tests/fixtures/release-2026-12-01.sqlite`, made with that release's `lds`: two teams, three
//! agents, Ana signed in, requests pending, scheduled, cancelled, timed out and called back).
//! Opening it migrates it (queues, status, transfers, channels, contacts); nothing is lost and
//! everything works as before.

use headsup_protocol::lds::{Event, LoginResponse, ServerFrame};
use headsup_protocol::model::{Availability, RequestKind};
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
    // Her numbering goes on from the old release's (the fixture's log held 3 events for her).
    assert!(snap.seq >= 3, "snapshot seq {}", snap.seq);
    // Nothing of the other team ("Support", team 2) reaches her. (Which of her team's requests
    // the snapshot holds depends on today's date: the fixture's offers time out an hour after it
    // was made.)
    assert!(
        snap.requests
            .iter()
            .all(|r| r.team == headsup_protocol::TeamId(1)),
        "{:?}",
        snap.requests
    );

    // Every old request (ids 1 to 6; later ones are call-backs booked since) is there, each in
    // its team's default queue.
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!(
        "sqlite://{}",
        path.display()
    ))
    .await
    .unwrap();
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT r.customer_name, r.kind = 'call_me_back' FROM requests r \
         JOIN queues q ON q.id = r.queue_id AND q.team_id = r.team_id AND q.is_default = 1 \
         WHERE r.id <= 6 ORDER BY r.id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let names: Vec<_> = rows.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Maria Lopez",
            "Jon Snow",
            "Gone Girl",
            "Timed Out",
            "Timed Out",
            "Lu Wei"
        ],
        "all six, in their default queues"
    );
    let old_states: Vec<(String,)> = sqlx::query_as(
        "SELECT state FROM requests WHERE customer_name IN ('Gone Girl', 'Lu Wei') ORDER BY id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        old_states,
        [("cancelled".to_string(),), ("scheduled".to_string(),)]
    );

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
    // Every team got a contact list "Customers", fed by its default queue: the new request has a
    // contact there, which Ana (a member of that queue) may read. Old requests keep none.
    for team in ["Sales", "Support"] {
        let lists = lds::admin::contacts::list_lists(db, team).await.unwrap();
        assert_eq!(lists[0].0, "Customers", "{team}");
    }
    let contact = request.contact.expect("the default queue keeps contacts");
    assert_eq!(contact.name, "After Migration");
    let answer = ana
        .command(|cid| headsup_protocol::lds::ClientFrame::GetContact {
            cid,
            contact: contact.id,
        })
        .await
        .unwrap();
    assert!(matches!(answer, ServerFrame::Reply(_)), "{answer:?}");
    assert!(matches!(ana.accept(fresh.id).await, ServerFrame::Reply(_)));
}

//! The event log's storage: one body per fan-out, per-agent rows that point at it, and the
//! migration that moved the old one-body-per-row log into that shape.

mod support;

use std::borrow::Cow;

use chrono::{Duration, Utc};
use headsup_protocol::lds::{Event, ServerFrame};
use headsup_protocol::model::AgentRef;
use headsup_protocol::{AgentId, RequestId};
use lds::db::{backend_of, Backend, Db};
use lds::store::events;
use lds::time::from_millis;
use sqlx::{AnyPool, Executor};
use support::{fresh_db, TestServer};

async fn count(pool: &AnyPool, table: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn a_fan_out_stores_its_body_once() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 3600).await;
    for name in ["Ana", "Bo", "Cy"] {
        s.agent("Support", name).await;
    }
    s.call_now(&key, "C1").await;
    let pool = &s.store().db.pool;
    assert_eq!(count(pool, "events").await, 3, "one row per agent");
    assert_eq!(
        count(pool, "event_bodies").await,
        1,
        "one body for all three"
    );
}

#[tokio::test]
async fn pruning_everything_keeps_the_sequence_running() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 3600).await;
    let (ana, token) = s.agent("Support", "Ana").await;
    s.call_now(&key, "C1").await;
    s.call_now(&key, "C2").await;
    let db = &s.store().db;
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(
        events::bounds(&mut conn, ana.id).await.unwrap(),
        (2, Some(1))
    );

    let mut w = db.begin_write().await.unwrap();
    let pruned = events::prune(&mut w.tx, Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert_eq!(pruned, 2);
    assert_eq!(count(&db.pool, "event_bodies").await, 0, "bodies go too");
    assert_eq!(events::bounds(&mut conn, ana.id).await.unwrap(), (2, None));

    // The counter lives on: the next event is 3, and a client at 2 is resumed, not reset.
    s.call_now(&key, "C3").await;
    assert_eq!(
        events::bounds(&mut conn, ana.id).await.unwrap(),
        (3, Some(3))
    );
    let mut client = s.connect(&token, Some(2)).await;
    loop {
        match client.next_frame().await.unwrap() {
            ServerFrame::Event { seq, event, .. } => {
                assert_eq!(seq, 3);
                assert!(matches!(event, Event::Offered { .. }), "{event:?}");
                break;
            }
            ServerFrame::Snapshot { .. } => panic!("a client at seq 2 is resumed, not reset"),
            _ => {}
        }
    }
}

/// A database written by the previous schema (every row carried its body) reads back, after
/// the migration, as exactly the frames it held before.
#[tokio::test]
async fn the_migration_keeps_every_event_and_its_sequence() {
    let db = fresh_db().await;
    let backend = backend_of(&db.url).unwrap();
    let url = match backend {
        Backend::Sqlite => format!("{}?mode=rwc", db.url),
        Backend::Postgres => db.url.clone(),
    };
    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(&url).await.unwrap();
    let mut before_bodies = match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    before_bodies.migrations = Cow::Owned(
        before_bodies
            .migrations
            .iter()
            .filter(|m| m.version < 3)
            .cloned()
            .collect(),
    );
    before_bodies.run(&pool).await.unwrap();

    let taken = |request: i64| {
        serde_json::to_string(&Event::Taken {
            request: RequestId(request),
            by: AgentRef {
                id: AgentId(1),
                name: "Ana".into(),
            },
        })
        .unwrap()
    };
    let (first, second) = (taken(7), taken(8));
    pool.execute(
        "INSERT INTO teams (id, name, intake_key_hash, offer_timeout_secs, callback_delay_secs, \
         created_at) VALUES (1, 'Support', 'k', 60, 600, 0)",
    )
    .await
    .unwrap();
    for (id, last_seq) in [(1, 2), (2, 1)] {
        sqlx::query(
            "INSERT INTO agents (id, team_id, email, name, password_hash, time_zone, last_seq, \
             created_at) VALUES ($1, 1, $2, 'A', 'h', 'UTC', $3, 0)",
        )
        .bind(id)
        .bind(format!("a{id}@test.example"))
        .bind(last_seq)
        .execute(&pool)
        .await
        .unwrap();
    }
    // The first event went to both agents (one fan-out), the second only to agent 1.
    for (agent, seq, at, body) in [
        (1, 1, 1_700_000_000_001_i64, &first),
        (2, 1, 1_700_000_000_001, &first),
        (1, 2, 1_700_000_000_002, &second),
    ] {
        sqlx::query("INSERT INTO events (agent_id, seq, at, body) VALUES ($1, $2, $3, $4)")
            .bind(agent)
            .bind(seq)
            .bind(at)
            .bind(body.as_str())
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;

    let migrated = Db::connect(&db.url).await.unwrap();
    assert_eq!(count(&migrated.pool, "event_bodies").await, 2);
    let frame = |seq: u64, at: i64, body: &str| {
        let at = from_millis(at).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        events::frame_text(seq, &at, body)
    };
    let mut conn = migrated.pool.acquire().await.unwrap();
    let read = |log: Vec<(u64, std::sync::Arc<str>)>| {
        log.into_iter()
            .map(|(seq, text)| (seq, text.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        read(
            events::read_after(&mut conn, AgentId(1), 0, 10)
                .await
                .unwrap()
        ),
        vec![
            (1, frame(1, 1_700_000_000_001, &first)),
            (2, frame(2, 1_700_000_000_002, &second)),
        ]
    );
    assert_eq!(
        read(
            events::read_after(&mut conn, AgentId(2), 0, 10)
                .await
                .unwrap()
        ),
        vec![(1, frame(1, 1_700_000_000_001, &first))]
    );
    assert_eq!(
        events::bounds(&mut conn, AgentId(1)).await.unwrap(),
        (2, Some(1))
    );
}

//! The event log's storage: one entry per fan-out naming its audience, the per-agent index
//! written behind it (and rebuilt from it after a crash), and the migrations that moved older
//! logs into that shape.

use std::borrow::Cow;

use chrono::{Duration, Utc};
use headsup_protocol::lds::{Event, EventFrame, NewRequest, ServerFrame, Snapshot, Welcome};
use headsup_protocol::model::{AgentRef, Customer, RequestKind};
use headsup_protocol::{AgentId, RequestId};
use headsup_testkit::lds::{fresh_db, TestServer};
use lds::admin::{self as accounts, Team};
use lds::db::{backend_of, Backend, Db};
use lds::testing::{self, Probe};
use lds::time::from_millis;
use sqlx::{AnyPool, Executor};

async fn count(pool: &AnyPool, table: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn a_fan_out_logs_one_entry_and_the_index_follows() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 3600).await;
    let mut agents = Vec::new();
    for name in ["Ana", "Bo", "Cy"] {
        agents.push(s.agent("Support", name).await.0.id);
    }
    s.call_now(&key, "C1").await;
    let store = s.store();
    let pool = &store.db().pool;
    assert_eq!(
        count(pool, "event_bodies").await,
        1,
        "one entry for all three"
    );
    for agent in &agents {
        assert_eq!(store.head(*agent), 1, "numbered at once");
    }
    let metrics = || async {
        let text = headsup_testkit::lds::http()
            .get(format!("{}/metrics", s.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        ["lds_events_written_total 3", "lds_event_index_rows_total 3"]
            .map(|line| text.lines().any(|l| l == line))
    };
    store.index_now().await.unwrap();
    assert_eq!(
        metrics().await,
        [true, true],
        "three numbered, three indexed: /metrics says so"
    );
    assert_eq!(count(pool, "events").await, 3, "one index row per agent");
    // What a restart would number from: the index alone.
    for agent in &agents {
        assert_eq!(testing::head_from_log(store.db(), *agent).await.unwrap(), 1);
    }
}

/// Entries committed but not indexed when the process died are numbered again at start exactly
/// as they were numbered live, then indexed: a client's `last_seq` stays valid.
#[tokio::test]
async fn a_restart_numbers_the_unindexed_entries_as_they_were_delivered() {
    let db = fresh_db().await;
    let url = db.url.clone();
    let (token, live) = {
        // No indexer runs in this process: every entry stays unindexed, as if the server
        // had been killed before writing its index.
        let (store, team, agents) = store_with_agents(&url, &["Ana", "Bo"]).await;
        let (ana, token) = agents[0].clone();
        for n in 0..5 {
            store
                .intake(&team, new_call(&format!("C{n}")))
                .await
                .unwrap();
        }
        // What a connection would have been sent: the numbered entries held in memory.
        let live = store.read_after(ana, 0, 10).await.unwrap();
        assert_eq!(live.len(), 5);
        assert_eq!(live[4].0, 5);
        assert_eq!(
            count(&store.db().pool, "events").await,
            0,
            "nothing indexed"
        );
        (token, live)
    };

    let s = TestServer::start_on(db, |_| {}).await;
    let ana = AgentId(1);
    assert_eq!(s.store().head(ana), 5, "replayed from the log");
    assert_eq!(s.store().read_after(ana, 0, 10).await.unwrap(), live);
    s.store().index_now().await.unwrap();
    assert_eq!(
        testing::read_indexed_after(s.store().db(), ana, 0, 10)
            .await
            .unwrap(),
        live,
        "the index holds what was delivered"
    );
    // A client that saw seq 3 before the restart resumes with 4 and 5.
    let mut client = s.connect(&token, Some(3)).await;
    assert!(matches!(
        client.welcome,
        ServerFrame::Welcome(Welcome {
            resumed: true,
            head_seq: 5,
            ..
        })
    ));
    for want in [4, 5] {
        loop {
            if let ServerFrame::Event(EventFrame { seq, .. }) = client.next_frame().await.unwrap() {
                assert_eq!(seq, want);
                break;
            }
        }
    }
}

/// A store on `url` with no server and no indexer, a team and signed-in agents (id, token).
async fn store_with_agents(url: &str, names: &[&str]) -> (Probe, Team, Vec<(AgentId, String)>) {
    let db = Db::connect(url).await.unwrap();
    let store = Probe::open(db).await.unwrap();
    let (team, _) = accounts::add_team(store.db(), "Support", 3600, 600)
        .await
        .unwrap();
    let mut agents = Vec::new();
    for name in names {
        let id = accounts::add_agent(
            store.db(),
            &accounts::NewAgent {
                team: "Support",
                email: &format!("{name}@test.example"),
                name,
                password_hash: "h",
                time_zone: "UTC",
            },
        )
        .await
        .unwrap();
        let (token, _) = accounts::issue_token(store.db(), id, Duration::hours(1))
            .await
            .unwrap();
        agents.push((id, token));
    }
    (store, team, agents)
}

fn new_call(name: &str) -> NewRequest {
    NewRequest {
        kind: RequestKind::CallNow,
        customer: Customer {
            name: Some(name.into()),
            phone: None,
        },
        due_at: None,
        queue: None,
    }
}

#[tokio::test]
async fn pruning_keeps_the_sequence_running() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 3600).await;
    let (ana, token) = s.agent("Support", "Ana").await;
    s.call_now(&key, "C1").await;
    s.call_now(&key, "C2").await;
    let store = s.store();
    let db = store.db();
    store.index_now().await.unwrap();
    assert_eq!(store.bounds(ana.id).await.unwrap(), (2, Some(1)));

    let pruned = store
        .prune_events(Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(pruned, 1, "the newest entry stays: log ids never go back");
    assert_eq!(count(&db.pool, "event_bodies").await, 1, "bodies go too");
    assert_eq!(testing::oldest_indexed(db, ana.id).await.unwrap(), Some(2));
    let (kept,): (i64,) = sqlx::query_as("SELECT last_seq FROM agents WHERE id = $1")
        .bind(ana.id.0)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(kept, 1, "the newest pruned number is kept with the agent");
    assert_eq!(testing::head_from_log(db, ana.id).await.unwrap(), 2);

    // The counter lives on: the next event is 3, and a client at 2 is resumed, not reset.
    s.call_now(&key, "C3").await;
    assert_eq!(store.head(ana.id), 3);
    let mut client = s.connect(&token, Some(2)).await;
    loop {
        match client.next_frame().await.unwrap() {
            ServerFrame::Event(EventFrame { seq, event, .. }) => {
                assert_eq!(seq, 3);
                assert!(matches!(event, Event::Offered { .. }), "{event:?}");
                break;
            }
            ServerFrame::Snapshot(Snapshot { .. }) => {
                panic!("a client at seq 2 is resumed, not reset")
            }
            _ => {}
        }
    }
}

/// Entries not indexed yet are never pruned: the numbers are derived from them.
#[tokio::test]
async fn pruning_spares_unindexed_entries() {
    let db = fresh_db().await;
    let (store, team, _) = store_with_agents(&db.url, &["Ana"]).await;
    for n in 0..3 {
        store
            .intake(&team, new_call(&format!("C{n}")))
            .await
            .unwrap();
    }
    store
        .prune_events(Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(count(&store.db().pool, "event_bodies").await, 3);
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
        testing::frame_text(seq, &at, body)
    };
    assert_eq!(
        testing::read_indexed_after(&migrated, AgentId(1), 0, 10)
            .await
            .unwrap(),
        vec![
            (1, frame(1, 1_700_000_000_001, &first)),
            (2, frame(2, 1_700_000_000_002, &second)),
        ]
    );
    assert_eq!(
        testing::read_indexed_after(&migrated, AgentId(2), 0, 10)
            .await
            .unwrap(),
        vec![(1, frame(1, 1_700_000_000_001, &first))]
    );
    assert_eq!(
        testing::oldest_indexed(&migrated, AgentId(1))
            .await
            .unwrap(),
        Some(1)
    );
    // The counters are the index's: nothing after it to replay.
    assert_eq!(
        (
            testing::head_from_log(&migrated, AgentId(1)).await.unwrap(),
            testing::head_from_log(&migrated, AgentId(2)).await.unwrap()
        ),
        (2, 1)
    );
}

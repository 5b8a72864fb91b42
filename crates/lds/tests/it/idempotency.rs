//! Intake's `Idempotency-Key`: a widget that retries after a lost answer gets the first answer
//! again and never a second customer request: on one server, under concurrent retries, after the
//! key's day is over, and across a kill -9 of the real `lds` binary.

use std::collections::{HashMap, HashSet};

use headsup_protocol::error::ErrorBody;
use headsup_protocol::lds::{Event, NewRequestResponse};
use headsup_protocol::ErrorCode;
use headsup_testkit::lds::process::{cli, LdsProcess};
use headsup_testkit::lds::{http, post_intake, TestServer};
use serde_json::json;

async fn count_requests(pool: &sqlx::AnyPool) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM requests")
        .fetch_one(pool)
        .await
        .unwrap();
    n
}

fn replayed(resp: &reqwest::Response) -> bool {
    resp.headers().get("idempotent-replayed").is_some()
}

#[tokio::test]
async fn a_retry_gets_the_first_answer_and_agents_one_offer() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    let body = json!({"kind": "call_now", "customer": {"name": "Maria", "phone": "+34 600"}});

    let first = s.post_with_key(&key, "order-4711", &body).await;
    assert_eq!(first.status(), 201);
    assert!(!replayed(&first));
    let first_body = first.text().await.unwrap();
    for _ in 0..3 {
        let again = s.post_with_key(&key, "order-4711", &body).await;
        assert_eq!(again.status(), 201, "the first answer's status");
        assert!(replayed(&again));
        assert_eq!(again.text().await.unwrap(), first_body, "byte for byte");
    }
    // Whitespace and key order are not the body: the same request, sent differently.
    let reordered = r#"{ "customer": {"phone": "+34 600", "name": "Maria"},  "kind": "call_now" }"#;
    let again = http()
        .post(format!("{}/api/v1/requests", s.base))
        .bearer_auth(&key)
        .header("idempotency-key", "\"order-4711\"") // the draft's quoted form, same key
        .header("content-type", "application/json")
        .body(reordered)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.text().await.unwrap(), first_body);

    assert_eq!(count_requests(&s.store().db().pool).await, 1);
    let request = serde_json::from_str::<NewRequestResponse>(&first_body)
        .unwrap()
        .request;
    let event = ana.next_event().await.unwrap();
    assert!(matches!(&event, Event::Offered { request: r } if r.id == request.id));
    // The next event is the marker's, so the retries offered nothing more.
    let marker = s.call_now(&key, "Marker").await;
    let event = ana.next_event().await.unwrap();
    assert!(
        matches!(&event, Event::Offered { request: r } if r.id == marker.id),
        "a retry offered the request again: {event:?}"
    );

    // A later request with its own key is a new request; no key at all, too.
    let other = s.post_with_key(&key, "order-4712", &body).await;
    assert_eq!(other.status(), 201);
    assert!(!replayed(&other));
    assert_eq!(s.post(&key, &body).await.status(), 201);
    assert_eq!(count_requests(&s.store().db().pool).await, 4);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, other_key) = s.team("Sales", 120).await;
    let body = json!({"kind": "call_now", "customer": {"name": "Maria"}});
    assert_eq!(s.post_with_key(&key, "k1", &body).await.status(), 201);
    let changed = json!({"kind": "call_now", "customer": {"name": "Mario"}});
    let resp = s.post_with_key(&key, "k1", &changed).await;
    assert_eq!(resp.status(), 422);
    let err: ErrorBody = resp.json().await.unwrap();
    assert_eq!(err.error.code, ErrorCode::IdempotencyKeyReused);
    assert_eq!(count_requests(&s.store().db().pool).await, 1);
    // Keys are per team: another team's widget may use the same one.
    let resp = s.post_with_key(&other_key, "k1", &changed).await;
    assert_eq!(resp.status(), 201);
    assert!(!replayed(&resp));
    assert_eq!(count_requests(&s.store().db().pool).await, 2);
}

#[tokio::test]
async fn bad_keys_are_refused_and_refusals_are_not_remembered() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let body = json!({"kind": "call_now", "customer": {"name": "Maria"}});
    for bad in ["", "\"\"", "two words", &"k".repeat(256)] {
        let resp = s.post_with_key(&key, bad, &body).await;
        assert_eq!(resp.status(), 400, "{bad:?}");
        let err: ErrorBody = resp.json().await.unwrap();
        assert_eq!(err.error.code, ErrorCode::InvalidIdempotencyKey, "{bad:?}");
    }
    let twice = http()
        .post(format!("{}/api/v1/requests", s.base))
        .bearer_auth(&key)
        .header("idempotency-key", "a")
        .header("idempotency-key", "b")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), 400);
    assert_eq!(count_requests(&s.store().db().pool).await, 0);

    // A refused intake stores nothing under its key: the corrected retry creates the request.
    let wrong = json!({"kind": "call_now", "customer": {"name": "Maria", "phone": "call me"}});
    assert_eq!(s.post_with_key(&key, "k2", &wrong).await.status(), 400);
    let fixed = s.post_with_key(&key, "k2", &body).await;
    assert_eq!(fixed.status(), 201);
    assert!(!replayed(&fixed));
}

#[tokio::test]
async fn a_key_is_remembered_for_a_day() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let body = json!({"kind": "call_now", "customer": {"name": "Maria"}});
    let first = s.post_with_key(&key, "day-old", &body).await;
    let first = first.json::<NewRequestResponse>().await.unwrap().request;
    // Age the key by a day and a minute, as if the widget retried tomorrow.
    let day_ago = lds::time::to_millis(chrono::Utc::now() - chrono::Duration::minutes(24 * 60 + 1));
    sqlx::query("UPDATE intake_keys SET created_at = $1")
        .bind(day_ago)
        .execute(&s.store().db().pool)
        .await
        .unwrap();
    let later = s.post_with_key(&key, "day-old", &body).await;
    assert_eq!(later.status(), 201);
    assert!(!replayed(&later), "an expired key is a new request");
    let later = later.json::<NewRequestResponse>().await.unwrap().request;
    assert_ne!(later.id, first.id);
    // Pruning forgets keys older than a day and only those. The server's own pruning timer runs
    // on the real clock, so the keys are aged by an hour only and this prune looks from 23.5 hours
    // ahead: the hour-old key is then a day and a half-hour old, the fresh one 23.5 hours; the
    // timer can take neither.
    let hour_ago = lds::time::to_millis(chrono::Utc::now() - chrono::Duration::hours(1));
    sqlx::query("UPDATE intake_keys SET created_at = $1")
        .bind(hour_ago)
        .execute(&s.store().db().pool)
        .await
        .unwrap();
    s.post_with_key(&key, "fresh", &body).await;
    let ahead = chrono::Utc::now() + chrono::Duration::minutes(23 * 60 + 30);
    let pruned = s.store().prune_idempotency_keys(ahead).await.unwrap();
    assert_eq!(pruned, 1);
    let keys: Vec<(String,)> = sqlx::query_as("SELECT idempotency_key FROM intake_keys")
        .fetch_all(&s.store().db().pool)
        .await
        .unwrap();
    assert_eq!(keys, [("fresh".to_string(),)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_retries_with_one_key_create_one_request() {
    const TRIALS: usize = 100;
    const PARALLEL: usize = 10;
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    for trial in 0..TRIALS {
        let body = json!({"kind": "call_now", "customer": {"name": format!("Trial {trial}")}});
        let idem = format!("trial-{trial}");
        let posts = (0..PARALLEL).map(|_| {
            let (base, key, idem, body) = (s.base.clone(), key.clone(), idem.clone(), body.clone());
            tokio::spawn(async move {
                let resp = post_intake(&base, &key, Some(&idem), &body).await.unwrap();
                assert_eq!(resp.status(), 201);
                resp.json::<NewRequestResponse>().await.unwrap().request.id
            })
        });
        let ids: HashSet<_> = futures_util::future::join_all(posts)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            ids.len(),
            1,
            "trial {trial}: every answer names one request"
        );
    }
    assert_eq!(count_requests(&s.store().db().pool).await, TRIALS as i64);
}

/// Intakes with keys run while the real `lds` is killed with SIGKILL; after a restart on the same
/// database every key is retried. A request committed without its key (or a key without its
/// request) would show as a second request for a key, or a retry answering another id.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kill_9_between_request_and_key_cannot_split_them() {
    const KEYS: usize = 200;
    let test_db = headsup_testkit::lds::fresh_db().await;
    let db = test_db.url.clone();
    let key = cli(&db, &["team", "add", "--name", "Support"], None);
    let mut server = LdsProcess::serve(&db);
    let base = server.base();
    let body = |n: usize| json!({"kind": "call_now", "customer": {"name": format!("C{n}")}});

    let posts: Vec<_> = (0..KEYS)
        .map(|n| {
            let (base, key, body) = (base.clone(), key.clone(), body(n));
            tokio::spawn(async move {
                let resp = post_intake(&base, &key, Some(&format!("k{n}")), &body).await;
                match resp {
                    Ok(r) if r.status() == 201 => {
                        Some(r.json::<NewRequestResponse>().await.ok()?.request.id)
                    }
                    _ => None, // cut off by the kill
                }
            })
        })
        .collect();
    // Kill once some intakes have committed, while others are in flight.
    let pool = lds::db::Db::connect(&db).await.unwrap().pool;
    while count_requests(&pool).await < (KEYS / 10) as i64 {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    server.kill_9();
    let mut answered_before = HashMap::new();
    for (n, post) in posts.into_iter().enumerate() {
        if let Some(id) = post.await.unwrap() {
            answered_before.insert(n, id);
        }
    }
    let before = count_requests(&pool).await;
    eprintln!(
        "killed with {before} of {KEYS} intakes committed, {} answered",
        answered_before.len()
    );
    assert!(
        before < KEYS as i64,
        "the kill came before every intake finished"
    );

    let server = LdsProcess::serve(&db);
    let base = server.base();
    let mut ids = HashSet::new();
    let mut replays = 0;
    for n in 0..KEYS {
        let resp = post_intake(&base, &key, Some(&format!("k{n}")), &body(n))
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        replays += usize::from(replayed(&resp));
        let id = resp.json::<NewRequestResponse>().await.unwrap().request.id;
        if let Some(first) = answered_before.get(&n) {
            assert_eq!(
                id, *first,
                "key k{n}: the retry names the request first answered"
            );
        }
        assert!(
            ids.insert(id),
            "key k{n}: its request belongs to another key"
        );
    }
    // Every request committed before the kill was found by its key, none created twice.
    assert_eq!(replays as i64, before);
    assert_eq!(count_requests(&pool).await, KEYS as i64);
}

//! Re-checks the token of every open agent socket on this process once per heartbeat period, in
//! one query per 500 tokens, and closes the sockets whose token expired or was revoked (a logout
//! served by another process, say; a logout on this one closes them at once).
//!
//! Why one task: each connection used to check its own token on every heartbeat. At 10,000
//! connections that was 1,000 queries a second, each a round trip to SQLite's worker thread,
//! taking CPU from the fan-out they shared the machine with.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::lds::HEARTBEAT_SECS;
use sqlx::Row;

use crate::store::accounts::token_verdict;
use crate::store::Store;

const TOKENS_PER_QUERY: usize = 500;

/// Runs until the process ends.
pub async fn run(store: Store) {
    let mut tick = tokio::time::interval(Duration::from_secs(HEARTBEAT_SECS));
    loop {
        tick.tick().await;
        if let Err(e) = check_once(&store, Utc::now()).await {
            tracing::warn!("re-checking the open sockets' tokens failed: {e:#}");
        }
    }
}

/// Checks every open socket's token as of `now` and closes those that no longer hold. Returns
/// how many tokens were refused.
pub async fn check_once(store: &Store, now: DateTime<Utc>) -> Result<usize> {
    let digests = store.hub.token_digests();
    let mut refused = 0;
    for chunk in digests.chunks(TOKENS_PER_QUERY) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT hash, expires_at, revoked_at FROM tokens WHERE hash IN ({})",
            marks.join(",")
        );
        let mut query = sqlx::query(&sql);
        for digest in chunk {
            query = query.bind(digest.as_str());
        }
        let mut found = HashMap::new();
        for row in query.fetch_all(&store.db.pool).await? {
            let hash: String = row.try_get(0)?;
            found.insert(hash, (row.try_get(1)?, row.try_get(2)?));
        }
        for digest in chunk {
            if let Err(e) = token_verdict(found.get(digest).copied(), now) {
                store.hub.close_token(digest, e.code(), &e.public_message());
                refused += 1;
            }
        }
    }
    Ok(refused)
}

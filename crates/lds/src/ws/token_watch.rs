//! Re-checks the token of every open agent socket on this process once per heartbeat period, in
//! one query per 500 tokens, and closes the sockets whose token expired or was revoked (a logout
//! served by another process, say; a logout on this one closes them at once).
//!
//! Why one task: each connection used to check its own token on every heartbeat. At 10,000
//! connections that was 1,000 queries a second, each a round trip to SQLite's worker thread,
//! taking CPU from the fan-out they shared the machine with.

use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::lds::HEARTBEAT_SECS;

use crate::domain::accounts;
use crate::fanout::Fanout;

const TOKENS_PER_QUERY: usize = 500;

/// Runs until the process ends.
pub(crate) async fn run(fanout: Fanout) {
    let mut tick = tokio::time::interval(Duration::from_secs(HEARTBEAT_SECS));
    loop {
        tick.tick().await;
        if let Err(e) = check_once(&fanout, Utc::now()).await {
            tracing::warn!("re-checking the open sockets' tokens failed: {e:#}");
        }
    }
}

/// Checks every open socket's token as of `now` and closes those that no longer hold. Returns
/// how many tokens were refused.
pub(crate) async fn check_once(fanout: &Fanout, now: DateTime<Utc>) -> Result<usize> {
    let digests = fanout.hub.token_digests();
    let mut refused = 0;
    for chunk in digests.chunks(TOKENS_PER_QUERY) {
        for (digest, e) in accounts::refused_tokens(&fanout.store.db, chunk, now).await? {
            fanout
                .hub
                .close_token(&digest, e.code(), &e.public_message());
            refused += 1;
        }
    }
    Ok(refused)
}

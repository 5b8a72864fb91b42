//! The per-agent event log: every agent's events numbered gap-free ([`sequencer`]), read back
//! after a sequence number, and the snapshot a client that cannot resume gets ([`snapshot`]).
//!
//! Numbering happens after commit (`fanout::Fanout::publish`); what a reader here finds that
//! this process has not numbered yet (another process's entries, on PostgreSQL) it numbers and
//! returns as deliveries for the fan-out.

pub(crate) mod sequencer;
pub(crate) mod snapshot;

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::AgentId;

use super::requests::idempotency;
use super::Store;
use crate::data::{accounts, events};
use sequencer::Delivery;

/// Numbers every committed entry up to `through` not numbered yet; returns their deliveries.
pub(crate) async fn catch_up_through(store: &Store, through: i64) -> anyhow::Result<Vec<Delivery>> {
    store.sequencer.catch_up(&store.db, through).await
}

/// Numbers every committed entry (another process's, a lost notification); returns the newest
/// log id and the deliveries.
pub(crate) async fn sync(store: &Store) -> anyhow::Result<(i64, Vec<Delivery>)> {
    let mut conn = store.db.pool.acquire().await?;
    let newest = events::newest_id(&mut conn).await?;
    drop(conn);
    Ok((newest, catch_up_through(store, newest).await?))
}

/// The agent's events after `after`, oldest first, at most `limit`, as frames: the newest
/// from memory (the index may not have them yet), older ones from the index.
pub(crate) async fn read_after(
    store: &Store,
    agent: AgentId,
    after: u64,
    limit: i64,
) -> anyhow::Result<Vec<(u64, String)>> {
    // Memory first: an entry leaves memory only once it is indexed, so whatever memory no
    // longer has, the index read below has.
    let held = store.sequencer.frames_after(agent, after);
    let contiguous = held.first().map(|(seq, _)| *seq) == Some(after + 1);
    if contiguous || (held.is_empty() && store.sequencer.head(agent) <= after) {
        return Ok(held.into_iter().take(limit as usize).collect());
    }
    let mut conn = store.db.pool.acquire().await?;
    let mut frames = events::read_indexed_after(&mut conn, agent, after, limit).await?;
    if (frames.len() as i64) < limit {
        let last = frames.last().map_or(after, |(seq, _)| *seq);
        let room = limit as usize - frames.len();
        frames.extend(held.into_iter().filter(|(seq, _)| *seq > last).take(room));
    }
    Ok(frames)
}

/// The agent's newest sequence number and the oldest one still readable (`None`: none is).
pub(crate) async fn bounds(store: &Store, agent: AgentId) -> anyhow::Result<(u64, Option<u64>)> {
    let head = store.sequencer.head(agent);
    let held = store.sequencer.oldest_held(agent);
    let mut conn = store.db.pool.acquire().await?;
    let indexed = events::oldest_indexed(&mut conn, agent).await?;
    let oldest = match (indexed, held) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok((head, oldest))
}

/// What one pruning pass deleted.
pub(crate) struct Pruned {
    pub(crate) events: u64,
    pub(crate) idempotency_keys: u64,
}

/// Deletes events older than the retention (a client away longer gets a snapshot), intake
/// idempotency keys older than a day whatever the retention, and tokens expired before it.
pub(crate) async fn prune(
    store: &Store,
    now: DateTime<Utc>,
    event_retention: Duration,
) -> anyhow::Result<Pruned> {
    let before = now - event_retention;
    let mut w = store.db.begin_write().await?;
    let events = events::prune(&mut w.tx, before).await?;
    let idempotency_keys = idempotency::prune(&mut w.tx, now).await?;
    accounts::prune_tokens(&mut w.tx, before).await?;
    w.commit().await?;
    Ok(Pruned {
        events,
        idempotency_keys,
    })
}

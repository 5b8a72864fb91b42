//! Writes the per-agent index behind the log: `events (agent_id, seq, body_id)` rows for the
//! entries the sequencer applied.
//!
//! Why behind: these are N rows per fan-out, each on its agent's own page of the index. Written
//! by the intake they made it O(N); written here, an agent's page is written once for all the
//! entries of a batch, and no agent waits for it. Nothing is lost if the process dies first:
//! the log holds the entries and their audiences, and the sequencer replays them at start.
//!
//! A batch is split into transactions of at most [`CHUNK_ROWS`] rows, whole agents each, so a
//! writer waiting for SQLite's one write lock waits for one chunk, not the batch; the last chunk
//! advances `log_state.indexed_through`. A batch cut short by a crash leaves rows of entries
//! after `indexed_through`: they are written again, identically, after the restart. Rows are
//! inserted with `ON CONFLICT DO NOTHING`, so that, and two processes indexing the same entries
//! (PostgreSQL), is harmless. No counter is updated here: an agent's counter is its newest row.

use std::time::Duration;

use anyhow::Result;

use super::Fanout;
use crate::data::db::{Backend, WriteTx};
use crate::data::log_index;
use crate::domain::Store;

/// How long applied entries gather before a batch is written: an agent's page of the index is
/// then written once for all its rows of the batch, not once per fan-out. Readers do not wait
/// for the index (unindexed entries are served from memory), so this only costs memory.
const GATHER: Duration = Duration::from_secs(1);
/// Rows per transaction: bounds how long an intake can wait for SQLite's write lock (≈ 1 ms).
const CHUNK_ROWS: usize = 500;
/// The longest the indexer defers to a fan-out in progress before it writes anyway: a fan-out
/// to 10,000 sockets takes both cores for tens of milliseconds, and the index can wait.
const YIELD_AT_MOST: Duration = Duration::from_millis(500);
/// Also how often the sequencer catches up with entries no notification announced.
const SYNC_EVERY: Duration = Duration::from_secs(5);

/// Runs until the process ends.
pub(crate) async fn run(fanout: Fanout) {
    loop {
        let woken = tokio::time::timeout(SYNC_EVERY, fanout.store.sequencer.wait_applied()).await;
        if woken.is_ok() {
            tokio::time::sleep(GATHER).await;
        } else if let Err(e) = fanout.sync_log().await {
            tracing::warn!("reading the event log failed: {e:#}");
        }
        if let Err(e) = index_once(&fanout).await {
            tracing::warn!("writing the event index failed, will retry: {e:#}");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        fanout.hub.quiet(YIELD_AT_MOST).await;
        if let Err(e) = fanout.store.db.checkpoint().await {
            tracing::warn!("checkpointing the SQLite log failed: {e:#}");
        }
    }
}

/// Indexes every entry applied so far.
pub(crate) async fn index_once(fanout: &Fanout) -> Result<()> {
    let store = &fanout.store;
    let (through, entries) = store.sequencer.unindexed();
    fanout.metrics.events_unindexed.set(entries.len() as i64);
    if entries.is_empty() {
        return Ok(());
    }
    let started = std::time::Instant::now();
    // (agent, seq, log id), grouped by agent so each agent's page is visited once.
    let mut rows: Vec<(i64, u64, i64)> = entries
        .iter()
        .flat_map(|a| {
            a.seqs
                .iter()
                .map(|(agent, seq)| (agent.0, *seq, a.event.id))
        })
        .collect();
    rows.sort_unstable();
    let chunks = split_at_agents(&rows, CHUNK_ROWS);
    let last = chunks.len().saturating_sub(1);
    let mut inserted = 0;
    for (i, chunk) in chunks.iter().enumerate() {
        fanout.hub.quiet(YIELD_AT_MOST).await;
        inserted += write_chunk(store, chunk, through, i == last).await?;
    }
    if chunks.is_empty() {
        write_chunk(store, &[], through, true).await?;
    }
    store.sequencer.indexed(through);
    fanout.metrics.events_unindexed.set(0);
    // Rows another process (or an earlier, interrupted batch) wrote already are not counted.
    fanout.metrics.index_rows_written.inc_by(inserted);
    tracing::trace!(
        entries = entries.len(),
        rows = rows.len(),
        chunks = chunks.len().max(1),
        index_us = started.elapsed().as_micros() as u64,
        "event index written"
    );
    Ok(())
}

/// Splits rows sorted by agent into runs of at most `max` rows that never split an agent (an
/// agent with more rows than `max` gets a run of its own).
fn split_at_agents(rows: &[(i64, u64, i64)], max: usize) -> Vec<&[(i64, u64, i64)]> {
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let mut end = (start + max).min(rows.len());
        // Move the cut back to an agent boundary, or forward past this agent's last row.
        while end < rows.len() && end > start && rows[end].0 == rows[end - 1].0 {
            end -= 1;
        }
        if end == start {
            end = start + rows[start..].partition_point(|r| r.0 == rows[start].0);
        }
        chunks.push(&rows[start..end]);
        start = end;
    }
    chunks
}

async fn write_chunk(
    store: &Store,
    rows: &[(i64, u64, i64)],
    through: i64,
    last: bool,
) -> Result<u64> {
    let mut w = begin(store).await?;
    let inserted = log_index::insert_rows(&mut w.tx, rows).await?;
    if last {
        log_index::set_indexed_through(&mut w.tx, through).await?;
    }
    w.commit().await?;
    Ok(inserted)
}

/// SQLite: the one write lock, queued fairly with the intakes. PostgreSQL: a lock of the
/// indexers' own (intakes do not wait for it), so two processes' indexers take turns instead of
/// deadlocking on each other's counter rows.
async fn begin(store: &Store) -> Result<WriteTx> {
    match store.db.backend {
        Backend::Sqlite => store.db.begin_write().await,
        Backend::Postgres => {
            let mut w = store.db.begin_unlocked_write().await?;
            log_index::lock_indexers(&mut w.tx).await?;
            Ok(w)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_at_agents;

    #[test]
    fn chunks_never_split_an_agent_and_stay_under_the_limit_when_they_can() {
        let rows: Vec<(i64, u64, i64)> = [1, 1, 2, 2, 2, 3, 4, 4, 4, 4, 4, 5]
            .iter()
            .enumerate()
            .map(|(i, a)| (*a, i as u64, 0))
            .collect();
        let chunks = split_at_agents(&rows, 4);
        let agents: Vec<Vec<i64>> = chunks
            .iter()
            .map(|c| c.iter().map(|r| r.0).collect())
            .collect();
        assert_eq!(
            agents,
            vec![vec![1, 1], vec![2, 2, 2, 3], vec![4, 4, 4, 4, 4], vec![5]]
        );
        assert_eq!(chunks.iter().map(|c| c.len()).sum::<usize>(), rows.len());
        assert!(split_at_agents(&[], 4).is_empty());
    }
}

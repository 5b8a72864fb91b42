//! Every read and write of the LDS's state. A write is one transaction that changes the domain
//! rows *and* appends the events it causes to the log; the events are numbered for each agent
//! and handed to live connections only after the commit ([`Store::commit`]), so an agent never
//! hears of a change that did not happen.

pub mod accounts;
pub mod cancel;
pub mod due_at;
pub mod events;
pub mod idempotency;
pub mod indexer;
pub mod rate_limits;
pub mod requests;
pub mod rows;
pub mod sequencer;
pub mod sessions;
pub mod snapshot;

use std::sync::Arc;

use headsup_protocol::AgentId;
use sqlx::Row;

use crate::db::{Backend, Db, WriteTx};
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::pg_fanout;
use events::Outbox;
use sequencer::{Entry, Sequencer};

#[derive(Clone)]
pub struct Store {
    pub db: Db,
    pub hub: Arc<Hub>,
    pub metrics: Arc<Metrics>,
    pub sequencer: Arc<Sequencer>,
    /// Identifies this process in cross-process notifications, so it skips its own.
    pub origin: Arc<str>,
}

impl Store {
    /// Opens the store: numbers every logged event the index does not hold yet (after a crash,
    /// the entries written since the last index batch).
    pub async fn open(db: Db, hub: Arc<Hub>, metrics: Arc<Metrics>) -> anyhow::Result<Store> {
        let sequencer = Arc::new(Sequencer::load(&db).await?);
        Ok(Store {
            db,
            hub,
            metrics,
            sequencer,
            origin: crate::auth::new_secret("proc").into(),
        })
    }

    /// Commits `tx`, then numbers the entries it logged and hands them to live connections. On
    /// PostgreSQL the entries are announced to other processes with NOTIFY, which PostgreSQL
    /// delivers only if the transaction commits.
    pub async fn commit(&self, mut tx: WriteTx, outbox: Outbox) -> anyhow::Result<()> {
        let newest = outbox.items.last().map(|e| e.event.id);
        if let (Backend::Postgres, Some(id)) = (self.db.backend, newest) {
            pg_fanout::notify(&mut tx, &self.origin, id).await?;
        }
        // SQLite: numbered while this process's writer slot is still held, so entries are
        // numbered in commit order without reading them back.
        let slot = tx.commit_holding_slot().await?;
        if !outbox.items.is_empty() {
            self.publish_committed(outbox.items).await;
        }
        drop(slot);
        Ok(())
    }

    /// Numbers committed entries and publishes them. The commit stands whatever happens here: a
    /// failure to read a gap is logged, and the entries are numbered by the next catch-up.
    async fn publish_committed(&self, entries: Vec<Entry>) {
        let first = entries[0].event.id;
        if self.sequencer.applied_through() < first - 1 {
            // Entries committed before these that this process has not numbered yet (another
            // process's, on PostgreSQL): read them first.
            if let Err(e) = self.catch_up_through(first - 1).await {
                tracing::warn!("reading the event log before publishing failed: {e:#}");
                return;
            }
        }
        let started = std::time::Instant::now();
        let deliveries = self.sequencer.apply(entries);
        let count = deliveries.len();
        self.metrics.events_written.inc_by(count as u64);
        self.hub.publish(deliveries);
        tracing::trace!(
            deliveries = count,
            number_publish_us = started.elapsed().as_micros() as u64,
            "events numbered and published"
        );
    }

    /// Numbers and publishes every committed entry up to `through` not numbered yet.
    pub async fn catch_up_through(&self, through: i64) -> anyhow::Result<()> {
        let deliveries = self.sequencer.catch_up(&self.db, through).await?;
        self.metrics.events_written.inc_by(deliveries.len() as u64);
        self.hub.publish(deliveries);
        Ok(())
    }

    /// Catches up with every committed entry (another process's, a lost notification).
    pub async fn sync_log(&self) -> anyhow::Result<i64> {
        let newest: Option<i64> = sqlx::query("SELECT MAX(id) FROM event_bodies")
            .fetch_one(&self.db.pool)
            .await?
            .try_get(0)?;
        let newest = newest.unwrap_or(0);
        self.catch_up_through(newest).await?;
        Ok(newest)
    }

    /// The agent's events after `after`, oldest first, at most `limit`, as frames: the newest
    /// from memory (the index may not have them yet), older ones from the index.
    pub async fn read_after(
        &self,
        agent: AgentId,
        after: u64,
        limit: i64,
    ) -> anyhow::Result<Vec<(u64, String)>> {
        // Memory first: an entry leaves memory only once it is indexed, so whatever memory no
        // longer has, the index read below has.
        let held = self.sequencer.frames_after(agent, after);
        let contiguous = held.first().map(|(seq, _)| *seq) == Some(after + 1);
        if contiguous || (held.is_empty() && self.sequencer.head(agent) <= after) {
            return Ok(held.into_iter().take(limit as usize).collect());
        }
        let mut conn = self.db.pool.acquire().await?;
        let mut frames = events::read_indexed_after(&mut conn, agent, after, limit).await?;
        if (frames.len() as i64) < limit {
            let last = frames.last().map_or(after, |(seq, _)| *seq);
            let room = limit as usize - frames.len();
            frames.extend(held.into_iter().filter(|(seq, _)| *seq > last).take(room));
        }
        Ok(frames)
    }

    /// The agent's newest sequence number and the oldest one still readable (`None`: none is).
    pub async fn bounds(&self, agent: AgentId) -> anyhow::Result<(u64, Option<u64>)> {
        let head = self.sequencer.head(agent);
        let held = self.sequencer.oldest_held(agent);
        let mut conn = self.db.pool.acquire().await?;
        let indexed = events::oldest_indexed(&mut conn, agent).await?;
        let oldest = match (indexed, held) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Ok((head, oldest))
    }
}

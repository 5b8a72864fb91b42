//! The domain layer: the LDS's rules and transactions, one module per domain.
//!
//! Each transaction is a function that opens a write transaction through the data layer,
//! changes the rows, appends the events it causes to the log (in the same transaction, so
//! nothing is half-written and no event is lost), commits, and **returns** what there is to
//! publish ([`Published`]): it never publishes itself, counts no metric and rings no phone. The
//! edges (`http`, `ws`, `timers`, `telephony`) call it and hand the result to the fan-out
//! (`fanout::Fanout::publish`) and, for a won claim, to telephony. This layer imports the data
//! layer only.
//!
//! Domains: [`requests`] (intake, offers, the claim, rejections, scheduled calls, timeouts,
//! cancels), [`sessions`] (an accepted request's calls), [`accounts`] (teams, agents, tokens,
//! sign-in limits), [`queues`] (queues, memberships, agent status and its reasons) and [`log`]
//! (the per-agent event log: numbering, reading, snapshots). The next desks add theirs beside
//! them — `conversations` (chat messages), `contacts`, `call_cases` — each a module with its
//! transactions here and its rows in `data/`.

pub(crate) mod accounts;
pub(crate) mod attachments;
pub(crate) mod call_cases;
pub(crate) mod contacts;
pub(crate) mod conversations;
pub(crate) mod log;
pub(crate) mod masking;
pub(crate) mod queues;
pub(crate) mod requests;
pub(crate) mod sessions;

use std::sync::Arc;

use crate::data::db::{Backend, Db, WriteTx, WriterSlot};
use crate::data::events::{Entry, Outbox};
use crate::data::notify;
use log::sequencer::Sequencer;

/// The database and the per-agent numbering every transaction and reader shares.
#[derive(Clone)]
pub(crate) struct Store {
    pub(crate) db: Db,
    pub(crate) sequencer: Arc<Sequencer>,
    /// Identifies this process in cross-process notifications, so it skips its own.
    pub(crate) origin: Arc<str>,
    /// Where conversations read "now" (the reply window's rule spans a day).
    pub(crate) clock: crate::time::Clock,
}

impl Store {
    /// Opens the store: numbers every logged event the index does not hold yet (after a crash,
    /// the entries written since the last index batch).
    pub(crate) async fn open(db: Db) -> anyhow::Result<Store> {
        let sequencer = Arc::new(Sequencer::load(&db).await?);
        Ok(Store {
            db,
            sequencer,
            origin: crate::auth::new_secret("proc").into(),
            clock: crate::time::Clock::default(),
        })
    }

    /// Commits `tx` and returns its log entries to publish. On PostgreSQL the entries are
    /// announced to other processes with NOTIFY, which PostgreSQL delivers only if the
    /// transaction commits.
    pub(crate) async fn commit(
        &self,
        mut tx: WriteTx,
        outbox: Outbox,
    ) -> anyhow::Result<Published> {
        let newest = outbox.items.last().map(|e| e.event.id);
        if let (Backend::Postgres, Some(id)) = (self.db.backend, newest) {
            notify::notify(&mut tx.tx, &self.origin, id).await?;
        }
        // SQLite: the writer slot is kept until the entries are numbered (see `Published`).
        let slot = tx.commit_holding_slot().await?;
        Ok(Published {
            entries: outbox.items,
            slot: Some(slot),
            tally: Tally::default(),
        })
    }
}

/// What a committed transaction leaves for the edges to do: its log entries to number and hand
/// to the connections, and what to count.
///
/// On SQLite it holds this process's writer slot, so entries are numbered in commit order
/// without reading them back: publish it (`fanout::Fanout::publish`) before starting another
/// write on this task, or that write waits forever. Dropped unpublished, the entries are still
/// numbered by the next catch-up (the log is the truth).
#[must_use = "publish it: it holds the writer slot and the events to deliver"]
pub(crate) struct Published {
    pub(crate) entries: Vec<Entry>,
    pub(crate) slot: Option<WriterSlot>,
    pub(crate) tally: Tally,
}

impl Published {
    /// Nothing to publish.
    pub(crate) fn nothing() -> Published {
        Published {
            entries: Vec::new(),
            slot: None,
            tally: Tally::default(),
        }
    }

    pub(crate) fn counting(mut self, tally: Tally) -> Published {
        self.tally = tally;
        self
    }
}

/// What a transaction did that `/metrics` counts.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Tally {
    pub(crate) requests_created: u64,
    pub(crate) claims_won: u64,
    pub(crate) requests_timed_out: u64,
}

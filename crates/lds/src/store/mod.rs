//! Every read and write of the LDS's state. A write is one transaction that changes the domain
//! rows *and* appends the events it causes to each agent's log; the events are handed to live
//! connections only after the commit ([`Store::commit`]), so an agent never hears of a change
//! that did not happen.

pub mod accounts;
pub mod cancel;
pub mod events;
pub mod rate_limits;
pub mod requests;
pub mod rows;
pub mod sessions;
pub mod snapshot;

use std::sync::Arc;

use crate::db::{Db, WriteTx};
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::pg_fanout;
use events::Outbox;

#[derive(Clone)]
pub struct Store {
    pub db: Db,
    pub hub: Arc<Hub>,
    pub metrics: Arc<Metrics>,
    /// Identifies this process in cross-process notifications, so it skips its own.
    pub origin: Arc<str>,
}

impl Store {
    pub fn new(db: Db, hub: Arc<Hub>, metrics: Arc<Metrics>) -> Store {
        Store {
            db,
            hub,
            metrics,
            origin: crate::auth::new_secret("proc").into(),
        }
    }

    /// Commits `tx` and then hands the events it wrote to live connections. On PostgreSQL the
    /// same events are announced to other processes with NOTIFY, which PostgreSQL delivers only
    /// if the transaction commits.
    pub async fn commit(&self, mut tx: WriteTx, outbox: Outbox) -> anyhow::Result<()> {
        if self.db.backend == crate::db::Backend::Postgres && !outbox.items.is_empty() {
            pg_fanout::notify(&mut tx, &self.origin, &outbox.items).await?;
        }
        tx.commit().await?;
        self.metrics
            .events_written
            .inc_by(outbox.items.len() as u64);
        self.hub.publish(&outbox.items);
        Ok(())
    }
}

//! Hooks for the integration tests (`crates/lds/tests`) into what a running server keeps in
//! memory and does in the background: the per-agent numbering, the index writer, the token
//! watch, pruning. Not an API for anything else: the server's surface is HTTP and the
//! WebSocket (`docs/protocol.md`).
//!
//! A [`Probe`] comes from [`crate::Server::probe`], or [`Probe::open`] for a store on a database
//! with no server running (as if the process had died before its background work ran).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use headsup_protocol::lds::NewRequest;
use headsup_protocol::model::Request;
use headsup_protocol::{AgentId, TeamId};

use crate::app::AppState;
use crate::channels::FakeWhatsApp;
use crate::data::accounts::Team;
use crate::data::db::Db;
use crate::data::{accounts, events};
use crate::domain::log::sequencer::Sequencer;
use crate::domain::{log, requests, Store};
use crate::fanout::{hub::Hub, index_writer, Fanout};
use crate::metrics::Metrics;

/// A handle on one server's (or one store's) state.
#[derive(Clone)]
pub struct Probe {
    fanout: Fanout,
    whatsapp: Arc<FakeWhatsApp>,
}

impl Probe {
    pub(crate) fn of(state: &AppState) -> Probe {
        Probe {
            fanout: state.fanout.clone(),
            whatsapp: state.channels.fake_whatsapp.clone(),
        }
    }

    /// The server's simulated WhatsApp provider (what agents' messages it was handed).
    pub fn fake_whatsapp(&self) -> &FakeWhatsApp {
        &self.whatsapp
    }

    /// Moves the clock conversations read forward (the reply window), instead of sleeping.
    pub fn advance_clock(&self, by: chrono::Duration) {
        self.fanout.store.clock.advance(by);
    }

    /// Runs the call cases' scan now, on the store's clock, as the server's timer does every
    /// tick (so a test that moved the clock knows a scan ran after the move).
    pub async fn scan_call_cases(&self) -> anyhow::Result<()> {
        crate::timers::scan_call_cases(&self.fanout).await;
        Ok(())
    }

    /// A store on `db` with no server, no index writer and no timers: what it logs stays
    /// unindexed.
    pub async fn open(db: Db) -> anyhow::Result<Probe> {
        let store = Store::open(db).await?;
        Ok(Probe {
            fanout: Fanout::new(store, Hub::new(), Arc::new(Metrics::new())),
            whatsapp: Arc::default(),
        })
    }

    pub fn db(&self) -> &Db {
        &self.fanout.store.db
    }

    /// The agent's newest sequence number.
    pub fn head(&self, agent: AgentId) -> u64 {
        self.fanout.store.sequencer.head(agent)
    }

    /// The agent's newest sequence number and the oldest one still readable.
    pub async fn bounds(&self, agent: AgentId) -> anyhow::Result<(u64, Option<u64>)> {
        log::bounds(&self.fanout.store, agent).await
    }

    /// The agent's events after `after` as `(seq, frame)`, as a reconnecting client reads them.
    pub async fn read_after(
        &self,
        agent: AgentId,
        after: u64,
        limit: i64,
    ) -> anyhow::Result<Vec<(u64, String)>> {
        log::read_after(&self.fanout.store, agent, after, limit).await
    }

    /// A customer request taken in as `POST /api/v1/requests` takes it (without a key), and
    /// published.
    pub async fn intake(&self, team: &Team, new: NewRequest) -> anyhow::Result<Request> {
        let (request, published) = requests::intake(&self.fanout.store, team, new)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        self.fanout.publish(published).await;
        Ok(request)
    }

    /// Times out the offers expired as of `now` and publishes it, as the offer-timeout timer
    /// does every few hundred milliseconds; returns how many timed out.
    pub async fn time_out_offers(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let (done, published) =
            requests::timeouts::time_out_expired(&self.fanout.store, now, 500).await?;
        self.fanout.publish(published).await;
        Ok(done)
    }

    /// Writes the per-agent index now, as the index writer does every second.
    pub async fn index_now(&self) -> anyhow::Result<()> {
        index_writer::index_once(&self.fanout).await
    }

    /// Re-checks the open sockets' tokens as of `now`, as the token watch does every heartbeat;
    /// returns how many it refused.
    pub async fn check_tokens(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        crate::ws::token_watch::check_once(&self.fanout, now).await
    }

    /// Deletes the events older than `before` the log may let go of; returns the agents' index
    /// rows deleted.
    pub async fn prune_events(&self, before: DateTime<Utc>) -> anyhow::Result<u64> {
        let mut w = self.db().begin_write().await?;
        let pruned = events::prune(&mut w.tx, before).await?;
        w.commit().await?;
        Ok(pruned)
    }

    /// Forgets intake idempotency keys older than a day as of `now`; returns how many.
    pub async fn prune_idempotency_keys(&self, now: DateTime<Utc>) -> anyhow::Result<u64> {
        let mut conn = self.db().pool.acquire().await?;
        requests::idempotency::prune(&mut conn, now).await
    }

    /// The agents of `team` signed in as of `now`: the audience of every offer.
    pub async fn signed_in(
        &self,
        team: TeamId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<AgentId>> {
        let mut conn = self.db().pool.acquire().await?;
        accounts::signed_in_agents(&mut conn, team, now).await
    }

    /// Writes a socket would not take at once (a slow client), queued for its connection.
    pub fn ws_writes_queued(&self) -> u64 {
        self.fanout.metrics.ws_writes_queued.get()
    }

    /// Events not queued for a client whose queue was full, left for it to read from the log.
    pub fn ws_events_left_to_log(&self) -> u64 {
        self.fanout.metrics.ws_events_left_to_log.get()
    }
}

/// The agent's newest sequence number as a restarted process numbers it: from the index and
/// the log alone.
pub async fn head_from_log(db: &Db, agent: AgentId) -> anyhow::Result<u64> {
    Ok(Sequencer::load(db).await?.head(agent))
}

/// The agent's indexed events after `after_seq`, as `(seq, frame)`.
pub async fn read_indexed_after(
    db: &Db,
    agent: AgentId,
    after_seq: u64,
    limit: i64,
) -> anyhow::Result<Vec<(u64, String)>> {
    events::read_indexed_after(&mut *db.pool.acquire().await?, agent, after_seq, limit).await
}

/// The agent's oldest sequence number still in the index.
pub async fn oldest_indexed(db: &Db, agent: AgentId) -> anyhow::Result<Option<u64>> {
    events::oldest_indexed(&mut *db.pool.acquire().await?, agent).await
}

pub use crate::data::events::frame_text;

//! The fan-out edge: numbers what the domain committed and hands it to the agents' sockets.
//!
//! [`Fanout::publish`] takes a transaction's [`Published`] entries, numbers them per agent (the
//! domain's sequencer) and gives the deliveries to the [`hub::Hub`], which writes them into the
//! sockets' [`outlet::Outlet`]s. [`pg_listen`] does the same for other processes' entries
//! (PostgreSQL's LISTEN/NOTIFY), and [`index_writer`] writes the per-agent index behind the log.
//! An event about a conversation also wakes its customers' sockets ([`chat_hub::ChatHub`]), so
//! they hear of a change made by any process the moment this one delivers it.

pub(crate) mod case_notices;
pub(crate) mod chat_hub;
pub(crate) mod hub;
pub(crate) mod index_writer;
pub(crate) mod outlet;
pub(crate) mod pg_listen;

use std::sync::Arc;

use crate::data::events::Entry;
use crate::domain::log::{self, sequencer::Delivery};
use crate::domain::{Published, Store};
use crate::metrics::Metrics;
use chat_hub::ChatHub;
use hub::Hub;

/// Numbers committed entries and delivers them to this process's connections.
#[derive(Clone)]
pub(crate) struct Fanout {
    pub(crate) store: Store,
    pub(crate) hub: Arc<Hub>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) chats: ChatHub,
}

impl Fanout {
    pub(crate) fn new(store: Store, hub: Arc<Hub>, metrics: Arc<Metrics>) -> Fanout {
        Fanout {
            store,
            hub,
            metrics,
            chats: ChatHub::default(),
        }
    }

    /// Counts what the transaction did, numbers its entries and hands them to the hub, then
    /// lets go of the writer slot it held. The commit stands whatever happens here: a failure
    /// to read a gap is logged, and the entries are numbered by the next catch-up.
    pub(crate) async fn publish(&self, published: Published) {
        let Published {
            entries,
            slot,
            tally,
        } = published;
        if !entries.is_empty() {
            self.number_and_deliver(entries).await;
        }
        // SQLite: numbered while this process's writer slot was still held, so entries are
        // numbered in commit order without reading them back.
        drop(slot);
        let m = &self.metrics;
        m.requests_created.inc_by(tally.requests_created);
        m.claims_won.inc_by(tally.claims_won);
        m.requests_timed_out.inc_by(tally.requests_timed_out);
    }

    async fn number_and_deliver(&self, entries: Vec<Entry>) {
        let first = entries[0].event.id;
        let sequencer = &self.store.sequencer;
        if sequencer.applied_through() < first - 1 {
            // Entries committed before these that this process has not numbered yet (another
            // process's, on PostgreSQL): read them first.
            if let Err(e) = self.catch_up_through(first - 1).await {
                tracing::warn!("reading the event log before publishing failed: {e:#}");
                return;
            }
        }
        let started = std::time::Instant::now();
        let deliveries = sequencer.apply(entries);
        let count = deliveries.len();
        self.deliver(deliveries);
        tracing::trace!(
            deliveries = count,
            number_publish_us = started.elapsed().as_micros() as u64,
            "events numbered and published"
        );
    }

    /// Hands numbered events to the hub.
    pub(crate) fn deliver(&self, deliveries: Vec<Delivery>) {
        self.metrics.events_written.inc_by(deliveries.len() as u64);
        wake_customers(&self.chats, &deliveries);
        self.hub.publish(deliveries);
    }

    /// Numbers and delivers every committed entry up to `through` not numbered yet.
    pub(crate) async fn catch_up_through(&self, through: i64) -> anyhow::Result<()> {
        let deliveries = log::catch_up_through(&self.store, through).await?;
        self.deliver(deliveries);
        Ok(())
    }

    /// Numbers and delivers every committed entry (another process's, a lost notification).
    pub(crate) async fn sync_log(&self) -> anyhow::Result<i64> {
        let (newest, deliveries) = log::sync(&self.store).await?;
        self.deliver(deliveries);
        Ok(newest)
    }
}

/// Wakes the customer sockets of every conversation the deliveries are about.
fn wake_customers(chats: &ChatHub, deliveries: &[Delivery]) {
    // The deliveries of one event sit together (one per agent of its audience): poke once.
    let mut last = None;
    for d in deliveries {
        if last != Some(d.event.id) {
            last = Some(d.event.id);
            if let Some(conversation) = d.event.conversation {
                chats.poke(conversation);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use headsup_protocol::{AgentId, ConversationId};

    use super::*;
    use crate::data::events::LoggedEvent;

    fn delivery(id: i64, agent: i64, conversation: Option<i64>) -> Delivery {
        Delivery {
            agent: AgentId(agent),
            seq: 1,
            event: Arc::new(LoggedEvent {
                id,
                at: String::new(),
                body: String::new(),
                conversation: conversation.map(ConversationId),
            }),
        }
    }

    #[test]
    fn an_event_about_a_conversation_wakes_its_customers_and_no_other() {
        let chats = ChatHub::default();
        let mut about = chats.watch(ConversationId(7));
        let mut other = chats.watch(ConversationId(8));
        wake_customers(&chats, &[delivery(1, 1, None), delivery(2, 1, None)]);
        assert!(!about.has_changed().unwrap(), "no chat event, no wake");
        wake_customers(&chats, &[delivery(3, 1, Some(7)), delivery(3, 2, Some(7))]);
        assert!(about.has_changed().unwrap());
        assert!(!other.has_changed().unwrap());
        assert_eq!(
            *about.borrow_and_update(),
            1,
            "one wake for one event, whatever its audience"
        );
        other.mark_unchanged();
    }
}

//! The demo's WhatsApp customers: every other demo chat comes from a phone through the fake
//! WhatsApp provider, and the "provider" ticks what agents send — delivered after a moment, read
//! a little later — so both ticks and the template of seed 003 can be seen without a phone.

use std::collections::HashSet;
use std::time::Duration;

use headsup_protocol::chat::{MessageState, ProviderInbound, ProviderReceipt};
use headsup_protocol::MessageId;

use crate::channels::FakeWhatsApp;
use crate::data::accounts::Team;
use crate::domain::conversations::provider;
use crate::domain::queues::admin as queues_admin;
use crate::fanout::Fanout;

/// The recontact template of seed 003: what an agent may send once the customer's 24 hours are
/// over.
pub(crate) const RECONTACT: (&str, &str) = (
    "recontact",
    "Hello {name}, this is the support team getting back to you. Reply to continue our chat.",
);

const DELIVERED_AFTER: Duration = Duration::from_secs(1);
const READ_AFTER: Duration = Duration::from_secs(4);

/// A customer's first words from their phone, as the provider's webhook would deliver them.
pub(crate) fn inbound(n: usize, name: Option<&str>, phone: &str) -> ProviderInbound {
    ProviderInbound {
        from: phone.to_string(),
        name: name.map(str::to_string),
        text: "Hola, I wrote on WhatsApp: can you call me about my order?".to_string(),
        // Unique across runs of the demo on the same database, or the message is a repeat.
        id: format!("demo-wa-{}-{n}", chrono::Utc::now().timestamp_millis()),
    }
}

pub(crate) async fn add_template(db: &crate::data::db::Db, team: &str) -> anyhow::Result<()> {
    queues_admin::put_template(db, team, RECONTACT.0, RECONTACT.1).await
}

pub(crate) async fn deliver(fanout: &Fanout, team: &Team, inbound: ProviderInbound) {
    match provider::inbound(&fanout.store, team, None, inbound).await {
        Ok((stored, published)) => {
            fanout.publish(published).await;
            tracing::info!(conversation = %stored.conversation, "demo WhatsApp message");
        }
        Err(e) => tracing::warn!("demo WhatsApp message failed: {e}"),
    }
}

/// Plays the provider's receipts for every message agents hand to the fake, forever.
pub(crate) async fn tick_receipts(fanout: Fanout, team: Team, fake: std::sync::Arc<FakeWhatsApp>) {
    let mut seen: HashSet<MessageId> = HashSet::new();
    let mut poll = tokio::time::interval(Duration::from_millis(500));
    loop {
        poll.tick().await;
        for sent in fake.sent() {
            if seen.insert(sent.message) {
                tokio::spawn(receipts(fanout.clone(), team.clone(), sent.message));
            }
        }
    }
}

async fn receipts(fanout: Fanout, team: Team, message: MessageId) {
    tokio::time::sleep(DELIVERED_AFTER).await;
    receipt(&fanout, &team, message, MessageState::Delivered).await;
    tokio::time::sleep(READ_AFTER - DELIVERED_AFTER).await;
    receipt(&fanout, &team, message, MessageState::Read).await;
}

async fn receipt(fanout: &Fanout, team: &Team, message: MessageId, state: MessageState) {
    let receipt = ProviderReceipt {
        message,
        state,
        reason: None,
    };
    match provider::receipt(&fanout.store, team, receipt).await {
        Ok((_, published)) => fanout.publish(published).await,
        Err(e) => tracing::debug!(%message, "demo receipt not taken: {e}"),
    }
}

//! External messaging providers, an edge like `telephony`: a provider (WhatsApp and the like) is
//! a true external boundary, so it sits behind [`Channel`]. An agent's message on a provider's
//! conversation is stored first (`domain::conversations::agent`), then handed over here after
//! the commit; a refusal marks it failed with the provider's reason. What comes back from the
//! provider (customers' messages, receipts) arrives over HTTP (`http::sim_whatsapp`).
//!
//! [`FakeWhatsApp`] is the one shipped: a simulator that records what it was given.

mod fake_whatsapp;

use std::sync::Arc;

use headsup_protocol::chat::Message;
use headsup_protocol::MessageId;

use crate::data::channels::ChannelKind;
use crate::domain::conversations::agent::Outbound;
use crate::domain::conversations::provider;
use crate::domain::Store;
use crate::fanout::Fanout;
pub use fake_whatsapp::{FakeWhatsApp, FakeWhatsAppSent};

/// A messaging provider.
pub(crate) trait Channel: Send + Sync + 'static {
    /// Hands an agent's message to the provider for the customer at `to`. Must not block: a
    /// provider reached over the network queues the call and reports back as receipts do.
    /// `Err` is the provider's refusal, in words the agent can act on.
    fn send(&self, to: &str, message: MessageId, body: &str) -> Result<(), String>;
}

/// The providers this server speaks to, one per kind of channel account.
#[derive(Clone, Default)]
pub(crate) struct Channels {
    pub(crate) fake_whatsapp: Arc<FakeWhatsApp>,
}

impl Channels {
    fn of(&self, kind: ChannelKind) -> Option<&dyn Channel> {
        match kind {
            ChannelKind::Web => None,
            ChannelKind::FakeWhatsapp => Some(self.fake_whatsapp.as_ref()),
        }
    }
}

/// Hands what an agent wrote to its provider; a refusal fails the message (the agent sees the
/// reason, never a silent missing tick) and returns it failed, for the command's reply.
pub(crate) async fn deliver(
    channels: &Channels,
    store: &Store,
    fanout: &Fanout,
    outbound: Outbound,
) -> Option<Message> {
    let channel = channels.of(outbound.kind)?;
    let Err(reason) = channel.send(&outbound.to, outbound.message, &outbound.body) else {
        return None;
    };
    match provider::not_sent(store, outbound.message, &reason).await {
        Ok((failed, published)) => {
            fanout.publish(published).await;
            failed
        }
        Err(e) => {
            tracing::error!("marking message {} failed: {e}", outbound.message);
            None
        }
    }
}

//! The simulated WhatsApp provider: it takes every agent's message (recording it) and answers
//! nothing by itself; its receipts and customers' messages are reported through
//! `/api/v1/sim/whatsapp/…` (or `lds sim message` / `lds sim receipt`), as a provider's webhooks
//! would, so a test or a demo decides when a tick moves.

use std::sync::Mutex;

use headsup_protocol::MessageId;

use super::Channel;

/// One message the fake was handed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeWhatsAppSent {
    pub to: String,
    pub message: MessageId,
    pub body: String,
}

#[derive(Default)]
pub struct FakeWhatsApp {
    sent: Mutex<Vec<FakeWhatsAppSent>>,
    refuse_next: Mutex<Option<String>>,
}

impl FakeWhatsApp {
    /// What it was handed, oldest first.
    pub fn sent(&self) -> Vec<FakeWhatsAppSent> {
        self.sent.lock().expect("fake lock").clone()
    }

    /// The next message handed over is refused with `reason` (as a provider refuses a blocked
    /// number), and not recorded.
    pub fn refuse_next(&self, reason: &str) {
        *self.refuse_next.lock().expect("fake lock") = Some(reason.to_string());
    }
}

impl Channel for FakeWhatsApp {
    fn send(&self, to: &str, message: MessageId, body: &str) -> Result<(), String> {
        if let Some(reason) = self.refuse_next.lock().expect("fake lock").take() {
            return Err(reason);
        }
        self.sent.lock().expect("fake lock").push(FakeWhatsAppSent {
            to: to.to_string(),
            message,
            body: body.to_string(),
        });
        Ok(())
    }
}

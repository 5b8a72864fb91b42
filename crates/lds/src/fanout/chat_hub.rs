//! Wakes the customer sockets of a conversation when something in it changed (a message, a tick,
//! the agent joining or closing). A socket woken reads what changed from the database, so a wake
//! carries nothing and a missed one costs nothing but time.
//!
//! Wakes come from the fan-out (every delivered event about a conversation, this process's or
//! another's read from the log) and from the customer edge (a customer's own message, which may
//! have no agent yet to hear of it). What neither tells of — another process's customer tab
//! writing while no agent has the conversation — a socket finds in its timed look every
//! [`LOOK_EVERY`]; that look is rare, so a thousand idle customers cost the database little.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use headsup_protocol::ConversationId;
use tokio::sync::watch;

/// How often a customer socket looks for changes no wake told it of.
pub(crate) const LOOK_EVERY: Duration = Duration::from_secs(30);

#[derive(Clone, Default)]
pub(crate) struct ChatHub {
    conversations: Arc<Mutex<HashMap<ConversationId, watch::Sender<u64>>>>,
}

impl ChatHub {
    /// A receiver that changes each time the conversation is poked.
    pub(crate) fn watch(&self, id: ConversationId) -> watch::Receiver<u64> {
        let mut map = self.conversations.lock().expect("hub lock");
        map.entry(id)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe()
    }

    /// Something changed in the conversation: its sockets look. Entries nobody watches are
    /// dropped here, so the map holds only conversations with a customer connected.
    pub(crate) fn poke(&self, id: ConversationId) {
        let mut map = self.conversations.lock().expect("hub lock");
        if let Some(tx) = map.get(&id) {
            if tx.receiver_count() == 0 {
                map.remove(&id);
            } else {
                tx.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_poke_wakes_every_watcher_of_that_conversation_only() {
        let hub = ChatHub::default();
        let mut a = hub.watch(ConversationId(1));
        let mut b = hub.watch(ConversationId(1));
        let mut other = hub.watch(ConversationId(2));
        hub.poke(ConversationId(1));
        assert!(a.has_changed().unwrap());
        assert!(b.has_changed().unwrap());
        assert!(!other.has_changed().unwrap());
        a.mark_unchanged();
        b.mark_unchanged();
        other.mark_unchanged();
        drop((a, b));
        hub.poke(ConversationId(1));
        assert!(!hub
            .conversations
            .lock()
            .unwrap()
            .contains_key(&ConversationId(1)));
    }
}

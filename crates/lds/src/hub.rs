//! Hands committed events to the WebSocket connections on this process.
//!
//! The hub is only a doorbell with the frame attached: the database is the truth. A connection
//! that finds a gap (it missed a push because its queue was full, or the event was written by
//! another process) reads what it missed from the event log, so a lost push costs latency, never
//! an event.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use headsup_protocol::{AgentId, ErrorCode};
use tokio::sync::mpsc;

use crate::store::events::LoggedEvent;

/// A committed event numbered for one agent. The frame is built by the connection that sends
/// it ([`LoggedEvent::frame`]), on its own task, rather than N times by the publisher.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub agent: AgentId,
    pub seq: u64,
    pub event: Arc<LoggedEvent>,
}

#[derive(Debug, Clone)]
pub enum Push {
    Event {
        seq: u64,
        event: Arc<LoggedEvent>,
    },
    /// The token this connection signed in with no longer holds (logout, expiry): close it
    /// with this error.
    Closed(ErrorCode, Arc<str>),
}

/// Per-connection queue length. A connection further behind than this catches up from the log.
const QUEUE: usize = 1024;

pub struct Subscription {
    pub rx: mpsc::Receiver<Push>,
    /// Set when a push was dropped because the queue was full.
    pub lagged: Arc<AtomicBool>,
    hub: Arc<Hub>,
    agent: AgentId,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.unsubscribe(self.agent, self.id);
    }
}

struct Subscriber {
    id: u64,
    token_digest: String,
    tx: mpsc::Sender<Push>,
    lagged: Arc<AtomicBool>,
}

#[derive(Default)]
pub struct Hub {
    agents: Mutex<HashMap<AgentId, Vec<Subscriber>>>,
    next_id: AtomicU64,
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub::default())
    }

    pub fn subscribe(self: &Arc<Self>, agent: AgentId, token_digest: String) -> Subscription {
        let (tx, rx) = mpsc::channel(QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let lagged = Arc::new(AtomicBool::new(false));
        self.agents
            .lock()
            .expect("hub lock")
            .entry(agent)
            .or_default()
            .push(Subscriber {
                id,
                token_digest,
                tx,
                lagged: lagged.clone(),
            });
        Subscription {
            rx,
            lagged,
            hub: self.clone(),
            agent,
            id,
        }
    }

    fn unsubscribe(&self, agent: AgentId, id: u64) {
        let mut agents = self.agents.lock().expect("hub lock");
        if let Some(subs) = agents.get_mut(&agent) {
            subs.retain(|s| s.id != id);
            if subs.is_empty() {
                agents.remove(&agent);
            }
        }
    }

    /// Agents with at least one connection on this process (for cross-process fan-out).
    pub fn is_connected(&self, agent: AgentId) -> bool {
        self.agents.lock().expect("hub lock").contains_key(&agent)
    }

    pub fn connection_count(&self) -> usize {
        self.agents
            .lock()
            .expect("hub lock")
            .values()
            .map(Vec::len)
            .sum()
    }

    pub fn publish(&self, deliveries: &[Delivery]) {
        let agents = self.agents.lock().expect("hub lock");
        for d in deliveries {
            if let Some(subs) = agents.get(&d.agent) {
                for s in subs {
                    let push = Push::Event {
                        seq: d.seq,
                        event: d.event.clone(),
                    };
                    if s.tx.try_send(push).is_err() {
                        s.lagged.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
    }

    /// Closes every connection signed in with this token (on this process): signed out.
    pub fn revoke(&self, token_digest: &str) {
        self.close_token(token_digest, ErrorCode::TokenRevoked, "signed out");
    }

    /// Closes every connection signed in with this token (on this process) with this error.
    pub fn close_token(&self, token_digest: &str, code: ErrorCode, message: &str) {
        let message: Arc<str> = message.into();
        let agents = self.agents.lock().expect("hub lock");
        for s in agents.values().flatten() {
            if s.token_digest == token_digest {
                // A full queue still ends the connection: the next token check closes it.
                let _ = s.tx.try_send(Push::Closed(code, message.clone()));
            }
        }
    }

    /// The distinct tokens the connections on this process signed in with.
    pub fn token_digests(&self) -> Vec<String> {
        let agents = self.agents.lock().expect("hub lock");
        let mut digests: Vec<String> = agents
            .values()
            .flatten()
            .map(|s| s.token_digest.clone())
            .collect();
        digests.sort_unstable();
        digests.dedup();
        digests
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Arc<LoggedEvent> {
        Arc::new(LoggedEvent {
            id: 1,
            at: "2026-11-22T00:00:00.000Z".into(),
            body: "{}".into(),
        })
    }

    #[tokio::test]
    async fn publish_reaches_only_that_agents_connections_and_drop_unsubscribes() {
        let hub = Hub::new();
        let mut a1 = hub.subscribe(AgentId(1), "t1".into());
        let mut a2 = hub.subscribe(AgentId(1), "t2".into());
        let mut b = hub.subscribe(AgentId(2), "t3".into());
        hub.publish(&[Delivery {
            agent: AgentId(1),
            seq: 7,
            event: event(),
        }]);
        assert!(matches!(
            a1.rx.recv().await,
            Some(Push::Event { seq: 7, .. })
        ));
        assert!(matches!(
            a2.rx.recv().await,
            Some(Push::Event { seq: 7, .. })
        ));
        assert!(b.rx.try_recv().is_err());
        hub.revoke("t2");
        assert!(matches!(
            a2.rx.recv().await,
            Some(Push::Closed(ErrorCode::TokenRevoked, _))
        ));
        assert_eq!(hub.token_digests(), vec!["t1", "t2", "t3"]);
        assert!(a1.rx.try_recv().is_err());
        drop(b);
        assert!(!hub.is_connected(AgentId(2)));
        assert_eq!(hub.connection_count(), 2);
    }

    #[test]
    fn a_full_queue_marks_the_connection_lagged() {
        let hub = Hub::new();
        let sub = hub.subscribe(AgentId(1), "t".into());
        let d: Vec<Delivery> = (1..=QUEUE as u64 + 1)
            .map(|seq| Delivery {
                agent: AgentId(1),
                seq,
                event: event(),
            })
            .collect();
        hub.publish(&d);
        assert!(sub.lagged.load(Ordering::Relaxed));
    }
}

//! Property tests in the manner of quinn-proto's: a small model of the LDS and random
//! interleavings of offers, takes, sessions, disconnects and resumes (with replay overlaps or
//! snapshots). Whatever the order, the core must keep three promises:
//! 1. at most one notification per request;
//! 2. whatever is withdrawn is gone, and nothing stays on screen for a request that no longer
//!    waits;
//! 3. after a resync, the queue equals what the server holds.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::*;
use chrono::Duration;
use headsup_core::{Input, Output, CATCH_UP_ID};
use headsup_protocol::lds::{Event, ServerFrame, Snapshot};
use headsup_protocol::model::{Request, RequestKind, RequestState, SessionState};
use headsup_protocol::view::RowStatus;
use headsup_protocol::RequestId;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Offer(i64, RequestKind),
    Take(i64),
    Cancel(i64),
    TimeOut(i64),
    AssignToMe(i64),
    EndSession,
    Deliver(u8),
    Disconnect,
    Reconnect { snapshot: bool, overlap: u8 },
    Advance(u16),
}

fn op() -> impl Strategy<Value = Op> {
    let id = 1i64..10;
    let kind = proptest::sample::select(RequestKind::ALL.to_vec());
    prop_oneof![
        3 => (id.clone(), kind).prop_map(|(i, k)| Op::Offer(i, k)),
        1 => id.clone().prop_map(Op::Take),
        1 => id.clone().prop_map(Op::Cancel),
        1 => id.clone().prop_map(Op::TimeOut),
        1 => id.prop_map(Op::AssignToMe),
        1 => Just(Op::EndSession),
        4 => (1u8..5).prop_map(Op::Deliver),
        1 => Just(Op::Disconnect),
        1 => (any::<bool>(), 0u8..4).prop_map(|(snapshot, overlap)| Op::Reconnect { snapshot, overlap }),
        2 => (1u16..90).prop_map(Op::Advance),
    ]
}

/// The LDS as one agent sees it: the requests and the durable event log (seq = index + 1).
#[derive(Default)]
struct Lds {
    requests: BTreeMap<i64, Request>,
    log: Vec<Event>,
    busy_with: Option<i64>,
}

impl Lds {
    fn head(&self) -> u64 {
        self.log.len() as u64
    }

    fn pending(&self, id: i64) -> bool {
        self.requests
            .get(&id)
            .is_some_and(|r| r.state == RequestState::Pending)
    }

    fn close(&mut self, id: i64, state: RequestState, event: Event) {
        if self.pending(id) {
            self.requests.get_mut(&id).unwrap().state = state;
            self.log.push(event);
        }
    }

    fn snapshot(&self) -> ServerFrame {
        ServerFrame::Snapshot(Snapshot {
            seq: self.head(),
            requests: self
                .requests
                .values()
                .filter(|r| matches!(r.state, RequestState::Pending | RequestState::TimedOut))
                .cloned()
                .collect(),
            session: self.busy_with.map(|r| session(1, r, SessionState::Bridged)),
            status: Default::default(),
        })
    }
}

struct World {
    lds: Lds,
    agent: Harness,
    connected: bool,
}

impl World {
    fn new() -> Self {
        let mut agent = Harness::new();
        agent.input(Input::TokenLoaded(Some(TOKEN.into())));
        let mut w = World {
            lds: Lds::default(),
            agent,
            connected: false,
        };
        w.handshake(true, 0);
        w
    }

    fn handshake(&mut self, snapshot: bool, overlap: u8) {
        self.agent.input(Input::Connected);
        let last = self.agent.core.last_seq();
        let resumed = !snapshot && last.is_some();
        self.agent.welcome(self.lds.head(), resumed);
        if resumed {
            let from = last.unwrap().saturating_sub(u64::from(overlap)) + 1;
            for seq in from..=self.lds.head() {
                let event = self.lds.log[seq as usize - 1].clone();
                self.agent.event_at(seq, event);
            }
        } else {
            let snap = self.lds.snapshot();
            self.agent.frame(snap);
        }
        self.connected = true;
    }

    fn apply(&mut self, op: Op) {
        let now = self.agent.now;
        match op {
            Op::Offer(id, kind) => {
                if let std::collections::btree_map::Entry::Vacant(slot) =
                    self.lds.requests.entry(id)
                {
                    let r = request(id, kind, now);
                    slot.insert(r.clone());
                    self.lds.log.push(Event::Offered { request: r });
                }
            }
            Op::Take(id) => self.lds.close(
                id,
                RequestState::Taken { by: bo() },
                Event::Taken {
                    request: RequestId(id),
                    by: bo(),
                },
            ),
            Op::Cancel(id) => self.lds.close(
                id,
                RequestState::Cancelled,
                Event::Cancelled {
                    request: RequestId(id),
                },
            ),
            Op::TimeOut(id) => self.lds.close(
                id,
                RequestState::TimedOut,
                Event::TimedOut {
                    request: RequestId(id),
                },
            ),
            Op::AssignToMe(id) => {
                if self.lds.pending(id) && self.lds.busy_with.is_none() {
                    let r = self.lds.requests.remove(&id).unwrap();
                    self.lds.busy_with = Some(id);
                    self.lds.log.push(Event::Assigned {
                        request: r,
                        session: session(1, id, SessionState::Bridged),
                    });
                }
            }
            Op::EndSession => {
                if let Some(id) = self.lds.busy_with.take() {
                    self.lds.log.push(Event::SessionUpdated {
                        session: session(1, id, SessionState::Ended),
                    });
                }
            }
            Op::Deliver(n) => {
                if self.connected {
                    for _ in 0..n {
                        let next = self.agent.core.last_seq().unwrap_or(0) + 1;
                        if next > self.lds.head() {
                            break;
                        }
                        let event = self.lds.log[next as usize - 1].clone();
                        self.agent.event_at(next, event);
                    }
                }
            }
            Op::Disconnect => {
                if self.connected {
                    self.agent.input(Input::Disconnected {
                        reason: "cut".into(),
                    });
                    self.connected = false;
                }
            }
            Op::Reconnect { snapshot, overlap } => self.reconnect(snapshot, overlap),
            Op::Advance(secs) => {
                let out = self.agent.advance(Duration::seconds(i64::from(secs)));
                if out.contains(&Output::Connect) {
                    // The network is still down while we only let time pass.
                    self.agent.input(Input::Disconnected {
                        reason: "down".into(),
                    });
                }
            }
        }
    }

    fn reconnect(&mut self, snapshot: bool, overlap: u8) {
        if self.connected {
            return;
        }
        for _ in 0..120 {
            if self
                .agent
                .advance(Duration::seconds(1))
                .contains(&Output::Connect)
            {
                return self.handshake(snapshot, overlap);
            }
        }
        panic!("the core never retried");
    }

    fn sync_fully(&mut self) {
        self.reconnect(false, 0);
        self.apply(Op::Deliver(u8::MAX));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn promises_hold_under_any_interleaving(ops in proptest::collection::vec(op(), 1..60)) {
        let mut w = World::new();
        for op in ops {
            w.apply(op);
        }
        w.sync_fully();

        // 1. One notification per request at most (re-alerts replace it, same id).
        let mut first_alerts: BTreeMap<RequestId, usize> = BTreeMap::new();
        for n in notifications(&w.agent.log) {
            if let (Some(id), 0) = (n.request, n.urgency) {
                *first_alerts.entry(id).or_default() += 1;
            }
        }
        prop_assert!(first_alerts.values().all(|&c| c == 1), "{first_alerts:?}");

        // 2. Replaying shows and withdrawals: withdrawals hit something on screen, and what is
        //    left on screen is only for customers still waiting.
        let mut on_screen = BTreeSet::new();
        for o in &w.agent.log {
            match o {
                Output::Notify(n) => { on_screen.insert(n.id); }
                Output::Withdraw(id) => prop_assert!(on_screen.remove(id), "withdrew {id:?} not on screen"),
                _ => {}
            }
        }
        let pending: BTreeSet<i64> = w.lds.requests.values().filter(|r| r.state == RequestState::Pending).map(|r| r.id.0).collect();
        for id in &on_screen {
            if *id == CATCH_UP_ID {
                prop_assert!(!pending.is_empty(), "catch-up shown with nobody waiting");
            } else {
                prop_assert!(pending.contains(&i64::from(id.0)), "{id:?} on screen but not waiting");
            }
        }

        // 3. The queue equals the server's.
        let view = w.agent.core.view(w.agent.now);
        let waiting: BTreeSet<i64> = view.queue.iter().filter(|r| matches!(r.status, RowStatus::Now | RowStatus::Scheduled)).map(|r| r.id.0).collect();
        prop_assert_eq!(waiting, pending);
        prop_assert_eq!(view.busy, w.lds.busy_with.is_some());
        prop_assert_eq!(w.agent.core.last_seq(), Some(w.lds.head()));
    }
}

//! Hands committed events to the WebSocket connections on this process.
//!
//! The hub is only a doorbell with the frame attached: the database is the truth. A connection
//! that finds a gap (its socket's backlog was full, the event was written by another process)
//! reads what it missed from the event log, so a lost push costs latency, never an event.
//!
//! Publishing hands the batch to the fan-out thread and returns, so a commit never waits for N
//! socket writes. That thread writes each batch's frames straight into the sockets through
//! each connection's [`Outlet`], without waking the N connection tasks, on a small pool of
//! threads (one per core) that share the batch out by work stealing: a thread that gets less
//! of the CPU (the machine is shared) simply writes fewer frames. Batches are written one after
//! the other, so an agent's events leave in the order they were numbered.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headsup_protocol::{AgentId, ErrorCode};
use rayon::prelude::*;

use super::outlet::Outlet;
use crate::domain::log::sequencer::Delivery;

/// The most fan-out threads, whatever the core count: past that, the kernel's socket writes
/// and the clients, not the threads, are the limit.
const MAX_FANOUT_THREADS: usize = 8;
/// Deliveries looked up under one hold of the subscriber lock, then written: small enough to
/// share a batch out evenly, large enough that the lock is taken rarely.
const CHUNK: usize = 128;

pub(crate) struct Subscription {
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
    outlet: Arc<Outlet>,
}

type Subscribers = Mutex<HashMap<AgentId, Vec<Subscriber>>>;

pub(crate) struct Hub {
    agents: Arc<Subscribers>,
    /// To the fan-out thread; it ends when the hub (this sender) is dropped.
    batches: mpsc::Sender<Vec<Delivery>>,
    next_id: AtomicU64,
    /// Batches handed to the fan-out and not yet written.
    in_flight: Arc<AtomicUsize>,
}

impl Hub {
    /// One fan-out thread per core, up to [`MAX_FANOUT_THREADS`].
    pub(crate) fn new() -> Arc<Hub> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Hub::with_threads(cores.min(MAX_FANOUT_THREADS))
    }

    pub(crate) fn with_threads(threads: usize) -> Arc<Hub> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("lds-fanout-{i}"))
            .build()
            .expect("starting the fan-out threads");
        let agents = Arc::new(Subscribers::default());
        let in_flight = Arc::new(AtomicUsize::new(0));
        let (batches, rx) = mpsc::channel::<Vec<Delivery>>();
        let (theirs, counter) = (agents.clone(), in_flight.clone());
        std::thread::Builder::new()
            .name("lds-fanout".into())
            .spawn(move || {
                for batch in rx {
                    fan_out(&pool, &theirs, &batch[..]);
                    counter.fetch_sub(1, Ordering::AcqRel);
                }
            })
            .expect("starting the fan-out thread");
        Arc::new(Hub {
            agents,
            batches,
            next_id: AtomicU64::new(0),
            in_flight,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<AgentId, Vec<Subscriber>>> {
        self.agents.lock().expect("hub lock")
    }

    pub(crate) fn subscribe(
        self: &Arc<Self>,
        agent: AgentId,
        token_digest: String,
        outlet: Arc<Outlet>,
    ) -> Subscription {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock().entry(agent).or_default().push(Subscriber {
            id,
            token_digest,
            outlet,
        });
        Subscription {
            hub: self.clone(),
            agent,
            id,
        }
    }

    fn unsubscribe(&self, agent: AgentId, id: u64) {
        let mut agents = self.lock();
        if let Some(subs) = agents.get_mut(&agent) {
            subs.retain(|s| s.id != id);
            if subs.is_empty() {
                agents.remove(&agent);
            }
        }
    }

    /// Every connection on this process: its subscription id (unique while it lasts), its
    /// agent and its outlet.
    pub(crate) fn connections(&self) -> Vec<(u64, AgentId, Arc<Outlet>)> {
        self.lock()
            .iter()
            .flat_map(|(agent, subs)| subs.iter().map(|s| (s.id, *agent, s.outlet.clone())))
            .collect()
    }

    pub(crate) fn connection_count(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    /// Hands the deliveries to the fan-out; returns at once. Takes the batch by value: it is
    /// handed over as it is, not copied (10,000 entries at 10,000 agents, on the commit path).
    pub(crate) fn publish(&self, deliveries: Vec<Delivery>) {
        if deliveries.is_empty() {
            return;
        }
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        // The thread only stops when the hub is dropped, so this cannot fail.
        let _ = self.batches.send(deliveries);
    }

    /// Whether a fan-out is being written. Background writers (the indexer) wait for it to
    /// end rather than take the cores from it.
    pub(crate) fn is_fanning_out(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) > 0
    }

    /// Waits until no fan-out is being written, or `at_most`.
    pub(crate) async fn quiet(&self, at_most: Duration) {
        let deadline = tokio::time::Instant::now() + at_most;
        while self.is_fanning_out() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Closes every connection signed in with this token (on this process): signed out.
    pub(crate) fn revoke(&self, token_digest: &str) {
        self.close_token(token_digest, ErrorCode::TokenRevoked, "signed out");
    }

    /// Closes every connection signed in with this token (on this process) with this error.
    pub(crate) fn close_token(&self, token_digest: &str, code: ErrorCode, message: &str) {
        let message: Arc<str> = message.into();
        for s in self.lock().values().flatten() {
            if s.token_digest == token_digest {
                s.outlet.request_close(code, message.clone());
            }
        }
    }

    /// The distinct tokens the connections on this process signed in with.
    pub(crate) fn token_digests(&self) -> Vec<String> {
        let mut digests: Vec<String> = self
            .lock()
            .values()
            .flatten()
            .map(|s| s.token_digest.clone())
            .collect();
        digests.sort_unstable();
        digests.dedup();
        digests
    }
}

/// Writes one batch on the pool: each chunk's outlets are looked up under the lock (so
/// subscribing never waits for socket writes), then written to.
fn fan_out(pool: &rayon::ThreadPool, agents: &Subscribers, batch: &[Delivery]) {
    let started = Instant::now();
    pool.install(|| {
        batch.par_chunks(CHUNK).for_each_init(
            || (Vec::new(), Vec::new()),
            |(targets, scratch): &mut (Vec<(Arc<Outlet>, usize)>, Vec<u8>), chunk| {
                {
                    let agents = agents.lock().expect("hub lock");
                    for (i, d) in chunk.iter().enumerate() {
                        for s in agents.get(&d.agent).into_iter().flatten() {
                            targets.push((s.outlet.clone(), i));
                        }
                    }
                }
                for (outlet, i) in targets.drain(..) {
                    let d = &chunk[i];
                    outlet.push(d.seq, &d.event, scratch);
                }
            },
        );
    });
    tracing::trace!(
        deliveries = batch.len(),
        written_us = started.elapsed().as_micros() as u64,
        "fan-out written"
    );
}

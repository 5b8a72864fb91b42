//! Per-agent sequence numbers, assigned in memory from the durable log.
//!
//! A write makes one thing durable before any agent hears of it: its log entry
//! (`event_bodies`: the event and its audience). Each agent's numbers follow from the log alone:
//! the agent's newest number in the index as of `log_state.indexed_through` (or
//! `agents.last_seq`, where pruning removed the agent's rows) plus one for every later entry whose
//! audience holds the agent, taken in log-id order. Every process applies
//! every entry in that order, so every process, and this one after a crash, numbers every event
//! the same way; nothing here is state that only one process's memory holds.
//!
//! Why: writing N per-agent rows and bumping N counters inside the intake's transaction made the
//! transaction O(N) (14 ms at 1,000 agents, 130 ms at 10,000). Now the intake writes one row and
//! the per-agent index is written behind, in batches, by `fanout::index_writer`. Until an entry is
//! indexed it stays here, and a reader takes the union: memory first, then the database.
//!
//! Log ids are dense in commit order on SQLite (one writer) and increasing in commit order on
//! PostgreSQL (writers take one advisory lock before inserting), so "everything up to id X is
//! committed" is true as soon as X is, and a reader can fetch any gap below X from the database.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::Result;
use headsup_protocol::AgentId;
use tokio::sync::Notify;

use crate::data::db::Db;
use crate::data::events::{self, frame_text, Entry, LoggedEvent};
use crate::data::log_index;

/// Indexed entries kept in memory after they are in the database: a snapshot built while they
/// were committed needs them to compute its sequence number, and a client that reconnects
/// within them is caught up without reading the database.
const KEEP_INDEXED: usize = 64;

/// A committed event numbered for one agent: what the fan-out writes to its connections.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) agent: AgentId,
    pub(crate) seq: u64,
    pub(crate) event: Arc<LoggedEvent>,
}

/// An entry applied to the counters: the number it got for each agent of its audience.
pub(crate) struct Applied {
    pub(crate) event: Arc<LoggedEvent>,
    /// Ascending by agent.
    pub(crate) seqs: Vec<(AgentId, u64)>,
}

impl Applied {
    fn seq_of(&self, agent: AgentId) -> Option<u64> {
        self.seqs
            .binary_search_by_key(&agent, |(a, _)| *a)
            .ok()
            .map(|i| self.seqs[i].1)
    }
}

#[derive(Default)]
struct State {
    counters: HashMap<AgentId, u64>,
    /// Every entry with an id up to this one is applied (or was never committed).
    applied_through: i64,
    /// Every entry up to this one has its per-agent rows in the database.
    indexed_through: i64,
    /// The applied entries after `dropped_through`, oldest first; those after
    /// `indexed_through` are the indexer's work.
    recent: VecDeque<Arc<Applied>>,
    /// `recent` holds every applied entry after this one, each with every agent's number.
    dropped_through: i64,
}

impl State {
    fn apply(&mut self, entry: Entry) -> Option<Arc<Applied>> {
        if entry.event.id <= self.applied_through {
            return None; // applied already, by another path
        }
        let seqs = entry
            .audience
            .iter()
            .map(|agent| {
                let counter = self.counters.entry(*agent).or_insert(0);
                *counter += 1;
                (*agent, *counter)
            })
            .collect();
        self.applied_through = entry.event.id;
        let applied = Arc::new(Applied {
            event: entry.event,
            seqs,
        });
        self.recent.push_back(applied.clone());
        Some(applied)
    }
}

pub(crate) struct Sequencer {
    state: Mutex<State>,
    /// Rung when entries are applied, for the indexer.
    applied: Notify,
}

impl Sequencer {
    /// Rebuilds the counters from the index and the log entries after it, in one consistent read.
    pub(crate) async fn load(db: &Db) -> Result<Sequencer> {
        let mut tx = db.begin_consistent_read().await?;
        let indexed_through = log_index::indexed_through(&mut tx).await?;
        let counters = log_index::counters_as_of(&mut tx, indexed_through).await?;
        let entries = events::entries_between(&mut tx, indexed_through, None).await?;
        tx.commit().await?;
        let mut state = State {
            counters,
            applied_through: indexed_through,
            indexed_through,
            dropped_through: indexed_through,
            ..State::default()
        };
        for entry in entries {
            state.apply(entry);
        }
        Ok(Sequencer {
            state: Mutex::new(state),
            applied: Notify::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("sequencer lock")
    }

    /// The newest id applied: a writer whose entry is not the next one must first read the
    /// gap from the database ([`Self::catch_up`]).
    pub(crate) fn applied_through(&self) -> i64 {
        self.lock().applied_through
    }

    /// Applies committed entries in id order, skipping those applied already, and returns what
    /// to hand to live connections. The caller guarantees that every entry before the first is
    /// applied.
    pub(crate) fn apply(&self, entries: Vec<Entry>) -> Vec<Delivery> {
        let mut deliveries = Vec::new();
        {
            let mut state = self.lock();
            for entry in entries {
                if let Some(applied) = state.apply(entry) {
                    deliveries.extend(applied.seqs.iter().map(|(agent, seq)| Delivery {
                        agent: *agent,
                        seq: *seq,
                        event: applied.event.clone(),
                    }));
                }
            }
        }
        if !deliveries.is_empty() {
            self.applied.notify_one();
        }
        deliveries
    }

    /// Reads the committed entries after the newest applied one, up to `through`, applies them,
    /// and returns their deliveries.
    pub(crate) async fn catch_up(&self, db: &Db, through: i64) -> Result<Vec<Delivery>> {
        let from = self.applied_through();
        if from >= through {
            return Ok(Vec::new());
        }
        let mut conn = db.pool.acquire().await?;
        let entries = events::entries_between(&mut conn, from, Some(through)).await?;
        drop(conn);
        let deliveries = self.apply(entries);
        // Ids in the range that no row holds belong to transactions that rolled back.
        let mut state = self.lock();
        state.applied_through = state.applied_through.max(through);
        Ok(deliveries)
    }

    /// The agent's newest sequence number.
    pub(crate) fn head(&self, agent: AgentId) -> u64 {
        self.lock().counters.get(&agent).copied().unwrap_or(0)
    }

    /// The agent's sequence number as of log entry `as_of` (applied already): what a snapshot
    /// read at that entry is current with. `None` if the entries after it are no longer in
    /// memory (the snapshot took very long): build it again.
    pub(crate) fn seq_as_of(&self, agent: AgentId, as_of: i64) -> Option<u64> {
        let state = self.lock();
        if as_of < state.dropped_through || as_of > state.applied_through {
            return None;
        }
        let head = state.counters.get(&agent).copied().unwrap_or(0);
        let later = state
            .recent
            .iter()
            .rev()
            .take_while(|a| a.event.id > as_of)
            .filter(|a| a.seq_of(agent).is_some())
            .count() as u64;
        Some(head - later)
    }

    /// The agent's events after `after` that are in memory, oldest first, as frames. They are
    /// the newest of the agent's events: anything older is in the database.
    pub(crate) fn frames_after(&self, agent: AgentId, after: u64) -> Vec<(u64, String)> {
        let held: Vec<(u64, Arc<LoggedEvent>)> = {
            let state = self.lock();
            // Every connection asks on each heartbeat; most are current.
            if state.counters.get(&agent).is_none_or(|head| *head <= after) {
                return Vec::new();
            }
            state
                .recent
                .iter()
                .filter_map(|a| a.seq_of(agent).map(|seq| (seq, a.event.clone())))
                .filter(|(seq, _)| *seq > after)
                .collect()
        };
        held.into_iter()
            .map(|(seq, event)| (seq, frame_text(seq, &event.at, &event.body)))
            .collect()
    }

    /// The agent's oldest sequence number still in memory.
    pub(crate) fn oldest_held(&self, agent: AgentId) -> Option<u64> {
        self.lock().recent.iter().find_map(|a| a.seq_of(agent))
    }

    /// The applied entries the per-agent index does not have yet, and the id they run to.
    pub(crate) fn unindexed(&self) -> (i64, Vec<Arc<Applied>>) {
        let state = self.lock();
        let entries = state
            .recent
            .iter()
            .filter(|a| a.event.id > state.indexed_through)
            .cloned()
            .collect();
        (state.applied_through, entries)
    }

    /// The index holds every entry up to `through`: memory may let go of older ones.
    pub(crate) fn indexed(&self, through: i64) {
        let mut state = self.lock();
        state.indexed_through = state.indexed_through.max(through);
        while state.recent.len() > KEEP_INDEXED {
            let Some(front) = state.recent.front() else {
                break;
            };
            if front.event.id > state.indexed_through {
                break;
            }
            let id = front.event.id;
            state.recent.pop_front();
            state.dropped_through = id;
        }
    }

    /// Waits until entries were applied since the last call.
    pub(crate) async fn wait_applied(&self) {
        self.applied.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, audience: &[i64]) -> Entry {
        Entry {
            event: Arc::new(LoggedEvent {
                id,
                at: "2026-11-22T00:00:00.000Z".into(),
                body: format!(r#"{{"event":"x","n":{id}}}"#),
                conversation: None,
            }),
            audience: audience.iter().map(|a| AgentId(*a)).collect(),
        }
    }

    fn empty() -> Sequencer {
        Sequencer {
            state: Mutex::new(State::default()),
            applied: Notify::new(),
        }
    }

    #[test]
    fn each_agent_counts_only_the_entries_addressed_to_it_and_repeats_are_skipped() {
        let s = empty();
        let d = s.apply(vec![
            entry(1, &[1, 2]),
            entry(2, &[2]),
            entry(3, &[1, 2, 3]),
        ]);
        let got: Vec<(i64, u64, i64)> = d.iter().map(|d| (d.agent.0, d.seq, d.event.id)).collect();
        assert_eq!(
            got,
            vec![
                (1, 1, 1),
                (2, 1, 1),
                (2, 2, 2),
                (1, 2, 3),
                (2, 3, 3),
                (3, 1, 3)
            ]
        );
        assert!(s.apply(vec![entry(3, &[1])]).is_empty(), "3 was applied");
        assert_eq!(
            (s.head(AgentId(1)), s.head(AgentId(2)), s.head(AgentId(9))),
            (2, 3, 0)
        );
    }

    #[test]
    fn seq_as_of_discounts_later_entries_and_refuses_what_memory_dropped() {
        let s = empty();
        s.apply((1..=100).map(|id| entry(id, &[1, (id % 2) + 10])).collect());
        assert_eq!(s.seq_as_of(AgentId(1), 100), Some(100));
        assert_eq!(s.seq_as_of(AgentId(1), 90), Some(90));
        assert_eq!(s.seq_as_of(AgentId(10), 90), Some(45));
        assert_eq!(s.seq_as_of(AgentId(1), 101), None, "not applied yet");
        s.indexed(100);
        assert_eq!(s.seq_as_of(AgentId(1), 90), Some(90), "still held");
        assert_eq!(s.seq_as_of(AgentId(1), 10), None, "dropped: build again");
    }

    #[test]
    fn frames_after_come_from_memory_in_order() {
        let s = empty();
        s.apply(vec![entry(1, &[1]), entry(2, &[2]), entry(3, &[1])]);
        let f = s.frames_after(AgentId(1), 1);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, 2);
        assert!(
            f[0].1.starts_with(r#"{"type":"event","seq":2,"#),
            "{}",
            f[0].1
        );
        assert!(f[0].1.contains(r#""n":3"#));
    }

    #[test]
    fn unindexed_lists_what_the_index_lacks() {
        let s = empty();
        s.apply(vec![entry(1, &[1]), entry(2, &[1])]);
        s.indexed(1);
        let (through, todo) = s.unindexed();
        assert_eq!(through, 2);
        assert_eq!(todo.iter().map(|a| a.event.id).collect::<Vec<_>>(), vec![2]);
    }
}

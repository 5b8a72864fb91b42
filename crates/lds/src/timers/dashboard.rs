//! The dashboard push: every [`TICK`], when something may have changed, counts every queue once
//! (one grouped query) and writes a `dashboard` frame to each connection on this process whose
//! queues' numbers differ from what it was last sent.
//!
//! Why a tick and not a push per commit: a burst of intakes would cost one count and one frame
//! per agent per customer. Counting at most every [`TICK`] bounds each connection to about four
//! frames a second however fast customers arrive, and a change is on screen within a tick
//! (plus the write). Why from the database: on PostgreSQL another process may have made the
//! change; each process counts from the database and writes only to its own sockets.
//!
//! "Something may have changed": a log entry was numbered (every request and status change
//! appends one, this process's or another's), a connection has not had its first dashboard, or
//! [`REFRESH`] has passed (sign-ins and sign-outs, membership changes by an admin, and queues
//! whose members are all away, which append no event).

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::Utc;
use headsup_protocol::lds::{Dashboard, QueueStats, ServerFrame};
use headsup_protocol::AgentId;

use crate::domain::queues::dashboard;
use crate::fanout::Fanout;

/// At most one frame per connection per tick.
pub(crate) const TICK: Duration = Duration::from_millis(250);
/// The longest a change that appends no event waits to be counted.
const REFRESH: Duration = Duration::from_secs(1);

/// Runs until the process ends.
pub(crate) async fn run(fanout: Fanout) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut push = Push::default();
    loop {
        tick.tick().await;
        if let Err(e) = push.once(&fanout).await {
            tracing::warn!("counting the dashboard: {e:#}");
        }
    }
}

#[derive(Default)]
struct Push {
    /// What each connection (by subscription id) was last sent.
    sent: HashMap<u64, Vec<QueueStats>>,
    /// The newest log entry numbered when the queues were last counted.
    counted_through: Option<i64>,
    counted_at: Option<Instant>,
    scratch: Vec<u8>,
}

impl Push {
    async fn once(&mut self, fanout: &Fanout) -> anyhow::Result<()> {
        let connections = fanout.hub.connections();
        let open: HashSet<u64> = connections.iter().map(|(id, ..)| *id).collect();
        self.sent.retain(|id, _| open.contains(id));
        if connections.is_empty() {
            return Ok(());
        }
        let head = fanout.store.sequencer.applied_through();
        let newcomer = connections
            .iter()
            .any(|(id, ..)| !self.sent.contains_key(id));
        let stale = self.counted_at.is_none_or(|at| at.elapsed() >= REFRESH);
        if !newcomer && !stale && self.counted_through == Some(head) {
            return Ok(());
        }
        let now = Utc::now();
        let board = dashboard::board(&fanout.store.db, now).await?;
        self.counted_through = Some(head);
        self.counted_at = Some(Instant::now());
        // An agent's devices get the same frame: serialized once per agent per tick.
        let mut texts: HashMap<AgentId, String> = HashMap::new();
        for (id, agent, outlet) in connections {
            let queues = board.of(agent);
            if self.sent.get(&id).is_some_and(|last| last == queues) {
                continue;
            }
            let text = texts.entry(agent).or_insert_with(|| {
                let frame = ServerFrame::Dashboard(Dashboard {
                    at: now,
                    queues: queues.to_vec(),
                });
                serde_json::to_string(&frame).expect("frames serialize")
            });
            if outlet.write_unlogged(text, &mut self.scratch) {
                self.sent.insert(id, queues.to_vec());
            }
        }
        Ok(())
    }
}

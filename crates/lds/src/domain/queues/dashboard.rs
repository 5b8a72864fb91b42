//! The dashboard: each agent's view of the queues they serve (waiting customers, the oldest
//! wait, members by what they are doing), and one queue's waiting customers for the drill-down.
//!
//! These are reads, not transactions: the numbers are a live view, not part of the durable log,
//! so nothing here appends an event. The push (`timers/dashboard.rs`) decides when to send.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use headsup_protocol::lds::{QueueStats, MAX_QUEUE_WAITING};
use headsup_protocol::model::{AgentInfo, Request};
use headsup_protocol::{AgentId, ErrorCode, QueueId};

use crate::data::dashboard::{self, QueueCounts};
use crate::data::db::Db;
use crate::domain::masking;
use crate::error::{LdsError, LdsResult};

/// Every agent's queues with their numbers, as of `now`. An agent missing from it serves no
/// queue (their dashboard is empty).
pub(crate) struct Board {
    by_agent: HashMap<AgentId, Vec<QueueStats>>,
}

impl Board {
    pub(crate) fn of(&self, agent: AgentId) -> &[QueueStats] {
        self.by_agent.get(&agent).map_or(&[], Vec::as_slice)
    }
}

/// Reads every queue's counts (one grouped query) and who serves what, and deals them out.
pub(crate) async fn board(db: &Db, now: DateTime<Utc>) -> anyhow::Result<Board> {
    let mut conn = db.pool.acquire().await?;
    let counts = dashboard::all_queue_counts(&mut conn, now).await?;
    let members = dashboard::memberships(&mut conn).await?;
    Ok(deal(counts, members))
}

/// Each agent gets the stats of the queues they are a member of, ordered by name (then id), the
/// order the app lists them in.
fn deal(counts: Vec<QueueCounts>, members: Vec<(AgentId, QueueId)>) -> Board {
    let stats: HashMap<QueueId, QueueStats> =
        counts.into_iter().map(|c| (c.id, stats_of(c))).collect();
    let mut by_agent: HashMap<AgentId, Vec<QueueStats>> = HashMap::new();
    for (agent, queue) in members {
        if let Some(s) = stats.get(&queue) {
            by_agent.entry(agent).or_default().push(s.clone());
        }
    }
    for list in by_agent.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    Board { by_agent }
}

/// Who counts where: a member in an open session counts as in session whatever their status
/// (they are not free to take anyone); the others by their status. Signed-out members do not
/// count at all (the query leaves them out): they are not there to take a customer.
fn stats_of(c: QueueCounts) -> QueueStats {
    let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    QueueStats {
        id: c.id,
        name: c.name,
        waiting: count(c.waiting),
        oldest_since: c.oldest_since.filter(|_| c.waiting > 0),
        available: count(c.available),
        in_session: count(c.in_session),
        not_ready: count(c.not_ready),
        wrap_up: count(c.wrap_up),
    }
}

/// The customers waiting in one of the agent's queues, longest waiting first. A queue the agent
/// is not a member of (another team's, or none at all) is `not_found`: the answer does not say
/// whether it exists.
pub(crate) async fn waiting(db: &Db, agent: &AgentInfo, queue: QueueId) -> LdsResult<Vec<Request>> {
    let mut conn = db.pool.acquire().await.map_err(anyhow::Error::from)?;
    if !dashboard::is_member(&mut conn, agent.id, queue).await? {
        return Err(LdsError::new(
            ErrorCode::NotFound,
            format!("no queue {queue} of yours"),
        ));
    }
    let mut waiting = dashboard::waiting_in(&mut conn, queue, MAX_QUEUE_WAITING as i64).await?;
    masking::requests(&mut conn, &mut waiting).await?;
    Ok(waiting)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(id: i64, name: &str, waiting: i64) -> QueueCounts {
        QueueCounts {
            id: QueueId(id),
            name: name.into(),
            waiting,
            oldest_since: Some(DateTime::from_timestamp(1_700_000_000, 0).unwrap()),
            in_session: 1,
            available: 2,
            not_ready: 3,
            wrap_up: 4,
        }
    }

    #[test]
    fn each_agent_gets_only_their_queues_by_name() {
        let board = deal(
            vec![
                counts(1, "sales", 2),
                counts(2, "billing", 0),
                counts(3, "x", 9),
            ],
            vec![
                (AgentId(7), QueueId(1)),
                (AgentId(7), QueueId(2)),
                (AgentId(8), QueueId(3)),
            ],
        );
        let seven = board.of(AgentId(7));
        assert_eq!(
            seven.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["billing", "sales"]
        );
        // Nobody waiting: no oldest wait, whatever the row said.
        assert_eq!(seven[0].oldest_since, None);
        assert_eq!(seven[1].waiting, 2);
        assert!(board.of(AgentId(9)).is_empty());
    }
}

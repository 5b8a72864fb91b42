//! The dashboard's numbers: every queue's waiting customers and signed-in members in one grouped
//! query, who is a member of what, and one queue's waiting requests.

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::model::Request;
use headsup_protocol::{AgentId, QueueId};
use sqlx::{AnyConnection, Row};

use super::rows::{request_from_row, REQUEST_COLUMNS, REQUEST_FROM};
use crate::time::{from_millis, to_millis};

/// One queue's counts as the database holds them now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueueCounts {
    pub(crate) id: QueueId,
    pub(crate) name: String,
    /// Pending requests that any member may take (not a call an agent booked for themselves).
    pub(crate) waiting: i64,
    /// The earliest of their due times (scheduled kinds) or creation times.
    pub(crate) oldest_since: Option<DateTime<Utc>>,
    /// Signed-in members with an open session, whatever their stored status.
    pub(crate) in_session: i64,
    /// Signed-in members without an open session, by stored status.
    pub(crate) available: i64,
    pub(crate) not_ready: i64,
    pub(crate) wrap_up: i64,
}

/// Every queue's counts, by queue id. One statement: two grouped subqueries joined to the
/// queues, so the cost does not grow with the number of connected agents.
pub(crate) async fn all_queue_counts(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<Vec<QueueCounts>> {
    // SUM is NUMERIC on PostgreSQL; the casts keep both backends answering integers.
    let rows = sqlx::query(
        "SELECT q.id, q.name, COALESCE(w.waiting, 0) AS waiting, w.oldest, \
         COALESCE(m.in_session, 0) AS in_session, COALESCE(m.available, 0) AS available, \
         COALESCE(m.not_ready, 0) AS not_ready, COALESCE(m.wrap_up, 0) AS wrap_up \
         FROM queues q \
         LEFT JOIN (SELECT queue_id, COUNT(*) AS waiting, \
                    MIN(COALESCE(due_at, created_at)) AS oldest \
                    FROM requests WHERE state = 'pending' AND for_agent IS NULL \
                    GROUP BY queue_id) w ON w.queue_id = q.id \
         LEFT JOIN (SELECT qm.queue_id, \
             CAST(SUM(CASE WHEN s.agent_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS in_session, \
             CAST(SUM(CASE WHEN s.agent_id IS NULL AND a.status = 'available' \
                  THEN 1 ELSE 0 END) AS BIGINT) AS available, \
             CAST(SUM(CASE WHEN s.agent_id IS NULL AND a.status = 'not_ready' \
                  THEN 1 ELSE 0 END) AS BIGINT) AS not_ready, \
             CAST(SUM(CASE WHEN s.agent_id IS NULL AND a.status = 'wrap_up' \
                  THEN 1 ELSE 0 END) AS BIGINT) AS wrap_up \
             FROM queue_members qm JOIN agents a ON a.id = qm.agent_id \
             LEFT JOIN sessions s ON s.agent_id = a.id AND s.state <> 'ended' \
             WHERE a.live_until > $1 GROUP BY qm.queue_id) m ON m.queue_id = q.id \
         ORDER BY q.id",
    )
    .bind(to_millis(now))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(QueueCounts {
                id: QueueId(r.try_get("id")?),
                name: r.try_get("name")?,
                waiting: r.try_get("waiting")?,
                oldest_since: r.try_get::<Option<i64>, _>("oldest")?.map(from_millis),
                in_session: r.try_get("in_session")?,
                available: r.try_get("available")?,
                not_ready: r.try_get("not_ready")?,
                wrap_up: r.try_get("wrap_up")?,
            })
        })
        .collect()
}

/// Which agents serve which queues: `(agent, queue)`, by agent.
pub(crate) async fn memberships(conn: &mut AnyConnection) -> Result<Vec<(AgentId, QueueId)>> {
    sqlx::query("SELECT agent_id, queue_id FROM queue_members ORDER BY agent_id, queue_id")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok((AgentId(r.try_get(0)?), QueueId(r.try_get(1)?))))
        .collect()
}

/// Whether the agent is a member of the queue (a queue of another team never is).
pub(crate) async fn is_member(
    conn: &mut AnyConnection,
    agent: AgentId,
    queue: QueueId,
) -> Result<bool> {
    let row = sqlx::query("SELECT 1 FROM queue_members WHERE queue_id = $1 AND agent_id = $2")
        .bind(queue.0)
        .bind(agent.0)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// The queue's waiting requests (as counted by [`all_queue_counts`]), longest waiting first.
pub(crate) async fn waiting_in(
    conn: &mut AnyConnection,
    queue: QueueId,
    limit: i64,
) -> Result<Vec<Request>> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE r.queue_id = $1 \
         AND r.state = 'pending' AND r.for_agent IS NULL \
         ORDER BY COALESCE(r.due_at, r.created_at), r.id LIMIT {limit}"
    ))
    .bind(queue.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(request_from_row).collect()
}

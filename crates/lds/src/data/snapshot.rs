//! The rows an agent's snapshot is made of (read inside one consistent read transaction).

use chrono::{DateTime, Utc};
use headsup_protocol::model::{AgentInfo, AgentStatus, Request, Session};
use sqlx::AnyConnection;

use super::rows::{request_from_row, REQUEST_COLUMNS, REQUEST_FROM};
use super::{events, sessions, status};
use crate::time::to_millis;

/// What one consistent read saw: the newest log entry, the requests the agent may see (open
/// ones, and those timed out since `timed_out_since`) and the agent's open session.
pub(crate) struct SnapshotRows {
    pub(crate) as_of: i64,
    pub(crate) requests: Vec<Request>,
    pub(crate) session: Option<Session>,
    pub(crate) status: AgentStatus,
}

pub(crate) async fn read(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    timed_out_since: DateTime<Utc>,
) -> anyhow::Result<SnapshotRows> {
    let as_of = events::newest_id(&mut *conn).await?;
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE r.team_id = $1 \
         AND (r.for_agent = $2 OR (r.for_agent IS NULL AND EXISTS (SELECT 1 FROM queue_members m \
              WHERE m.queue_id = r.queue_id AND m.agent_id = $2))) \
         AND (r.state <> 'pending' OR r.offered_to IS NULL OR r.offered_to = $2) \
         AND (r.transfer_from IS NULL OR r.transfer_from <> $2) \
         AND NOT EXISTS (SELECT 1 FROM rejections x WHERE x.request_id = r.id AND x.agent_id = $2) \
         AND (r.state IN ('pending', 'scheduled') OR (r.state = 'timed_out' AND r.closed_at >= $3)) \
         ORDER BY r.created_at, r.id"
    ))
    .bind(agent.team.0)
    .bind(agent.id.0)
    .bind(to_millis(timed_out_since))
    .fetch_all(&mut *conn)
    .await?;
    let requests = rows
        .iter()
        .map(request_from_row)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let session = sessions::open_for(&mut *conn, agent.id).await?;
    let status = status::status_of(conn, agent.id).await?;
    Ok(SnapshotRows {
        as_of,
        requests,
        session,
        status,
    })
}

//! What an agent should see right now, with the sequence number it is current as of.

use chrono::{Duration, Utc};
use headsup_protocol::lds::ServerFrame;
use headsup_protocol::model::AgentInfo;

use super::rows::{request_from_row, REQUEST_COLUMNS, REQUEST_FROM};
use super::sessions;
use crate::db::Db;
use crate::time::to_millis;

/// How long a timed-out request stays in the agent's list.
pub const TIMED_OUT_VISIBLE_HOURS: i64 = 12;

/// Builds the `snapshot` frame in one consistent read, so its `seq` matches its contents.
pub async fn build(db: &Db, agent: &AgentInfo) -> anyhow::Result<ServerFrame> {
    let mut tx = db.begin_consistent_read().await?;
    let since = to_millis(Utc::now() - Duration::hours(TIMED_OUT_VISIBLE_HOURS));
    let seq: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT last_seq FROM agents WHERE id = $1")
            .bind(agent.id.0)
            .fetch_one(&mut *tx)
            .await?,
        0,
    )?;
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE r.team_id = $1 \
         AND (r.for_agent IS NULL OR r.for_agent = $2) \
         AND NOT EXISTS (SELECT 1 FROM rejections x WHERE x.request_id = r.id AND x.agent_id = $2) \
         AND (r.state IN ('pending', 'scheduled') OR (r.state = 'timed_out' AND r.closed_at >= $3)) \
         ORDER BY r.created_at, r.id"
    ))
    .bind(agent.team.0)
    .bind(agent.id.0)
    .bind(since)
    .fetch_all(&mut *tx)
    .await?;
    let requests = rows
        .iter()
        .map(request_from_row)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let session = sessions::open_for(&mut tx, agent.id).await?;
    tx.commit().await?;
    Ok(ServerFrame::Snapshot {
        seq: seq as u64,
        requests,
        session,
    })
}

//! What an agent should see right now, with the sequence number it is current as of.

use chrono::{Duration, Utc};
use headsup_protocol::lds::ServerFrame;
use headsup_protocol::model::AgentInfo;

use super::rows::{request_from_row, REQUEST_COLUMNS, REQUEST_FROM};
use super::{sessions, Store};
use crate::time::to_millis;

/// How long a timed-out request stays in the agent's list.
pub const TIMED_OUT_VISIBLE_HOURS: i64 = 12;

/// Builds the `snapshot` frame from one consistent read, so its `seq` matches its contents:
/// the read notes the newest log entry it sees, and the sequencer says what the agent's number
/// was as of that entry.
pub async fn build(store: &Store, agent: &AgentInfo) -> anyhow::Result<ServerFrame> {
    for _ in 0..3 {
        let (as_of, requests, session) = read(store, agent).await?;
        store.catch_up_through(as_of).await?;
        if let Some(seq) = store.sequencer.seq_as_of(agent.id, as_of) {
            return Ok(ServerFrame::Snapshot {
                seq,
                requests,
                session,
            });
        }
        // The read took so long that the entries after it left memory: read again.
    }
    anyhow::bail!("could not build a consistent snapshot (the log moved too fast)")
}

async fn read(
    store: &Store,
    agent: &AgentInfo,
) -> anyhow::Result<(
    i64,
    Vec<headsup_protocol::model::Request>,
    Option<headsup_protocol::model::Session>,
)> {
    let mut tx = store.db.begin_consistent_read().await?;
    let since = to_millis(Utc::now() - Duration::hours(TIMED_OUT_VISIBLE_HOURS));
    let as_of: Option<i64> = sqlx::Row::try_get(
        &sqlx::query("SELECT MAX(id) FROM event_bodies")
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
    Ok((as_of.unwrap_or(0), requests, session))
}

//! The per-agent index of the event log: `events (agent_id, seq, body_id)` rows and
//! `log_state.indexed_through`, and the counters an agent's numbering restarts from.

use std::collections::HashMap;
use std::fmt::Write as _;

use anyhow::Result;
use headsup_protocol::AgentId;
use sqlx::{AnyConnection, Executor, Row};

/// Every log entry up to this id has its per-agent rows in the index.
pub(crate) async fn indexed_through(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query("SELECT indexed_through FROM log_state")
        .fetch_one(conn)
        .await?
        .try_get(0)?)
}

/// Each agent's counter as of `indexed_through`: its newest indexed row up to there (rows of
/// later entries may exist, from a batch that did not finish), or what pruning left in
/// `last_seq`.
pub(crate) async fn counters_as_of(
    conn: &mut AnyConnection,
    indexed_through: i64,
) -> Result<HashMap<AgentId, u64>> {
    let mut counters = HashMap::new();
    for row in sqlx::query(
        "SELECT a.id, a.last_seq, (SELECT MAX(e.seq) FROM events e \
         WHERE e.agent_id = a.id AND e.body_id <= $1) FROM agents a",
    )
    .bind(indexed_through)
    .fetch_all(conn)
    .await?
    {
        let last_seq: i64 = row.try_get(1)?;
        let indexed: Option<i64> = row.try_get(2)?;
        counters.insert(
            AgentId(row.try_get(0)?),
            last_seq.max(indexed.unwrap_or(0)) as u64,
        );
    }
    Ok(counters)
}

/// Inserts `(agent, seq, log id)` index rows, skipping those already there. Returns how many
/// were new.
pub(crate) async fn insert_rows(conn: &mut AnyConnection, rows: &[(i64, u64, i64)]) -> Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut values = String::with_capacity(rows.len() * 24);
    for (i, (agent, seq, body)) in rows.iter().enumerate() {
        if i > 0 {
            values.push(',');
        }
        let _ = write!(values, "({agent},{seq},{body})");
    }
    // Plain integers from our own counters: nothing a client wrote reaches this SQL text.
    Ok(conn
        .execute(
            format!(
                "INSERT INTO events (agent_id, seq, body_id) VALUES {values} \
                 ON CONFLICT DO NOTHING"
            )
            .as_str(),
        )
        .await?
        .rows_affected())
}

/// Advances `log_state.indexed_through` to `through` (never back).
pub(crate) async fn set_indexed_through(conn: &mut AnyConnection, through: i64) -> Result<()> {
    sqlx::query("UPDATE log_state SET indexed_through = $1 WHERE indexed_through < $1")
        .bind(through)
        .execute(conn)
        .await?;
    Ok(())
}

/// PostgreSQL: the indexers' own lock (intakes do not wait for it), held to the transaction's
/// end, so two processes' indexers take turns instead of deadlocking on each other's rows.
pub(crate) async fn lock_indexers(conn: &mut AnyConnection) -> Result<()> {
    conn.execute("SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock(7701)) AS indexer")
        .await?;
    Ok(())
}

//! The per-agent event log: durable, gap-free sequence numbers.
//!
//! `agents.last_seq` is each agent's counter. Appending an event to many agents is three
//! statements whatever the number of agents: store the event's body once (`event_bodies`), bump
//! the counters, then insert one narrow `(agent_id, seq, body_id)` row per agent from the bumped
//! values. All run in the caller's transaction, so a crash leaves either every row or none.
//! Readers join the body back; the frames on the wire are the same as when every row carried
//! its own copy.

use std::fmt::Write as _;
use std::sync::Arc;

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::lds::Event;
use headsup_protocol::AgentId;
use sqlx::{AnyConnection, Row};

use crate::db::Backend;
use crate::hub::Delivery;
use crate::time::{from_millis, to_millis};

/// Events written by an open transaction, to publish after it commits.
#[derive(Default)]
pub struct Outbox {
    pub items: Vec<Delivery>,
}

/// Appends `event` to the log of each of `agents` (duplicates ignored).
pub async fn append(
    conn: &mut AnyConnection,
    backend: Backend,
    outbox: &mut Outbox,
    agents: &[AgentId],
    at: DateTime<Utc>,
    event: &Event,
) -> Result<()> {
    if agents.is_empty() {
        return Ok(());
    }
    let body = serde_json::to_string(event)?;
    let at_ms = to_millis(at);
    let ids = id_list(agents);
    if backend == Backend::Postgres {
        // Lock the counters in one order, so two transactions fanning out to overlapping teams
        // wait for each other instead of deadlocking.
        sqlx::query(&format!(
            "SELECT id FROM agents WHERE id IN ({ids}) ORDER BY id FOR UPDATE"
        ))
        .fetch_all(&mut *conn)
        .await?;
    }
    let started = std::time::Instant::now();
    let body_id: i64 =
        sqlx::query("INSERT INTO event_bodies (at, body) VALUES ($1, $2) RETURNING id")
            .bind(at_ms)
            .bind(&body)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
    let body_at = started.elapsed();
    let bumped = sqlx::query(&format!(
        "UPDATE agents SET last_seq = last_seq + 1 WHERE id IN ({ids}) RETURNING id, last_seq"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let bumped_at = started.elapsed();
    sqlx::query(&format!(
        "INSERT INTO events (agent_id, seq, body_id) \
         SELECT id, last_seq, $1 FROM agents WHERE id IN ({ids})"
    ))
    .bind(body_id)
    .execute(&mut *conn)
    .await?;
    let inserted_at = started.elapsed();
    let at_text = at_wire(at);
    let bumped_rows = bumped.len();
    for row in bumped {
        let agent = AgentId(row.try_get::<i64, _>(0)?);
        let seq = row.try_get::<i64, _>(1)? as u64;
        outbox.items.push(Delivery {
            agent,
            seq,
            text: frame_text(seq, &at_text, &body).into(),
        });
    }
    tracing::trace!(
        agents = bumped_rows,
        body_us = body_at.as_micros() as u64,
        bump_us = (bumped_at - body_at).as_micros() as u64,
        insert_us = (inserted_at - bumped_at).as_micros() as u64,
        frames_us = (started.elapsed() - inserted_at).as_micros() as u64,
        "events appended"
    );
    Ok(())
}

/// Events after `after_seq`, oldest first, as complete `event` frames.
pub async fn read_after(
    conn: &mut AnyConnection,
    agent: AgentId,
    after_seq: u64,
    limit: i64,
) -> Result<Vec<(u64, Arc<str>)>> {
    let rows = sqlx::query(
        "SELECT e.seq, b.at, b.body FROM events e JOIN event_bodies b ON b.id = e.body_id \
         WHERE e.agent_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3",
    )
    .bind(agent.0)
    .bind(after_seq as i64)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let seq = r.try_get::<i64, _>(0)? as u64;
            let at = at_wire(from_millis(r.try_get::<i64, _>(1)?));
            let body: String = r.try_get(2)?;
            Ok((seq, frame_text(seq, &at, &body).into()))
        })
        .collect()
}

/// The agent's newest sequence and the oldest one still in the log (`None` if the log is empty).
pub async fn bounds(conn: &mut AnyConnection, agent: AgentId) -> Result<(u64, Option<u64>)> {
    let head: i64 = sqlx::query("SELECT last_seq FROM agents WHERE id = $1")
        .bind(agent.0)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let oldest: Option<i64> = sqlx::query("SELECT MIN(seq) FROM events WHERE agent_id = $1")
        .bind(agent.0)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok((head as u64, oldest.map(|s| s as u64)))
}

/// Deletes events older than `before` (the agents' rows, then their bodies); a client that was
/// away longer gets a snapshot. Returns the number of agents' rows deleted. The counters in
/// `agents.last_seq` are not touched, so sequence numbers never restart.
pub async fn prune(conn: &mut AnyConnection, before: DateTime<Utc>) -> Result<u64> {
    let before = to_millis(before);
    let rows = sqlx::query(
        "DELETE FROM events WHERE body_id IN (SELECT id FROM event_bodies WHERE at < $1)",
    )
    .bind(before)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query("DELETE FROM event_bodies WHERE at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(rows)
}

fn id_list(agents: &[AgentId]) -> String {
    let mut s = String::with_capacity(agents.len() * 6);
    for (i, a) in agents.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        // Plain integers from our own types: nothing a client wrote reaches this SQL text.
        let _ = write!(s, "{}", a.0);
    }
    s
}

fn at_wire(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The `event` frame for one agent, built around the event's JSON, which is serialized once for
/// all the agents it goes to. Equal to serializing `ServerFrame::Event` (a test checks).
pub fn frame_text(seq: u64, at: &str, body: &str) -> String {
    // body is a JSON object `{"event":…}`; splice the frame's own fields in front of it.
    let inner = body.strip_prefix('{').unwrap_or(body);
    format!(r#"{{"type":"event","seq":{seq},"at":"{at}",{inner}"#)
}

#[cfg(test)]
mod tests {
    use super::*;
    use headsup_protocol::lds::ServerFrame;
    use headsup_protocol::model::AgentRef;
    use headsup_protocol::RequestId;

    #[test]
    fn spliced_frame_equals_the_serialized_frame() {
        let at = from_millis(1_700_000_000_123);
        let event = Event::Taken {
            request: RequestId(9),
            by: AgentRef {
                id: AgentId(3),
                name: "Bo \"the\" agent".into(),
            },
        };
        let text = frame_text(12, &at_wire(at), &serde_json::to_string(&event).unwrap());
        let parsed: ServerFrame = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, ServerFrame::Event { seq: 12, at, event });
    }
}

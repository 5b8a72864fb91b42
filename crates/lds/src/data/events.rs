//! The event log: durable, gap-free per-agent sequence numbers.
//!
//! A write appends one log entry per event (`event_bodies`: the event's JSON once, and its
//! audience) inside its own transaction, so a crash leaves either the entry or nothing. The
//! per-agent numbers follow from the log in id order (`domain::log::sequencer`); the per-agent
//! index (`events (agent_id, seq, body_id)` rows and `agents.last_seq`) is written behind it by
//! `fanout::index_writer`. Readers join the body back; the frames on the wire are the same as when
//! every agent's row was written by the intake itself.

use std::fmt::Write as _;
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use headsup_protocol::lds::Event;
use headsup_protocol::{AgentId, ConversationId};
use sqlx::{AnyConnection, Row};

use crate::time::{from_millis, to_millis};

/// One logged event, as every connection that sends it needs it: each agent's frame differs
/// only in `seq` ([`frame_text`]).
#[derive(Debug)]
pub(crate) struct LoggedEvent {
    /// The log entry's id (`event_bodies.id`): the log's order.
    pub(crate) id: i64,
    /// `at` as it appears on the wire.
    pub(crate) at: String,
    /// The `Event` as JSON.
    pub(crate) body: String,
    /// The conversation it is about: its customer's sockets look when it is delivered.
    pub(crate) conversation: Option<ConversationId>,
}

impl LoggedEvent {
    pub(crate) fn frame(&self, seq: u64) -> String {
        frame_text(seq, &self.at, &self.body)
    }
}

/// A committed log entry with its audience (ascending, no duplicates).
pub(crate) struct Entry {
    pub(crate) event: Arc<LoggedEvent>,
    pub(crate) audience: Vec<AgentId>,
}

/// Entries written by an open transaction, to number and publish after it commits.
#[derive(Default)]
pub(crate) struct Outbox {
    pub(crate) items: Vec<Entry>,
}

/// Appends `event` to the log for `agents` (duplicates ignored): one row, whatever their number.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    agents: &[AgentId],
    at: DateTime<Utc>,
    event: &Event,
) -> Result<()> {
    let mut audience = agents.to_vec();
    audience.sort_unstable();
    audience.dedup();
    if audience.is_empty() {
        return Ok(());
    }
    let body = serde_json::to_string(event)?;
    let started = std::time::Instant::now();
    let id: i64 = sqlx::query(
        "INSERT INTO event_bodies (at, body, audience) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(to_millis(at))
    .bind(&body)
    .bind(id_list(&audience))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    tracing::trace!(
        agents = audience.len(),
        insert_us = started.elapsed().as_micros() as u64,
        "event logged"
    );
    outbox.items.push(Entry {
        event: Arc::new(LoggedEvent {
            id,
            at: at_wire(at),
            body,
            conversation: event.conversation_id(),
        }),
        audience,
    });
    Ok(())
}

/// Indexed events after `after_seq`, oldest first, as complete `event` frames. The newest
/// events may not be indexed yet: `domain::log::read_after` adds them from memory.
pub(crate) async fn read_indexed_after(
    conn: &mut AnyConnection,
    agent: AgentId,
    after_seq: u64,
    limit: i64,
) -> Result<Vec<(u64, String)>> {
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
            Ok((seq, frame_text(seq, &at, &body)))
        })
        .collect()
}

/// The oldest sequence number of the agent's still in the index (`None` if none is).
pub(crate) async fn oldest_indexed(
    conn: &mut AnyConnection,
    agent: AgentId,
) -> Result<Option<u64>> {
    let oldest: Option<i64> = sqlx::query("SELECT MIN(seq) FROM events WHERE agent_id = $1")
        .bind(agent.0)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(oldest.map(|s| s as u64))
}

/// Deletes events older than `before` (the agents' rows, then their bodies); a client that was
/// away longer gets a snapshot. Returns the number of agents' rows deleted. An agent's counter
/// is its newest row, so before its rows go, `agents.last_seq` keeps the newest of them: numbers
/// never restart. Entries the index does not hold yet stay (the numbers are derived from them),
/// and so does the newest entry: on SQLite a new row's id is one more than the largest, and log
/// ids must never go back.
pub(crate) async fn prune(conn: &mut AnyConnection, before: DateTime<Utc>) -> Result<u64> {
    let before = to_millis(before);
    const PRUNABLE: &str = "SELECT id FROM event_bodies WHERE at < $1 \
         AND id <= (SELECT indexed_through FROM log_state) \
         AND id < (SELECT MAX(id) FROM event_bodies)";
    sqlx::query(&format!(
        "UPDATE agents SET last_seq = p.newest FROM \
         (SELECT agent_id, MAX(seq) AS newest FROM events WHERE body_id IN ({PRUNABLE}) \
          GROUP BY agent_id) AS p \
         WHERE agents.id = p.agent_id AND agents.last_seq < p.newest"
    ))
    .bind(before)
    .execute(&mut *conn)
    .await?;
    let rows = sqlx::query(&format!("DELETE FROM events WHERE body_id IN ({PRUNABLE})"))
        .bind(before)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    sqlx::query(&format!(
        "DELETE FROM event_bodies WHERE id IN ({PRUNABLE})"
    ))
    .bind(before)
    .execute(&mut *conn)
    .await?;
    Ok(rows)
}

/// The newest log entry's id (0 when the log is empty).
pub(crate) async fn newest_id(conn: &mut AnyConnection) -> Result<i64> {
    let newest: Option<i64> = sqlx::query("SELECT MAX(id) FROM event_bodies")
        .fetch_one(conn)
        .await?
        .try_get(0)?;
    Ok(newest.unwrap_or(0))
}

/// The log entries with ids in `(after, through]` (`through`: `None` for all), in id order.
pub(crate) async fn entries_between(
    conn: &mut AnyConnection,
    after: i64,
    through: Option<i64>,
) -> Result<Vec<Entry>> {
    let rows = sqlx::query(
        "SELECT id, at, body, audience FROM event_bodies WHERE id > $1 AND id <= $2 ORDER BY id",
    )
    .bind(after)
    .bind(through.unwrap_or(i64::MAX))
    .fetch_all(conn)
    .await?;
    rows.iter().map(entry_from_row).collect()
}

fn entry_from_row(row: &sqlx::any::AnyRow) -> Result<Entry> {
    let id: i64 = row.try_get(0)?;
    let at = at_wire(from_millis(row.try_get(1)?));
    let body: String = row.try_get(2)?;
    let audience: Option<String> = row.try_get(3)?;
    Ok(Entry {
        event: Arc::new(LoggedEvent {
            id,
            at,
            conversation: conversation_of(&body),
            body,
        }),
        audience: parse_audience(audience.as_deref().unwrap_or(""))?,
    })
}

/// Parses an `audience` column (see [`id_list`]).
pub(crate) fn parse_audience(text: &str) -> Result<Vec<AgentId>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map(AgentId)
                .with_context(|| format!("bad agent id {s:?} in a log entry's audience"))
        })
        .collect()
}

/// Agent ids as comma-separated text: the `audience` column, and `IN (…)` lists.
pub(crate) fn id_list(agents: &[AgentId]) -> String {
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

pub(crate) fn at_wire(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The `event` frame for one agent, built around the event's JSON, which is serialized once for
/// all the agents it goes to. Equal to serializing `ServerFrame::Event` (a test checks).
pub fn frame_text(seq: u64, at: &str, body: &str) -> String {
    // body is a JSON object `{"event":…}`; splice the frame's own fields in front of it.
    let inner = body.strip_prefix('{').unwrap_or(body);
    format!(r#"{{"type":"event","seq":{seq},"at":"{at}",{inner}"#)
}

/// The conversation of a logged event read back (another process's, or after a restart). Only
/// events with a `conversation` field name one, so only those are parsed.
fn conversation_of(body: &str) -> Option<ConversationId> {
    if !body.contains(r#""conversation":"#) {
        return None;
    }
    serde_json::from_str::<Event>(body)
        .ok()
        .and_then(|e| e.conversation_id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use headsup_protocol::lds::{EventFrame, ServerFrame};
    use headsup_protocol::model::AgentRef;
    use headsup_protocol::RequestId;

    #[test]
    fn a_chat_event_read_back_names_its_conversation_and_others_none() {
        let tick = Event::MessageState {
            conversation: ConversationId(42),
            message: headsup_protocol::MessageId(7),
            state: headsup_protocol::chat::MessageState::Read,
            failed_reason: None,
        };
        let body = serde_json::to_string(&tick).unwrap();
        assert_eq!(conversation_of(&body), Some(ConversationId(42)));
        let status = r#"{"event":"status_changed","status":{"availability":"available"}}"#;
        assert_eq!(conversation_of(status), None);
        assert_eq!(conversation_of(r#"{"conversation":"#), None, "not an event");
    }

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
        assert_eq!(
            parsed,
            ServerFrame::Event(EventFrame { seq: 12, at, event })
        );
    }
}

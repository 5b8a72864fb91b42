//! A contact's journey: its requests, the sessions that served them and their transfers, read
//! from where they are stored (a merge points the merged contact's requests at the survivor, so
//! this sees both).

use anyhow::Result;
use headsup_protocol::chat::ConversationState;
use headsup_protocol::contacts::{JourneyEntry, JourneyItem, MAX_JOURNEY};
use headsup_protocol::model::{AgentRef, RequestKind};
use headsup_protocol::{AgentId, ContactId, ConversationId, RequestId, SessionId};
use sqlx::{AnyConnection, Row};

use super::{conversation_tags, conversations};
use crate::time::from_millis;

/// Every entry of the contact, newest first, at most [`MAX_JOURNEY`].
pub(crate) async fn journey(
    conn: &mut AnyConnection,
    contact: ContactId,
) -> Result<Vec<JourneyEntry>> {
    let limit = MAX_JOURNEY as i64;
    let mut entries = Vec::new();
    for r in sqlx::query(
        "SELECT r.id, r.kind, r.state, r.created_at, q.name AS queue, r.taken_by, \
         a.name AS agent_name FROM requests r LEFT JOIN queues q ON q.id = r.queue_id \
         LEFT JOIN agents a ON a.id = r.taken_by \
         WHERE r.contact_id = $1 AND r.kind <> 'transfer' ORDER BY r.created_at DESC LIMIT $2",
    )
    .bind(contact.0)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?
    {
        let kind: String = r.try_get("kind")?;
        entries.push(JourneyEntry {
            at: from_millis(r.try_get("created_at")?),
            queue: r.try_get("queue")?,
            agent: agent(&r, "taken_by", "agent_name")?,
            what: JourneyItem::Request {
                request: RequestId(r.try_get("id")?),
                request_kind: RequestKind::parse(&kind)
                    .ok_or_else(|| anyhow::anyhow!("unknown kind {kind:?}"))?,
                outcome: r.try_get("state")?,
            },
        });
    }
    for r in sqlx::query(
        "SELECT s.id, s.request_id, s.agent_id, a.name AS agent_name, s.started_at, s.ended_at, \
         COALESCE(d.label, s.disposition) AS disposition, q.name AS queue, \
         s.transfer_request, s.transfer_to, s.transfer_outcome, tr.created_at AS transfer_at \
         FROM sessions s JOIN requests r ON r.id = s.request_id \
         JOIN agents a ON a.id = s.agent_id LEFT JOIN queues q ON q.id = r.queue_id \
         LEFT JOIN dispositions d ON d.queue_id = r.queue_id AND d.code = s.disposition \
         LEFT JOIN requests tr ON tr.id = s.transfer_request \
         WHERE r.contact_id = $1 ORDER BY s.started_at DESC LIMIT $2",
    )
    .bind(contact.0)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?
    {
        let agent = agent(&r, "agent_id", "agent_name")?;
        let queue: Option<String> = r.try_get("queue")?;
        if let Some(transfer) = r.try_get::<Option<i64>, _>("transfer_request")? {
            entries.push(JourneyEntry {
                at: from_millis(
                    r.try_get::<Option<i64>, _>("transfer_at")?
                        .unwrap_or_default(),
                ),
                queue: queue.clone(),
                agent: agent.clone(),
                what: JourneyItem::Transfer {
                    request: RequestId(transfer),
                    to: r
                        .try_get::<Option<String>, _>("transfer_to")?
                        .unwrap_or_default(),
                    outcome: r
                        .try_get::<Option<String>, _>("transfer_outcome")?
                        .unwrap_or_default(),
                },
            });
        }
        entries.push(JourneyEntry {
            at: from_millis(r.try_get("started_at")?),
            queue,
            agent,
            what: JourneyItem::Session {
                session: SessionId(r.try_get("id")?),
                request: RequestId(r.try_get("request_id")?),
                ended_at: r.try_get::<Option<i64>, _>("ended_at")?.map(from_millis),
                disposition: r.try_get("disposition")?,
            },
        });
    }
    for r in sqlx::query(
        "SELECT c.id, c.request_id, c.channel, c.state, c.started_at, \
         COALESCE(c.agent_id, c.first_agent_id) AS agent_id, a.name AS agent_name, \
         q.name AS queue FROM conversations c JOIN requests r ON r.id = c.request_id \
         LEFT JOIN agents a ON a.id = COALESCE(c.agent_id, c.first_agent_id) \
         LEFT JOIN queues q ON q.id = c.queue_id \
         WHERE r.contact_id = $1 ORDER BY c.started_at DESC LIMIT $2",
    )
    .bind(contact.0)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?
    {
        let id = ConversationId(r.try_get("id")?);
        let state: String = r.try_get("state")?;
        entries.push(JourneyEntry {
            at: from_millis(r.try_get("started_at")?),
            queue: r.try_get("queue")?,
            agent: agent(&r, "agent_id", "agent_name")?,
            what: JourneyItem::Conversation {
                conversation: id,
                request: RequestId(r.try_get("request_id")?),
                channel: conversations::channel_parse(&r.try_get::<String, _>("channel")?)?,
                state: if state == "closed" {
                    ConversationState::Closed
                } else {
                    ConversationState::Open
                },
                tags: conversation_tags::of(&mut *conn, id).await?,
            },
        });
    }
    // Newest first; at one instant, what came of a request after the request.
    entries.sort_by(|a, b| b.at.cmp(&a.at).then(rank(&b.what).cmp(&rank(&a.what))));
    entries.truncate(MAX_JOURNEY);
    Ok(entries)
}

fn rank(item: &JourneyItem) -> u8 {
    match item {
        JourneyItem::Request { .. } => 0,
        JourneyItem::Session { .. } => 1,
        JourneyItem::Transfer { .. } => 2,
        JourneyItem::Conversation { .. } => 3,
    }
}

fn agent(r: &sqlx::any::AnyRow, id: &str, name: &str) -> Result<Option<AgentRef>> {
    let Some(id) = r.try_get::<Option<i64>, _>(id)? else {
        return Ok(None);
    };
    Ok(Some(AgentRef {
        id: AgentId(id),
        name: r.try_get::<Option<String>, _>(name)?.unwrap_or_default(),
    }))
}

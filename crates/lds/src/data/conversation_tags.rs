//! Conversations' tags, and what the interactions list's filters offer an agent: the tags and
//! channel accounts of the conversations they have had.

use anyhow::Result;
use headsup_protocol::chat::{Channel, ChannelAccount};
use headsup_protocol::{AgentId, ChannelAccountId, ConversationId};
use sqlx::{AnyConnection, Row};

use super::channels::ChannelKind;

/// The conversation's tags, sorted.
pub(crate) async fn of(conn: &mut AnyConnection, id: ConversationId) -> Result<Vec<String>> {
    let rows =
        sqlx::query("SELECT tag FROM conversation_tags WHERE conversation_id = $1 ORDER BY tag")
            .bind(id.0)
            .fetch_all(conn)
            .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// Replaces the conversation's tags with `tags` (already checked). Whether anything changed.
pub(crate) async fn set(
    conn: &mut AnyConnection,
    id: ConversationId,
    tags: &[String],
) -> Result<bool> {
    if of(&mut *conn, id).await? == tags {
        return Ok(false);
    }
    sqlx::query("DELETE FROM conversation_tags WHERE conversation_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    for tag in tags {
        sqlx::query("INSERT INTO conversation_tags (conversation_id, tag) VALUES ($1, $2)")
            .bind(id.0)
            .bind(tag)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// The agents whose interactions list has the conversation.
pub(crate) async fn agents_of(
    conn: &mut AnyConnection,
    id: ConversationId,
) -> Result<Vec<AgentId>> {
    let rows = sqlx::query(
        "SELECT agent_id FROM conversation_reads WHERE conversation_id = $1 ORDER BY agent_id",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(AgentId(r.try_get(0)?))).collect()
}

/// The tags on `agent`'s conversations, sorted, each once.
pub(crate) async fn in_use(conn: &mut AnyConnection, agent: AgentId) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT DISTINCT t.tag FROM conversation_tags t JOIN conversation_reads rd \
         ON rd.conversation_id = t.conversation_id WHERE rd.agent_id = $1 ORDER BY t.tag",
    )
    .bind(agent.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// The channel accounts `agent`'s conversations came through, by queue name then channel.
pub(crate) async fn accounts(
    conn: &mut AnyConnection,
    agent: AgentId,
) -> Result<Vec<ChannelAccount>> {
    let rows = sqlx::query(
        "SELECT a.id, a.kind, q.name FROM channel_accounts a JOIN queues q ON q.id = a.queue_id \
         WHERE a.id IN (SELECT c.channel_account_id FROM conversations c \
         JOIN conversation_reads rd ON rd.conversation_id = c.id WHERE rd.agent_id = $1) \
         ORDER BY q.name, a.kind, a.id",
    )
    .bind(agent.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let channel = match ChannelKind::parse(&r.try_get::<String, _>(1)?)? {
                ChannelKind::Web => Channel::Web,
                ChannelKind::FakeWhatsapp => Channel::Whatsapp,
            };
            Ok(ChannelAccount {
                id: ChannelAccountId(r.try_get(0)?),
                channel,
                queue: r.try_get(2)?,
            })
        })
        .collect()
}

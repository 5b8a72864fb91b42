//! Conversations' rows: a chat's customer, channel, state, the agent it is with, and how far each
//! agent who had it has read.

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use headsup_protocol::chat::{
    Channel, ConversationQuery, ConversationState, MAX_CONVERSATION_PAGE,
};
use headsup_protocol::model::{AgentRef, ContactRef, Customer};
use headsup_protocol::{
    AgentId, ChannelAccountId, ConversationId, QueueId, RequestId, SessionId, TeamId,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::rows::contact_ref;
use crate::time::{from_millis, to_millis};

/// Where a conversation is, as stored: waiting is "open" to agents (it has no agent yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Waiting,
    Open,
    Closed,
}

impl Stage {
    fn parse(s: &str) -> Result<Stage> {
        Ok(match s {
            "waiting" => Stage::Waiting,
            "open" => Stage::Open,
            "closed" => Stage::Closed,
            other => return Err(anyhow!("unknown conversation state {other:?}")),
        })
    }

    pub(crate) fn public(self) -> ConversationState {
        match self {
            Stage::Waiting | Stage::Open => ConversationState::Open,
            Stage::Closed => ConversationState::Closed,
        }
    }
}

pub(crate) fn channel_str(c: Channel) -> &'static str {
    match c {
        Channel::Web => "web",
        Channel::Whatsapp => "whatsapp",
    }
}

pub(crate) fn channel_parse(s: &str) -> Result<Channel> {
    Ok(match s {
        "web" => Channel::Web,
        "whatsapp" => Channel::Whatsapp,
        other => return Err(anyhow!("unknown channel {other:?}")),
    })
}

/// A conversation as stored (the customer unmasked).
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) id: ConversationId,
    pub(crate) team: TeamId,
    pub(crate) queue: Option<QueueId>,
    pub(crate) channel: Channel,
    pub(crate) customer: Customer,
    pub(crate) contact: Option<ContactRef>,
    pub(crate) request: RequestId,
    pub(crate) stage: Stage,
    pub(crate) agent: Option<AgentRef>,
    pub(crate) first_agent: Option<AgentRef>,
    pub(crate) session: Option<SessionId>,
    pub(crate) started_at: DateTime<Utc>,
    pub(crate) closed_at: Option<DateTime<Utc>>,
    pub(crate) last_customer_at: Option<DateTime<Utc>>,
    pub(crate) account: Option<ChannelAccountId>,
}

const COLUMNS: &str = "c.id, c.team_id, c.queue_id, c.channel, c.customer_name, c.customer_phone, \
     c.request_id, c.state, c.agent_id, ca.name AS agent_name, c.first_agent_id, \
     cf.name AS first_agent_name, c.started_at, c.closed_at, c.last_customer_at, \
     c.channel_account_id, \
     (SELECT s.id FROM sessions s WHERE s.conversation_id = c.id AND s.state <> 'ended') \
     AS session_id, cr.contact_id, cct.first_name AS contact_first, \
     cct.last_name AS contact_last, cct.company AS contact_company";
const FROM: &str = "conversations c LEFT JOIN agents ca ON ca.id = c.agent_id \
     LEFT JOIN agents cf ON cf.id = c.first_agent_id \
     JOIN requests cr ON cr.id = c.request_id LEFT JOIN contacts cct ON cct.id = cr.contact_id";

fn agent(row: &AnyRow, id: &str, name: &str) -> Result<Option<AgentRef>> {
    Ok(match row.try_get::<Option<i64>, _>(id)? {
        Some(a) => Some(AgentRef {
            id: AgentId(a),
            name: row.try_get::<Option<String>, _>(name)?.unwrap_or_default(),
        }),
        None => None,
    })
}

fn from_row(row: &AnyRow) -> Result<Stored> {
    let customer = Customer {
        name: row.try_get("customer_name")?,
        phone: row.try_get("customer_phone")?,
    };
    Ok(Stored {
        id: ConversationId(row.try_get("id")?),
        team: TeamId(row.try_get("team_id")?),
        queue: row.try_get::<Option<i64>, _>("queue_id")?.map(QueueId),
        channel: channel_parse(&row.try_get::<String, _>("channel")?)?,
        contact: contact_ref(row, &customer)?,
        customer,
        request: RequestId(row.try_get("request_id")?),
        stage: Stage::parse(&row.try_get::<String, _>("state")?)?,
        agent: agent(row, "agent_id", "agent_name")?,
        first_agent: agent(row, "first_agent_id", "first_agent_name")?,
        session: row.try_get::<Option<i64>, _>("session_id")?.map(SessionId),
        started_at: from_millis(row.try_get("started_at")?),
        closed_at: row.try_get::<Option<i64>, _>("closed_at")?.map(from_millis),
        last_customer_at: row
            .try_get::<Option<i64>, _>("last_customer_at")?
            .map(from_millis),
        account: row
            .try_get::<Option<i64>, _>("channel_account_id")?
            .map(ChannelAccountId),
    })
}

/// What a new conversation starts with.
pub(crate) struct NewConversation<'a> {
    pub(crate) team: TeamId,
    pub(crate) queue: QueueId,
    pub(crate) channel: Channel,
    pub(crate) token_hash: Option<&'a str>,
    /// The channel account it came through.
    pub(crate) account: i64,
    pub(crate) customer: &'a Customer,
    pub(crate) request: RequestId,
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    new: &NewConversation<'_>,
    now: DateTime<Utc>,
) -> Result<ConversationId> {
    let row = sqlx::query(
        "INSERT INTO conversations (team_id, queue_id, channel, token_hash, customer_name, \
         customer_phone, request_id, state, started_at, channel_account_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'waiting', $8, $9) RETURNING id",
    )
    .bind(new.team.0)
    .bind(new.queue.0)
    .bind(channel_str(new.channel))
    .bind(new.token_hash.map(str::to_string))
    .bind(new.customer.name.clone())
    .bind(new.customer.phone.clone())
    .bind(new.request.0)
    .bind(to_millis(now))
    .bind(new.account)
    .fetch_one(conn)
    .await?;
    Ok(ConversationId(row.try_get(0)?))
}

pub(crate) async fn load(conn: &mut AnyConnection, id: ConversationId) -> Result<Option<Stored>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE c.id = $1"))
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    row.map(|r| from_row(&r)).transpose()
}

pub(crate) async fn by_token(conn: &mut AnyConnection, hash: &str) -> Result<Option<Stored>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE c.token_hash = $1"
    ))
    .bind(hash)
    .fetch_optional(conn)
    .await?;
    row.map(|r| from_row(&r)).transpose()
}

/// The conversation a chat request opened (or reopened).
pub(crate) async fn by_request(
    conn: &mut AnyConnection,
    request: RequestId,
) -> Result<Option<Stored>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE c.request_id = $1"
    ))
    .bind(request.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| from_row(&r)).transpose()
}

/// An agent takes the conversation: it is open with them, and in their list from now on.
pub(crate) async fn assign(
    conn: &mut AnyConnection,
    id: ConversationId,
    agent: AgentId,
    session: SessionId,
) -> Result<()> {
    sqlx::query(
        "UPDATE conversations SET state = 'open', agent_id = $1, \
         first_agent_id = COALESCE(first_agent_id, $1), closed_at = NULL WHERE id = $2",
    )
    .bind(agent.0)
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE sessions SET conversation_id = $1 WHERE id = $2")
        .bind(id.0)
        .bind(session.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO conversation_reads (conversation_id, agent_id, read_up_to) \
         VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
    )
    .bind(id.0)
    .bind(agent.0)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn close(
    conn: &mut AnyConnection,
    id: ConversationId,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE conversations SET state = 'closed', closed_at = $1 WHERE id = $2")
        .bind(to_millis(now))
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// The customer wrote after the close: the conversation waits again, for the new request.
pub(crate) async fn reopen(
    conn: &mut AnyConnection,
    id: ConversationId,
    request: RequestId,
) -> Result<()> {
    sqlx::query(
        "UPDATE conversations SET state = 'waiting', request_id = $1, closed_at = NULL \
         WHERE id = $2",
    )
    .bind(request.0)
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn customer_wrote(
    conn: &mut AnyConnection,
    id: ConversationId,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE conversations SET last_customer_at = $1 WHERE id = $2")
        .bind(to_millis(now))
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether `agent` has had the conversation (now or before a transfer).
pub(crate) async fn had(
    conn: &mut AnyConnection,
    id: ConversationId,
    agent: AgentId,
) -> Result<bool> {
    Ok(
        sqlx::query(
            "SELECT 1 FROM conversation_reads WHERE conversation_id = $1 AND agent_id = $2",
        )
        .bind(id.0)
        .bind(agent.0)
        .fetch_optional(conn)
        .await?
        .is_some(),
    )
}

/// The customer's messages `agent` has not read.
pub(crate) async fn unread(
    conn: &mut AnyConnection,
    id: ConversationId,
    agent: AgentId,
) -> Result<u32> {
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) FROM messages m WHERE m.conversation_id = $1 AND m.author = 'customer' \
         AND m.id > COALESCE((SELECT r.read_up_to FROM conversation_reads r \
         WHERE r.conversation_id = $1 AND r.agent_id = $2), 0)",
    )
    .bind(id.0)
    .bind(agent.0)
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Moves `agent`'s read mark forward to `up_to` (never back). Whether it moved.
pub(crate) async fn mark_read(
    conn: &mut AnyConnection,
    id: ConversationId,
    agent: AgentId,
    up_to: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE conversation_reads SET read_up_to = $1 \
         WHERE conversation_id = $2 AND agent_id = $3 AND read_up_to < $1",
    )
    .bind(up_to)
    .bind(id.0)
    .bind(agent.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// `agent`'s conversations by the query (its `tags` already checked): open ones first, then the
/// newest; one past the page to tell whether there is a next one.
pub(crate) async fn for_agent(
    conn: &mut AnyConnection,
    agent: AgentId,
    q: &ConversationQuery,
) -> Result<Vec<Stored>> {
    let limit = q
        .limit
        .unwrap_or(MAX_CONVERSATION_PAGE)
        .clamp(1, MAX_CONVERSATION_PAGE) as i64;
    // `$n` placeholders are numbered as the filters are added.
    let mut sql = format!(
        "SELECT {COLUMNS} FROM {FROM} JOIN conversation_reads rd ON rd.conversation_id = c.id \
         AND rd.agent_id = $1 WHERE 1 = 1"
    );
    let mut n = 1;
    let mut next = || {
        n += 1;
        n
    };
    if let Some(state) = q.state {
        sql += &match state {
            ConversationState::Open => " AND c.state <> 'closed'".to_string(),
            ConversationState::Closed => " AND c.state = 'closed'".to_string(),
        };
    }
    if let Some(unread) = q.unread {
        let cmp = if unread { "EXISTS" } else { "NOT EXISTS" };
        sql += &format!(
            " AND {cmp} (SELECT 1 FROM messages um WHERE um.conversation_id = c.id \
             AND um.author = 'customer' AND um.id > rd.read_up_to)"
        );
    }
    let channel = q.channel.map(channel_str);
    if channel.is_some() {
        sql += &format!(" AND c.channel = ${}", next());
    }
    let since = q.since.map(to_millis);
    if since.is_some() {
        sql += &format!(" AND c.started_at >= ${}", next());
    }
    let first = q.first_agent.map(|a| a.0);
    if first.is_some() {
        sql += &format!(" AND c.first_agent_id = ${}", next());
    }
    let account = q.account.map(|a| a.0);
    if account.is_some() {
        sql += &format!(" AND c.channel_account_id = ${}", next());
    }
    // Every tag named must be on it.
    for _ in &q.tags {
        sql += &format!(
            " AND EXISTS (SELECT 1 FROM conversation_tags tg WHERE tg.conversation_id = c.id \
             AND tg.tag = ${})",
            next()
        );
    }
    let text = q.text.trim().to_lowercase();
    let pattern = format!("%{}%", text.replace(['%', '_', '\\'], ""));
    if !text.is_empty() {
        let i = next();
        sql += &format!(
            " AND (LOWER(COALESCE(c.customer_name, '')) LIKE ${i} OR EXISTS (SELECT 1 FROM \
             messages tm WHERE tm.conversation_id = c.id AND LOWER(tm.body) LIKE ${i}))"
        );
    }
    let after = q.after.map(|a| a.0);
    if after.is_some() {
        let i = next();
        let closed = |t: &str| format!("CASE WHEN {t}.state = 'closed' THEN 1 ELSE 0 END");
        let cursor = format!(
            "(SELECT {} FROM conversations a WHERE a.id = ${i})",
            closed("a")
        );
        sql += &format!(
            " AND ({c} > {cursor} OR ({c} = {cursor} AND c.id < ${i}))",
            c = closed("c")
        );
    }
    // Open first, then newest; the cursor pages by id within that, so one page never mixes
    // what the next one shows.
    sql += &format!(
        " ORDER BY CASE WHEN c.state = 'closed' THEN 1 ELSE 0 END, c.id DESC LIMIT ${}",
        next()
    );
    let mut query = sqlx::query(&sql).bind(agent.0);
    if let Some(c) = channel {
        query = query.bind(c);
    }
    if let Some(s) = since {
        query = query.bind(s);
    }
    if let Some(f) = first {
        query = query.bind(f);
    }
    if let Some(a) = account {
        query = query.bind(a);
    }
    for tag in &q.tags {
        query = query.bind(tag.clone());
    }
    if !text.is_empty() {
        query = query.bind(pattern);
    }
    if let Some(a) = after {
        query = query.bind(a);
    }
    query = query.bind(limit + 1);
    query.fetch_all(conn).await?.iter().map(from_row).collect()
}

//! Customer requests' rows: `requests` and `rejections`.
//!
//! Every state change is conditional (`… WHERE state = …`) and reports the rows it changed, so
//! the domain can tell which of two racing transactions won.

use anyhow::Context;
use chrono::{DateTime, Utc};
use headsup_protocol::model::{Customer, Request, RequestKind};
use headsup_protocol::{AgentId, ContactId, RequestId, TeamId};
use sqlx::{AnyConnection, Row};

use super::events::parse_audience;
use super::rows::{request_from_row, REQUEST_COLUMNS, REQUEST_FROM};
use crate::time::to_millis;

/// A request row as inserted.
pub(crate) struct NewRow<'a> {
    pub(crate) team: TeamId,
    /// The queue it waits in (`queues.id`).
    pub(crate) queue: i64,
    pub(crate) kind: RequestKind,
    pub(crate) customer: &'a Customer,
    pub(crate) due_at: Option<DateTime<Utc>>,
    pub(crate) for_agent: Option<AgentId>,
    /// `pending` (with `expires_at`) or `scheduled`.
    pub(crate) pending: bool,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) contact: Option<ContactId>,
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    r: &NewRow<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<RequestId> {
    let id: i64 = sqlx::query(
        "INSERT INTO requests (team_id, kind, customer_name, customer_phone, created_at, due_at, \
         for_agent, state, expires_at, queue_id, contact_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(r.team.0)
    .bind(r.kind.as_str())
    .bind(r.customer.name.clone())
    .bind(r.customer.phone.clone())
    .bind(to_millis(now))
    .bind(r.due_at.map(to_millis))
    .bind(r.for_agent.map(|a| a.0))
    .bind(if r.pending { "pending" } else { "scheduled" })
    .bind(r.expires_at.map(to_millis))
    .bind(r.queue)
    .bind(r.contact.map(|c| c.0))
    .fetch_one(conn)
    .await
    .context("inserting request")?
    .try_get(0)?;
    Ok(RequestId(id))
}

pub(crate) async fn load(
    conn: &mut AnyConnection,
    id: RequestId,
) -> anyhow::Result<Option<Request>> {
    let row = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE r.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| request_from_row(&r)).transpose()
}

pub(crate) async fn has_rejected(
    conn: &mut AnyConnection,
    id: RequestId,
    agent: AgentId,
) -> anyhow::Result<bool> {
    Ok(
        sqlx::query("SELECT agent_id FROM rejections WHERE request_id = $1 AND agent_id = $2")
            .bind(id.0)
            .bind(agent.0)
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

pub(crate) async fn insert_rejection(
    conn: &mut AnyConnection,
    id: RequestId,
    agent: AgentId,
) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO rejections (request_id, agent_id) VALUES ($1, $2)")
        .bind(id.0)
        .bind(agent.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// The claim: `pending` → `taken` by `agent`, if it is still pending, may go to this agent
/// (team, its queue or a reservation for them, not rejected by them) and the agent is available
/// with no open session. Returns whether this call changed the row.
pub(crate) async fn claim(
    conn: &mut AnyConnection,
    id: RequestId,
    agent: AgentId,
    team: TeamId,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let claimed = sqlx::query(
        "UPDATE requests SET state = 'taken', taken_by = $1, closed_at = $2 \
         WHERE id = $3 AND team_id = $4 AND state = 'pending' \
         AND (for_agent = $1 OR (for_agent IS NULL AND EXISTS (SELECT 1 FROM queue_members m \
              WHERE m.queue_id = requests.queue_id AND m.agent_id = $1))) \
         AND NOT EXISTS (SELECT 1 FROM rejections x WHERE x.request_id = $3 AND x.agent_id = $1) \
         AND (offered_to IS NULL OR offered_to = $1) \
         AND (transfer_from IS NULL OR transfer_from <> $1) \
         AND EXISTS (SELECT 1 FROM agents a WHERE a.id = $1 AND a.status = 'available') \
         AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.agent_id = $1 AND s.state <> 'ended')",
    )
    .bind(agent.0)
    .bind(to_millis(now))
    .bind(id.0)
    .bind(team.0)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(claimed > 0)
}

/// The oldest pending request this agent may take (due time, then creation).
pub(crate) async fn next_for(
    conn: &mut AnyConnection,
    team: TeamId,
    agent: AgentId,
) -> anyhow::Result<Option<RequestId>> {
    let row = sqlx::query(
        "SELECT r.id FROM requests r WHERE r.team_id = $1 AND r.state = 'pending' \
         AND (r.for_agent = $2 OR (r.for_agent IS NULL AND EXISTS (SELECT 1 FROM queue_members m \
              WHERE m.queue_id = r.queue_id AND m.agent_id = $2))) \
         AND (r.offered_to IS NULL OR r.offered_to = $2) \
         AND (r.transfer_from IS NULL OR r.transfer_from <> $2) \
         AND NOT EXISTS (SELECT 1 FROM rejections x WHERE x.request_id = r.id AND x.agent_id = $2) \
         ORDER BY COALESCE(r.due_at, r.created_at), r.id LIMIT 1",
    )
    .bind(team.0)
    .bind(agent.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| anyhow::Ok(RequestId(r.try_get(0)?)))
        .transpose()
}

/// The pending requests this agent may take, oldest first: with `quiet_only`, only the kinds
/// held back from a busy agent (every kind but call-now, which busy agents were offered).
pub(crate) async fn waiting_for(
    conn: &mut AnyConnection,
    team: TeamId,
    agent: AgentId,
    quiet_only: bool,
) -> anyhow::Result<Vec<Request>> {
    let kinds = if quiet_only {
        " AND r.kind <> 'call_now'"
    } else {
        ""
    };
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE r.team_id = $1 AND r.state = 'pending'\
         {kinds} AND (r.for_agent = $2 OR (r.for_agent IS NULL AND EXISTS (SELECT 1 \
         FROM queue_members m WHERE m.queue_id = r.queue_id AND m.agent_id = $2))) \
         AND (r.offered_to IS NULL OR r.offered_to = $2) \
         AND (r.transfer_from IS NULL OR r.transfer_from <> $2) \
         AND NOT EXISTS (SELECT 1 FROM rejections x WHERE x.request_id = r.id AND x.agent_id = $2) \
         ORDER BY COALESCE(r.due_at, r.created_at), r.id"
    ))
    .bind(team.0)
    .bind(agent.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(request_from_row).collect()
}

/// Pending requests whose offer expired by `now`, at most `limit`, oldest first.
pub(crate) async fn expired(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> anyhow::Result<Vec<Request>> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE r.state = 'pending' \
         AND r.expires_at <= $1 ORDER BY r.id LIMIT {limit}"
    ))
    .bind(to_millis(now))
    .fetch_all(conn)
    .await?;
    rows.iter().map(request_from_row).collect()
}

/// `pending` → `timed_out`. Returns whether this call changed the row.
pub(crate) async fn time_out(
    conn: &mut AnyConnection,
    id: RequestId,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let changed = sqlx::query(
        "UPDATE requests SET state = 'timed_out', closed_at = $1 WHERE id = $2 AND state = 'pending'",
    )
    .bind(to_millis(now))
    .bind(id.0)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

/// Scheduled requests due by `now`, at most `limit`, each with its queue's offer timeout.
pub(crate) async fn due(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> anyhow::Result<Vec<(Request, i64)>> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS}, q.offer_timeout_secs FROM {REQUEST_FROM} \
         JOIN queues q ON q.id = r.queue_id WHERE r.state = 'scheduled' AND r.due_at <= $1 \
         ORDER BY r.due_at, r.id LIMIT {limit}"
    ))
    .bind(to_millis(now))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| anyhow::Ok((request_from_row(row)?, row.try_get("offer_timeout_secs")?)))
        .collect()
}

/// `scheduled` → `pending` until `expires`. Returns whether this call changed the row.
pub(crate) async fn make_pending(
    conn: &mut AnyConnection,
    id: RequestId,
    expires: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let changed = sqlx::query(
        "UPDATE requests SET state = 'pending', expires_at = $1 WHERE id = $2 AND state = 'scheduled'",
    )
    .bind(to_millis(expires))
    .bind(id.0)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

/// `pending` or `scheduled` → `cancelled`. Returns whether this call changed the row.
pub(crate) async fn cancel(
    conn: &mut AnyConnection,
    id: RequestId,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let changed = sqlx::query(
        "UPDATE requests SET state = 'cancelled', closed_at = $1 \
         WHERE id = $2 AND state IN ('pending', 'scheduled')",
    )
    .bind(to_millis(now))
    .bind(id.0)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

/// The queue the request waits in (`queues.id`).
pub(crate) async fn queue_of(conn: &mut AnyConnection, id: RequestId) -> anyhow::Result<i64> {
    Ok(sqlx::query("SELECT queue_id FROM requests WHERE id = $1")
        .bind(id.0)
        .fetch_one(conn)
        .await?
        .try_get(0)?)
}

/// Who hears of this request: the signed-in members of its queue (or only the agent it is
/// reserved for), minus those who rejected it and the colleague handing it over (a transfer). `offer` narrows it to who may be offered it now:
/// available agents, and with `free_only` those not in a session.
pub(crate) async fn audience(
    conn: &mut AnyConnection,
    request: &Request,
    now: DateTime<Utc>,
    offer: Option<Offer>,
) -> anyhow::Result<Vec<AgentId>> {
    let mut filters = String::new();
    if let Some(offer) = offer {
        filters.push_str(" AND a.status = 'available'");
        if offer.free_only {
            filters.push_str(
                " AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.agent_id = a.id \
                 AND s.state <> 'ended')",
            );
        }
    }
    // One row, the ids as text: at 10,000 agents, fetching one row per agent through the
    // driver cost more than the query itself. `live_until` is kept by triggers on `tokens`
    // (migration 0005): the latest expiry among the agent's unrevoked tokens.
    let members = match request.for_agent {
        Some(_) => "a.id = r.for_agent",
        None => {
            "EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = r.queue_id \
                 AND m.agent_id = a.id)"
        }
    };
    // A longest-idle queue offers its request to the one agent it rings (none: nobody).
    let who = if offer.is_some() && request.for_agent.is_none() {
        format!(
            "(CASE WHEN q.distribution = 'longest_idle' THEN r.offered_to = a.id \
             ELSE {members} END)"
        )
    } else {
        members.to_string()
    };
    let row = sqlx::query(&format!(
        "SELECT string_agg(CAST(a.id AS TEXT), ',') FROM requests r JOIN queues q \
         ON q.id = r.queue_id JOIN agents a ON a.team_id = r.team_id \
         WHERE r.id = $1 AND {who} AND a.live_until > $2 \
         AND (r.transfer_from IS NULL OR r.transfer_from <> a.id) \
         AND NOT EXISTS (SELECT 1 FROM rejections x WHERE x.request_id = r.id \
         AND x.agent_id = a.id){filters}"
    ))
    .bind(request.id.0)
    .bind(to_millis(now))
    .fetch_one(conn)
    .await?;
    let ids: Option<String> = row.try_get(0)?;
    let mut agents = parse_audience(ids.as_deref().unwrap_or(""))?;
    agents.sort_unstable();
    Ok(agents)
}

/// Narrows an [`audience`] to who may be offered the request now.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Offer {
    pub(crate) free_only: bool,
}

/// For a request of a longest-idle queue (not reserved for one agent): how long each agent is
/// offered it. `None`: every available member is offered it at once.
pub(crate) async fn ring_secs(
    conn: &mut AnyConnection,
    id: RequestId,
) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query(
        "SELECT q.ring_secs FROM requests r JOIN queues q ON q.id = r.queue_id \
         WHERE r.id = $1 AND q.distribution = 'longest_idle' AND r.for_agent IS NULL",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    .map(|r| r.try_get(0))
    .transpose()?)
}

/// The one agent a longest-idle request is offered to now, if anyone.
pub(crate) async fn offered_to(
    conn: &mut AnyConnection,
    id: RequestId,
) -> anyhow::Result<Option<AgentId>> {
    let row = sqlx::query("SELECT offered_to FROM requests WHERE id = $1")
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    Ok(row.try_get::<Option<i64>, _>(0)?.map(AgentId))
}

/// Offers a pending longest-idle request to `agent` until `until`, or to nobody (`None`).
pub(crate) async fn ring(
    conn: &mut AnyConnection,
    id: RequestId,
    agent: Option<AgentId>,
    until: Option<DateTime<Utc>>,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE requests SET offered_to = $1, ring_until = $2 WHERE id = $3 AND state = 'pending'",
    )
    .bind(agent.map(|a| a.0))
    .bind(until.map(to_millis))
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Pending requests whose ring ran out by `now`, at most `limit`, the longest over first.
pub(crate) async fn rings_over(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> anyhow::Result<Vec<Request>> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE r.state = 'pending' \
         AND r.ring_until <= $1 ORDER BY r.ring_until, r.id LIMIT {limit}"
    ))
    .bind(to_millis(now))
    .fetch_all(conn)
    .await?;
    rows.iter().map(request_from_row).collect()
}

/// The agent let the ring run out: the request is not offered to them again.
pub(crate) async fn insert_pass(
    conn: &mut AnyConnection,
    id: RequestId,
    agent: AgentId,
) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO passes (request_id, agent_id) VALUES ($1, $2)")
        .bind(id.0)
        .bind(agent.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Who a longest-idle request rings next: the signed-in, available member of its queue with no
/// open session who neither rejected nor let it pass, free the longest (`idle_since`, never
/// set first), then the lowest id.
pub(crate) async fn longest_idle_for(
    conn: &mut AnyConnection,
    id: RequestId,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<AgentId>> {
    let row = sqlx::query(
        "SELECT a.id FROM requests r JOIN queue_members m ON m.queue_id = r.queue_id \
         JOIN agents a ON a.id = m.agent_id WHERE r.id = $1 AND a.live_until > $2 \
         AND a.status = 'available' \
         AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.agent_id = a.id AND s.state <> 'ended') \
         AND NOT EXISTS (SELECT 1 FROM rejections x WHERE x.request_id = r.id AND x.agent_id = a.id) \
         AND NOT EXISTS (SELECT 1 FROM passes p WHERE p.request_id = r.id AND p.agent_id = a.id) \
         ORDER BY COALESCE(a.idle_since, 0), a.id LIMIT 1",
    )
    .bind(id.0)
    .bind(to_millis(now))
    .fetch_optional(conn)
    .await?;
    row.map(|r| anyhow::Ok(AgentId(r.try_get(0)?))).transpose()
}

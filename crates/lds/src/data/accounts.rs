//! Teams, agents and session tokens: their rows.

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{AgentId, TeamId};
use sqlx::{AnyConnection, Row};

use super::events::parse_audience;
use crate::time::to_millis;

/// A team as the server needs it for intake and distribution.
#[derive(Debug, Clone)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub offer_timeout_secs: i64,
    pub callback_delay_secs: i64,
}

const TEAM_COLUMNS: &str = "id, name, offer_timeout_secs, callback_delay_secs";

pub(crate) async fn insert_team(
    conn: &mut AnyConnection,
    name: &str,
    intake_key_digest: &str,
    offer_timeout_secs: i64,
    callback_delay_secs: i64,
    now: DateTime<Utc>,
) -> Result<TeamId> {
    let id: i64 = sqlx::query(
        "INSERT INTO teams (name, intake_key_hash, offer_timeout_secs, callback_delay_secs, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(intake_key_digest)
    .bind(offer_timeout_secs)
    .bind(callback_delay_secs)
    .bind(to_millis(now))
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(TeamId(id))
}

pub(crate) async fn team_by_name(conn: &mut AnyConnection, name: &str) -> Result<Option<Team>> {
    let row = sqlx::query(&format!("SELECT {TEAM_COLUMNS} FROM teams WHERE name = $1"))
        .bind(name)
        .fetch_optional(conn)
        .await?;
    row.map(|r| team_from_row(&r)).transpose()
}

pub(crate) async fn team_by_intake_key_digest(
    conn: &mut AnyConnection,
    digest: &str,
) -> Result<Option<Team>> {
    let row = sqlx::query(&format!(
        "SELECT {TEAM_COLUMNS} FROM teams WHERE intake_key_hash = $1"
    ))
    .bind(digest)
    .fetch_optional(conn)
    .await?;
    row.map(|r| team_from_row(&r)).transpose()
}

pub(crate) async fn team_by_id(conn: &mut AnyConnection, id: TeamId) -> Result<Team> {
    let row = sqlx::query(&format!("SELECT {TEAM_COLUMNS} FROM teams WHERE id = $1"))
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    team_from_row(&row)
}

fn team_from_row(r: &sqlx::any::AnyRow) -> Result<Team> {
    Ok(Team {
        id: TeamId(r.try_get("id")?),
        name: r.try_get("name")?,
        offer_timeout_secs: r.try_get("offer_timeout_secs")?,
        callback_delay_secs: r.try_get("callback_delay_secs")?,
    })
}

/// An agent's row as inserted (e-mail already normalized).
pub(crate) struct AgentRow<'a> {
    pub(crate) team: TeamId,
    pub(crate) email: &'a str,
    pub(crate) name: &'a str,
    pub(crate) password_hash: &'a str,
    pub(crate) time_zone: &'a str,
}

pub(crate) async fn insert_agent(
    conn: &mut AnyConnection,
    a: &AgentRow<'_>,
    now: DateTime<Utc>,
) -> Result<AgentId> {
    let id: i64 = sqlx::query(
        "INSERT INTO agents (team_id, email, name, password_hash, time_zone, last_seq, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id",
    )
    .bind(a.team.0)
    .bind(a.email)
    .bind(a.name)
    .bind(a.password_hash)
    .bind(a.time_zone)
    .bind(to_millis(now))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    // Every agent serves their team's default queue from the start (admins change it later).
    sqlx::query(
        "INSERT INTO queue_members (queue_id, agent_id)          SELECT id, $1 FROM queues WHERE team_id = $2 AND is_default = 1",
    )
    .bind(id)
    .bind(a.team.0)
    .execute(conn)
    .await?;
    Ok(AgentId(id))
}

const AGENT_INFO_SQL: &str = "SELECT a.id, a.email, a.name, a.team_id, t.name AS team_name, \
     a.time_zone, a.password_hash FROM agents a JOIN teams t ON t.id = a.team_id";

fn agent_from_row(r: &sqlx::any::AnyRow) -> Result<(AgentInfo, String)> {
    Ok((
        AgentInfo {
            id: AgentId(r.try_get("id")?),
            email: r.try_get("email")?,
            name: r.try_get("name")?,
            team: TeamId(r.try_get("team_id")?),
            team_name: r.try_get("team_name")?,
            time_zone: r.try_get("time_zone")?,
        },
        r.try_get("password_hash")?,
    ))
}

/// The agent with this (normalized) e-mail, and its password hash.
pub(crate) async fn agent_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<(AgentInfo, String)>> {
    let row = sqlx::query(&format!("{AGENT_INFO_SQL} WHERE a.email = $1"))
        .bind(email)
        .fetch_optional(conn)
        .await?;
    row.map(|r| agent_from_row(&r)).transpose()
}

pub(crate) async fn agent_info(conn: &mut AnyConnection, id: AgentId) -> Result<AgentInfo> {
    let row = sqlx::query(&format!("{AGENT_INFO_SQL} WHERE a.id = $1"))
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    Ok(agent_from_row(&row)?.0)
}

pub(crate) async fn list_agents(conn: &mut AnyConnection) -> Result<Vec<AgentInfo>> {
    let rows = sqlx::query(&format!("{AGENT_INFO_SQL} ORDER BY t.name, a.email"))
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| agent_from_row(r).map(|(a, _)| a))
        .collect()
}

pub(crate) async fn team_of_agent(conn: &mut AnyConnection, agent: AgentId) -> Result<TeamId> {
    let row = sqlx::query("SELECT team_id FROM agents WHERE id = $1")
        .bind(agent.0)
        .fetch_one(conn)
        .await?;
    Ok(TeamId(row.try_get(0)?))
}

pub(crate) async fn insert_token(
    conn: &mut AnyConnection,
    token_digest: &str,
    agent: AgentId,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO tokens (hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_digest)
    .bind(agent.0)
    .bind(to_millis(now))
    .bind(to_millis(expires))
    .execute(conn)
    .await?;
    Ok(())
}

/// A token's row: whose it is, when it expires and when it was revoked (milliseconds).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenRow {
    pub(crate) agent: AgentId,
    pub(crate) expires_at: i64,
    pub(crate) revoked_at: Option<i64>,
}

pub(crate) async fn token(conn: &mut AnyConnection, digest: &str) -> Result<Option<TokenRow>> {
    let row = sqlx::query("SELECT agent_id, expires_at, revoked_at FROM tokens WHERE hash = $1")
        .bind(digest)
        .fetch_optional(conn)
        .await?;
    row.map(|row| {
        anyhow::Ok(TokenRow {
            agent: AgentId(row.try_get(0)?),
            expires_at: row.try_get(1)?,
            revoked_at: row.try_get(2)?,
        })
    })
    .transpose()
}

/// The rows of these token digests (at most a few hundred: one bind parameter each), by digest.
pub(crate) async fn tokens(
    conn: &mut AnyConnection,
    digests: &[String],
) -> Result<Vec<(String, TokenRow)>> {
    let marks: Vec<String> = (1..=digests.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT hash, agent_id, expires_at, revoked_at FROM tokens WHERE hash IN ({})",
        marks.join(",")
    );
    let mut query = sqlx::query(&sql);
    for digest in digests {
        query = query.bind(digest.as_str());
    }
    query
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| {
            anyhow::Ok((
                row.try_get(0)?,
                TokenRow {
                    agent: AgentId(row.try_get(1)?),
                    expires_at: row.try_get(2)?,
                    revoked_at: row.try_get(3)?,
                },
            ))
        })
        .collect()
}

/// Marks a live token revoked. Returns whether it was live.
pub(crate) async fn revoke_token(
    conn: &mut AnyConnection,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL")
        .bind(to_millis(now))
        .bind(digest)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Which agents of the team are signed in (hold a live token). Who hears of a request is
/// narrower: `requests::audience`.
pub(crate) async fn signed_in_agents(
    conn: &mut AnyConnection,
    team: TeamId,
    now: DateTime<Utc>,
) -> Result<Vec<AgentId>> {
    let row = sqlx::query(
        "SELECT string_agg(CAST(a.id AS TEXT), ',') FROM agents a WHERE a.team_id = $1 \
         AND a.live_until > $2",
    )
    .bind(team.0)
    .bind(to_millis(now))
    .fetch_one(conn)
    .await?;
    let ids: Option<String> = row.try_get(0)?;
    let mut agents = parse_audience(ids.as_deref().unwrap_or(""))?;
    agents.sort_unstable();
    Ok(agents)
}

/// Whether the agent is in a session that has not ended.
pub(crate) async fn is_busy(conn: &mut AnyConnection, agent: AgentId) -> Result<bool> {
    let row = sqlx::query("SELECT COUNT(*) FROM sessions WHERE agent_id = $1 AND state <> 'ended'")
        .bind(agent.0)
        .fetch_one(conn)
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// A whole team of signed-in agents at once (the load generator's seeding): `agents` rows named
/// `agent{i}@{domain}`, each with one token (digests given, in agent order).
pub(crate) async fn insert_signed_in_agents(
    conn: &mut AnyConnection,
    team: TeamId,
    domain: &str,
    password_hash: &str,
    token_digests: &[String],
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<()> {
    for (i, digest) in token_digests.iter().enumerate() {
        let id = insert_agent(
            conn,
            &AgentRow {
                team,
                email: &format!("agent{i}@{domain}"),
                name: &format!("Agent {i}"),
                password_hash,
                time_zone: "UTC",
            },
            now,
        )
        .await?;
        insert_token(conn, digest, id, now, expires).await?;
    }
    Ok(())
}

/// Deletes tokens that expired before `before`.
pub(crate) async fn prune_tokens(conn: &mut AnyConnection, before: DateTime<Utc>) -> Result<()> {
    sqlx::query("DELETE FROM tokens WHERE expires_at < $1")
        .bind(to_millis(before))
        .execute(conn)
        .await?;
    Ok(())
}

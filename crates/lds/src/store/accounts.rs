//! Teams, agents and session tokens.

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{AgentId, ErrorCode, TeamId};
use sqlx::{AnyConnection, Row};

use crate::auth;
use crate::db::Db;
use crate::error::{LdsError, LdsResult};
use crate::time::{from_millis, to_millis};

/// A team as the server needs it for intake and distribution.
#[derive(Debug, Clone)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub offer_timeout_secs: i64,
    pub callback_delay_secs: i64,
}

pub const DEFAULT_OFFER_TIMEOUT_SECS: i64 = 120;
pub const DEFAULT_CALLBACK_DELAY_SECS: i64 = 900;

/// Creates a team and returns it with its intake key (shown once; only its digest is stored).
pub async fn add_team(
    db: &Db,
    name: &str,
    offer_timeout_secs: i64,
    callback_delay_secs: i64,
) -> Result<(Team, String)> {
    let key = auth::new_secret("intake");
    let mut w = db.begin_write().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO teams (name, intake_key_hash, offer_timeout_secs, callback_delay_secs, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(auth::digest(&key))
    .bind(offer_timeout_secs)
    .bind(callback_delay_secs)
    .bind(to_millis(Utc::now()))
    .fetch_one(&mut *w.tx)
    .await
    .with_context(|| format!("creating team {name:?} (does it exist already?)"))?
    .try_get(0)?;
    w.commit().await?;
    Ok((
        Team {
            id: TeamId(id),
            name: name.to_string(),
            offer_timeout_secs,
            callback_delay_secs,
        },
        key,
    ))
}

pub async fn team_by_name(db: &Db, name: &str) -> Result<Option<Team>> {
    let row = sqlx::query(
        "SELECT id, name, offer_timeout_secs, callback_delay_secs FROM teams WHERE name = $1",
    )
    .bind(name)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| team_from_row(&r)).transpose()
}

pub async fn team_by_intake_key(db: &Db, key: &str) -> Result<Option<Team>> {
    let row = sqlx::query(
        "SELECT id, name, offer_timeout_secs, callback_delay_secs FROM teams WHERE intake_key_hash = $1",
    )
    .bind(auth::digest(key))
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| team_from_row(&r)).transpose()
}

pub async fn team_by_id(conn: &mut AnyConnection, id: TeamId) -> Result<Team> {
    let row = sqlx::query(
        "SELECT id, name, offer_timeout_secs, callback_delay_secs FROM teams WHERE id = $1",
    )
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

pub struct NewAgent<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub team: &'a str,
    pub password_hash: &'a str,
    pub time_zone: &'a str,
}

pub async fn add_agent(db: &Db, a: &NewAgent<'_>) -> Result<AgentId> {
    let team = team_by_name(db, a.team)
        .await?
        .with_context(|| format!("no team named {:?} (create it with `lds team add`)", a.team))?;
    anyhow::ensure!(
        a.time_zone.parse::<chrono_tz::Tz>().is_ok(),
        "unknown time zone {:?} (use an IANA name such as Europe/Madrid)",
        a.time_zone
    );
    let mut w = db.begin_write().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO agents (team_id, email, name, password_hash, time_zone, last_seq, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id",
    )
    .bind(team.id.0)
    .bind(a.email.trim().to_lowercase())
    .bind(a.name)
    .bind(a.password_hash)
    .bind(a.time_zone)
    .bind(to_millis(Utc::now()))
    .fetch_one(&mut *w.tx)
    .await
    .with_context(|| format!("adding agent {:?} (does the e-mail exist already?)", a.email))?
    .try_get(0)?;
    w.commit().await?;
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

/// The agent and its password hash.
pub async fn agent_by_email(db: &Db, email: &str) -> Result<Option<(AgentInfo, String)>> {
    let row = sqlx::query(&format!("{AGENT_INFO_SQL} WHERE a.email = $1"))
        .bind(email.trim().to_lowercase())
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| agent_from_row(&r)).transpose()
}

pub async fn agent_info(conn: &mut AnyConnection, id: AgentId) -> Result<AgentInfo> {
    let row = sqlx::query(&format!("{AGENT_INFO_SQL} WHERE a.id = $1"))
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    Ok(agent_from_row(&row)?.0)
}

pub async fn list_agents(db: &Db) -> Result<Vec<AgentInfo>> {
    let rows = sqlx::query(&format!("{AGENT_INFO_SQL} ORDER BY t.name, a.email"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| agent_from_row(r).map(|(a, _)| a))
        .collect()
}

/// Issues a session token for an agent whose password was verified.
pub async fn issue_token(
    db: &Db,
    agent: AgentId,
    ttl: Duration,
) -> Result<(String, DateTime<Utc>)> {
    let token = auth::new_secret("hu");
    let now = Utc::now();
    let expires = now + ttl;
    let mut w = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO tokens (hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(auth::digest(&token))
    .bind(agent.0)
    .bind(to_millis(now))
    .bind(to_millis(expires))
    .execute(&mut *w.tx)
    .await?;
    w.commit().await?;
    Ok((token, expires))
}

/// Who a bearer token belongs to, or the documented reason it is refused.
pub async fn check_token(
    conn: &mut AnyConnection,
    token_digest: &str,
    now: DateTime<Utc>,
) -> LdsResult<AgentId> {
    let row = sqlx::query("SELECT agent_id, expires_at, revoked_at FROM tokens WHERE hash = $1")
        .bind(token_digest)
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else {
        return Err(token_verdict(None, now).unwrap_err());
    };
    let expires: i64 = row.try_get(1).map_err(anyhow::Error::from)?;
    let revoked: Option<i64> = row.try_get(2).map_err(anyhow::Error::from)?;
    token_verdict(Some((expires, revoked)), now)?;
    Ok(AgentId(row.try_get(0).map_err(anyhow::Error::from)?))
}

/// Whether a token found with this `(expires_at, revoked_at)` (or not found) still holds, or the
/// documented reason it does not.
pub fn token_verdict(found: Option<(i64, Option<i64>)>, now: DateTime<Utc>) -> LdsResult<()> {
    match found {
        None => Err(LdsError::new(ErrorCode::Unauthorized, "unknown token")),
        Some((_, Some(_))) => Err(LdsError::new(
            ErrorCode::TokenRevoked,
            "this token was revoked; sign in again",
        )),
        Some((expires, None)) if from_millis(expires) <= now => Err(LdsError::new(
            ErrorCode::TokenExpired,
            "this token has expired; sign in again",
        )),
        Some(_) => Ok(()),
    }
}

/// Revokes a token (logout). Returns whether it was live.
pub async fn revoke_token(db: &Db, token_digest: &str) -> Result<bool> {
    let mut w = db.begin_write().await?;
    let n = sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL")
        .bind(to_millis(Utc::now()))
        .bind(token_digest)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
    w.commit().await?;
    Ok(n == 1)
}

/// Which agents of the team are signed in (hold a live token): they are the ones offered
/// requests and told about changes. With `free_only`, agents in an open session are left out.
pub async fn signed_in_agents(
    conn: &mut AnyConnection,
    team: TeamId,
    now: DateTime<Utc>,
    free_only: bool,
) -> Result<Vec<AgentId>> {
    let busy_filter = if free_only {
        " AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.agent_id = a.id AND s.state <> 'ended')"
    } else {
        ""
    };
    // One row, the ids as text: at 10,000 agents, fetching one row per agent through the
    // driver cost more than the query itself. `live_until` is kept by triggers on `tokens`
    // (migration 0005): the latest expiry among the agent's unrevoked tokens.
    let row = sqlx::query(&format!(
        "SELECT string_agg(CAST(a.id AS TEXT), ',') FROM agents a WHERE a.team_id = $1 \
         AND a.live_until > $2{busy_filter}"
    ))
    .bind(team.0)
    .bind(to_millis(now))
    .fetch_one(conn)
    .await?;
    let ids: Option<String> = row.try_get(0)?;
    let mut agents = crate::store::events::parse_audience(ids.as_deref().unwrap_or(""))?;
    agents.sort_unstable();
    Ok(agents)
}

pub async fn is_busy(conn: &mut AnyConnection, agent: AgentId) -> Result<bool> {
    let row = sqlx::query("SELECT COUNT(*) FROM sessions WHERE agent_id = $1 AND state <> 'ended'")
        .bind(agent.0)
        .fetch_one(conn)
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

//! Teams, agents and session tokens: creating them, signing in and out, and the rules that say
//! whether a token still holds ([`token_verdict`]) and whether a sign-in may be tried
//! ([`login_limits`]).
//!
//! The functions taking a [`Db`] are also the crate's public administration API (`lds::admin`):
//! the command line, the tests and the load generator seed teams and agents through them.

pub(crate) mod login_limits;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{AgentId, ErrorCode};
use sqlx::AnyConnection;

use crate::auth;
pub use crate::data::accounts::Team;
use crate::data::accounts::{self as rows, AgentRow};
use crate::data::db::Db;
use crate::data::{queues, status};
use crate::domain::contacts;
use crate::error::{LdsError, LdsResult};
use crate::time::from_millis;

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
    let id = rows::insert_team(
        &mut w.tx,
        name,
        &auth::digest(&key),
        offer_timeout_secs,
        callback_delay_secs,
        Utc::now(),
    )
    .await
    .with_context(|| format!("creating team {name:?} (does it exist already?)"))?;
    // Every team has a default queue, fed by the team's intake key, and the usual reasons.
    let now = Utc::now();
    let queue = queues::insert_queue(
        &mut w.tx,
        id,
        "default",
        None,
        offer_timeout_secs,
        true,
        now,
    )
    .await?;
    // And a contact list its default queue's customers land in, which its members see.
    let list = crate::data::contact_lists::insert_list(&mut w.tx, id, "Customers", now).await?;
    contacts::admin::feed_from_queue(&mut w.tx, list, queue).await?;
    for (code, label) in status::DEFAULT_REASONS {
        status::put_reason(&mut w.tx, id, code, label).await?;
    }
    w.commit().await?;
    Ok((
        Team {
            id,
            name: name.to_string(),
            offer_timeout_secs,
            callback_delay_secs,
        },
        key,
    ))
}

pub async fn team_by_name(db: &Db, name: &str) -> Result<Option<Team>> {
    rows::team_by_name(&mut *db.pool.acquire().await?, name).await
}

/// The team whose intake key this is, or the queue (and its team) whose own key it is.
pub(crate) async fn team_by_intake_key(
    db: &Db,
    key: &str,
) -> Result<Option<(Team, Option<queues::Queue>)>> {
    let mut conn = db.pool.acquire().await?;
    let digest = auth::digest(key);
    if let Some(team) = rows::team_by_intake_key_digest(&mut conn, &digest).await? {
        return Ok(Some((team, None)));
    }
    let Some(queue) = queues::queue_by_intake_key_digest(&mut conn, &digest).await? else {
        return Ok(None);
    };
    let team = rows::team_by_id(&mut conn, queue.team).await?;
    Ok(Some((team, Some(queue))))
}

/// A new agent, as `lds agent add` takes it.
pub struct NewAgent<'a> {
    pub email: &'a str,
    pub name: &'a str,
    /// The team's name.
    pub team: &'a str,
    pub password_hash: &'a str,
    /// An IANA time zone name.
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
    let email = normalized_email(a.email);
    let row = AgentRow {
        team: team.id,
        email: &email,
        name: a.name,
        password_hash: a.password_hash,
        time_zone: a.time_zone,
    };
    let id = rows::insert_agent(&mut w.tx, &row, Utc::now())
        .await
        .with_context(|| {
            format!(
                "adding agent {:?} (does the e-mail exist already?)",
                a.email
            )
        })?;
    w.commit().await?;
    Ok(id)
}

fn normalized_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The agent and its password hash.
pub async fn agent_by_email(db: &Db, email: &str) -> Result<Option<(AgentInfo, String)>> {
    rows::agent_by_email(&mut *db.pool.acquire().await?, &normalized_email(email)).await
}

pub async fn list_agents(db: &Db) -> Result<Vec<AgentInfo>> {
    rows::list_agents(&mut *db.pool.acquire().await?).await
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
    rows::insert_token(&mut w.tx, &auth::digest(&token), agent, now, expires).await?;
    w.commit().await?;
    Ok((token, expires))
}

/// Revokes a token (logout) by its digest ([`crate::auth::digest`]). Returns whether it was
/// live. Sockets open with it are closed by the caller (the fan-out's hub, on this process) or
/// by the token watch (on every process).
pub async fn revoke_token(db: &Db, token_digest: &str) -> Result<bool> {
    let mut w = db.begin_write().await?;
    let live = rows::revoke_token(&mut w.tx, token_digest, Utc::now()).await?;
    w.commit().await?;
    Ok(live)
}

/// A team of `agents` signed-in agents (`agent{i}@{domain}`, one password hash for all), written
/// in one transaction; returns their session tokens, in agent order, valid for `ttl`.
///
/// For the load generator: adding them one by one (a transaction, and at sign-in an argon2
/// verification, each) takes minutes at 10,000 agents.
pub async fn add_signed_in_agents(
    db: &Db,
    team: &Team,
    domain: &str,
    agents: usize,
    password_hash: &str,
    ttl: Duration,
) -> Result<Vec<String>> {
    let tokens: Vec<String> = (0..agents).map(|_| auth::new_secret("hu")).collect();
    let digests: Vec<String> = tokens.iter().map(|t| auth::digest(t)).collect();
    let now = Utc::now();
    let mut w = db.begin_write().await?;
    rows::insert_signed_in_agents(
        &mut w.tx,
        team.id,
        domain,
        password_hash,
        &digests,
        now,
        now + ttl,
    )
    .await?;
    w.commit().await?;
    Ok(tokens)
}

/// Who a bearer token belongs to, or the documented reason it is refused.
pub(crate) async fn check_token(
    conn: &mut AnyConnection,
    token_digest: &str,
    now: DateTime<Utc>,
) -> LdsResult<AgentId> {
    let found = rows::token(conn, token_digest).await?;
    token_verdict(found.map(|t| (t.expires_at, t.revoked_at)), now)?;
    Ok(found.map(|t| t.agent).expect("a verdict of Ok means found"))
}

/// The agent a bearer token belongs to, with its details.
pub(crate) async fn authenticate(db: &Db, token_digest: &str) -> LdsResult<AgentInfo> {
    let mut conn = db.pool.acquire().await?;
    let agent = check_token(&mut conn, token_digest, Utc::now()).await?;
    Ok(rows::agent_info(&mut conn, agent).await?)
}

/// Whether a token found with this `(expires_at, revoked_at)` (or not found) still holds, or the
/// documented reason it does not.
pub(crate) fn token_verdict(
    found: Option<(i64, Option<i64>)>,
    now: DateTime<Utc>,
) -> LdsResult<()> {
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

/// The tokens among `digests` (at most a few hundred) that no longer hold as of `now`, each with
/// the reason.
pub(crate) async fn refused_tokens(
    db: &Db,
    digests: &[String],
    now: DateTime<Utc>,
) -> Result<Vec<(String, LdsError)>> {
    let mut conn = db.pool.acquire().await?;
    let found: std::collections::HashMap<String, rows::TokenRow> = rows::tokens(&mut conn, digests)
        .await?
        .into_iter()
        .collect();
    Ok(digests
        .iter()
        .filter_map(|digest| {
            let row = found.get(digest).map(|t| (t.expires_at, t.revoked_at));
            token_verdict(row, now).err().map(|e| (digest.clone(), e))
        })
        .collect())
}

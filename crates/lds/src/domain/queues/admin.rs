//! What admins do to queues, memberships and not-ready reasons (`lds queue …`, `lds reason …`):
//! part of the crate's public administration API (`lds::admin`).

use anyhow::{bail, Context, Result};
use chrono::Utc;
use headsup_protocol::lds::{TRANSFER_TIMEOUT_MAX_SECS, TRANSFER_TIMEOUT_MIN_SECS};
use headsup_protocol::model::StatusReason;
use headsup_protocol::{AgentId, TeamId};

use crate::auth;
use crate::data::accounts::{self, Team};
use crate::data::db::Db;
pub use crate::data::queues::{Channels, Distribution, Queue, QueueSettings, WrapUpRule};
use crate::data::{queues as rows, status, transfers};

/// A queue, its members and the key that feeds it, as `lds queue list` prints them.
pub struct QueueListing {
    pub queue: Queue,
    pub members: i64,
}

async fn team(db: &Db, name: &str) -> Result<Team> {
    accounts::team_by_name(&mut *db.pool.acquire().await?, name)
        .await?
        .with_context(|| format!("no team named {name:?} (create it with `lds team add`)"))
}

async fn queue(db: &Db, team: &Team, name: &str) -> Result<Queue> {
    rows::queue_by_name(&mut *db.pool.acquire().await?, team.id, name)
        .await?
        .with_context(|| format!("team {:?} has no queue named {name:?}", team.name))
}

/// Names admins and agents read: 1 to 64 characters, no control characters, not padded.
fn check_name(what: &str, name: &str) -> Result<()> {
    if name.is_empty() || name.chars().count() > 64 || name.trim() != name {
        bail!("a {what} is 1 to 64 characters without leading or trailing spaces");
    }
    if name.chars().any(char::is_control) {
        bail!("a {what} may not hold control characters");
    }
    Ok(())
}

/// Adds a queue to a team, with the team's offer timeout unless given. With `own_key`, the
/// queue gets an intake key of its own, returned once (only its digest is stored).
pub async fn add_queue(
    db: &Db,
    team_name: &str,
    name: &str,
    offer_timeout_secs: Option<i64>,
    own_key: bool,
) -> Result<(Queue, Option<String>)> {
    check_name("queue name", name)?;
    let team = team(db, team_name).await?;
    let key = own_key.then(|| auth::new_secret("intake"));
    let digest = key.as_deref().map(auth::digest);
    let mut w = db.begin_write().await?;
    let timeout = offer_timeout_secs.unwrap_or(team.offer_timeout_secs);
    let id = rows::insert_queue(
        &mut w.tx,
        team.id,
        name,
        digest.as_deref(),
        timeout,
        false,
        Utc::now(),
    )
    .await
    .with_context(|| format!("adding queue {name:?} (does the team have one by that name?)"))?;
    let queue = rows::queue_by_id(&mut w.tx, id).await?;
    w.commit().await?;
    Ok((queue, key))
}

pub async fn list_queues(db: &Db, team_name: &str) -> Result<Vec<QueueListing>> {
    let team = team(db, team_name).await?;
    Ok(rows::list_queues(&mut *db.pool.acquire().await?, team.id)
        .await?
        .into_iter()
        .map(|(queue, members)| QueueListing { queue, members })
        .collect())
}

/// Changes a queue's settings (for requests offered from now on).
pub async fn set_queue(
    db: &Db,
    team_name: &str,
    name: &str,
    settings: QueueSettings,
) -> Result<()> {
    if matches!(settings.channels, Some(c) if !c.voice && !c.chat) {
        bail!("a queue serves at least one channel (voice, chat)");
    }
    let team = team(db, team_name).await?;
    let queue = queue(db, &team, name).await?;
    let mut w = db.begin_write().await?;
    rows::update(&mut w.tx, queue.id, &settings).await?;
    w.commit().await?;
    Ok(())
}

/// Adds (`member = true`) or removes an agent of the team to or from a queue; returns whether
/// anything changed. Requests already offered stay offered; the next ones follow the change.
pub async fn set_member(
    db: &Db,
    team_name: &str,
    queue_name: &str,
    email: &str,
    member: bool,
) -> Result<bool> {
    let team = team(db, team_name).await?;
    let queue = queue(db, &team, queue_name).await?;
    let mut conn = db.pool.acquire().await?;
    let (agent, _) = accounts::agent_by_email(&mut conn, &email.trim().to_lowercase())
        .await?
        .with_context(|| format!("no agent with e-mail {email:?}"))?;
    drop(conn);
    if agent.team != team.id {
        bail!(
            "{email} is in team {:?}, not {:?}",
            agent.team_name,
            team.name
        );
    }
    let mut w = db.begin_write().await?;
    let changed = if member {
        rows::add_member(&mut w.tx, queue.id, agent.id).await?
    } else {
        rows::remove_member(&mut w.tx, queue.id, agent.id).await?
    };
    w.commit().await?;
    Ok(changed)
}

/// The team's not-ready reasons, in order.
pub async fn reasons_of(db: &Db, team: TeamId) -> Result<Vec<StatusReason>> {
    status::reasons(&mut *db.pool.acquire().await?, team).await
}

pub async fn list_reasons(db: &Db, team_name: &str) -> Result<Vec<StatusReason>> {
    let team = team(db, team_name).await?;
    reasons_of(db, team.id).await
}

/// Adds a not-ready reason at the end of the team's list, or relabels an existing code.
pub async fn put_reason(db: &Db, team_name: &str, code: &str, label: &str) -> Result<()> {
    check_code("reason", code)?;
    check_name("reason label", label)?;
    let team = team(db, team_name).await?;
    let mut w = db.begin_write().await?;
    status::put_reason(&mut w.tx, team.id, code, label).await?;
    w.commit().await?;
    Ok(())
}

/// The team's rule: an agent who lets `limit` offers in a row time out is set not ready
/// (`missed_offers`); `None` turns it off.
pub async fn set_not_ready_after_missed(
    db: &Db,
    team_name: &str,
    limit: Option<i64>,
) -> Result<()> {
    if limit.is_some_and(|n| n < 1) {
        bail!("the limit is at least 1 (or off)");
    }
    let team = team(db, team_name).await?;
    let mut w = db.begin_write().await?;
    status::set_missed_limit(&mut w.tx, team.id, limit).await?;
    w.commit().await?;
    Ok(())
}

/// How long the team's transfers wait for their target when the agent names no timeout.
pub async fn set_transfer_timeout(db: &Db, team_name: &str, secs: i64) -> Result<()> {
    let (min, max) = (
        i64::from(TRANSFER_TIMEOUT_MIN_SECS),
        i64::from(TRANSFER_TIMEOUT_MAX_SECS),
    );
    if !(min..=max).contains(&secs) {
        bail!("a transfer timeout is {min} to {max} seconds");
    }
    let team = team(db, team_name).await?;
    let mut w = db.begin_write().await?;
    transfers::set_team_timeout_secs(&mut w.tx, team.id, secs).await?;
    w.commit().await?;
    Ok(())
}

/// Where an agent is, as an admin reads it: signed out, in a session, available or not ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    SignedOut,
    InSession,
    Available,
    NotReady(String),
}

impl std::fmt::Display for Presence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Presence::SignedOut => f.write_str("signed out"),
            Presence::InSession => f.write_str("in session"),
            Presence::Available => f.write_str("available"),
            Presence::NotReady(reason) => write!(f, "not ready ({reason})"),
        }
    }
}

/// Every agent's presence now (`lds agent list`). Signed out wins over the stored status (it
/// is kept for their next sign-in), a session over availability.
pub async fn presences(db: &Db) -> Result<std::collections::HashMap<AgentId, Presence>> {
    let rows = status::presences(&mut *db.pool.acquire().await?, Utc::now()).await?;
    Ok(rows
        .into_iter()
        .map(|(agent, availability, reason, live, busy)| {
            let presence = if !live {
                Presence::SignedOut
            } else if busy {
                Presence::InSession
            } else if availability == "available" {
                Presence::Available
            } else {
                Presence::NotReady(reason.unwrap_or_default())
            };
            (agent, presence)
        })
        .collect())
}

/// Adds a disposition at the end of a queue's list, or relabels an existing code.
pub async fn put_disposition(
    db: &Db,
    team_name: &str,
    queue_name: &str,
    code: &str,
    label: &str,
) -> Result<()> {
    check_code("disposition", code)?;
    check_name("disposition label", label)?;
    let team = team(db, team_name).await?;
    let queue = queue(db, &team, queue_name).await?;
    let mut w = db.begin_write().await?;
    rows::put_disposition(&mut w.tx, queue.id, code, label).await?;
    w.commit().await?;
    Ok(())
}

/// Adds a canned answer to a queue (or rewrites the answer of a code). Agents serving the
/// queue's chats insert it into what they write.
pub async fn put_canned(
    db: &Db,
    team_name: &str,
    queue_name: &str,
    code: &str,
    text: &str,
) -> Result<()> {
    check_code("canned answer", code)?;
    let text = crate::chat_input::body(text).map_err(|e| anyhow::anyhow!(e.public_message()))?;
    let team = team(db, team_name).await?;
    let queue = queue(db, &team, queue_name).await?;
    let mut w = db.begin_write().await?;
    crate::data::messages::set_canned(&mut w.tx, headsup_protocol::QueueId(queue.id), code, &text)
        .await?;
    w.commit().await?;
    Ok(())
}

/// Adds a message template to a team (or rewrites the body of a code): what agents may send on
/// a WhatsApp conversation once its free-text window closed. `{name}` in the body becomes the
/// customer's name.
pub async fn put_template(db: &Db, team_name: &str, code: &str, body: &str) -> Result<()> {
    check_code("template", code)?;
    let body = crate::chat_input::body(body).map_err(|e| anyhow::anyhow!(e.public_message()))?;
    let team = team(db, team_name).await?;
    let mut w = db.begin_write().await?;
    crate::data::channels::set_template(&mut w.tx, team.id, code, &body).await?;
    w.commit().await?;
    Ok(())
}

/// A queue's dispositions, in order.
pub async fn list_dispositions(
    db: &Db,
    team_name: &str,
    queue_name: &str,
) -> Result<Vec<headsup_protocol::model::Disposition>> {
    let team = team(db, team_name).await?;
    let queue = queue(db, &team, queue_name).await?;
    rows::dispositions(&mut *db.pool.acquire().await?, queue.id).await
}

/// Codes clients send: 1 to 32 lower-case letters, digits and `_`.
fn check_code(what: &str, code: &str) -> Result<()> {
    let ok = (1..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        bail!("a {what} code is 1 to 32 lower-case letters, digits and _");
    }
    Ok(())
}

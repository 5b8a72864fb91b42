//! Queues inside a team (`queues`) and who serves them (`queue_members`).

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::model::Disposition;
use headsup_protocol::{AgentId, SessionId, TeamId};
use sqlx::{AnyConnection, Row};

use crate::time::to_millis;

/// A queue as intake and distribution need it.
#[derive(Debug, Clone)]
pub struct Queue {
    pub id: i64,
    pub team: TeamId,
    pub name: String,
    pub offer_timeout_secs: i64,
    pub is_default: bool,
    /// Whether the queue has an intake key of its own.
    pub has_own_key: bool,
    pub distribution: Distribution,
    /// For [`Distribution::LongestIdle`]: how long each agent is offered a request.
    pub ring_secs: i64,
    pub wrap_up: WrapUpRule,
    /// How long a wrap-up lasts at most.
    pub wrap_up_secs: i64,
    pub channels: Channels,
}

/// The kinds of contact a queue takes: calls (every request kind today) and chats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channels {
    pub voice: bool,
    pub chat: bool,
}

impl Channels {
    /// As stored and printed: `voice`, `chat` or `voice,chat`.
    pub fn as_str(self) -> &'static str {
        match (self.voice, self.chat) {
            (true, true) => "voice,chat",
            (false, true) => "chat",
            // A queue serves at least one channel; the admin refuses an empty set.
            _ => "voice",
        }
    }

    pub fn parse(s: &str) -> Option<Channels> {
        let mut channels = Channels {
            voice: false,
            chat: false,
        };
        for part in s.split(',') {
            match part {
                "voice" => channels.voice = true,
                "chat" => channels.chat = true,
                _ => return None,
            }
        }
        Some(channels)
    }
}

/// What follows a session of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapUpRule {
    /// The agent is available at once.
    None,
    /// A wrap-up; a disposition may be given.
    Optional,
    /// A wrap-up that only a disposition (or its time running out) closes.
    Required,
}

impl WrapUpRule {
    pub fn as_str(self) -> &'static str {
        match self {
            WrapUpRule::None => "none",
            WrapUpRule::Optional => "optional",
            WrapUpRule::Required => "required",
        }
    }

    pub fn parse(s: &str) -> Option<WrapUpRule> {
        match s {
            "none" => Some(WrapUpRule::None),
            "optional" => Some(WrapUpRule::Optional),
            "required" => Some(WrapUpRule::Required),
            _ => None,
        }
    }
}

/// How a queue offers its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distribution {
    /// Every available member at once; the first accept wins.
    RingAll,
    /// One available member at a time, the one free the longest, for `ring_secs`.
    LongestIdle,
}

impl Distribution {
    pub fn as_str(self) -> &'static str {
        match self {
            Distribution::RingAll => "ring_all",
            Distribution::LongestIdle => "longest_idle",
        }
    }

    pub fn parse(s: &str) -> Option<Distribution> {
        match s {
            "ring_all" => Some(Distribution::RingAll),
            "longest_idle" => Some(Distribution::LongestIdle),
            _ => None,
        }
    }
}

const QUEUE_COLUMNS: &str = "id, team_id, name, offer_timeout_secs, is_default, \
     intake_key_hash IS NOT NULL AS own_key, distribution, ring_secs, wrap_up, wrap_up_secs, \
     channels";

fn queue_from_row(r: &sqlx::any::AnyRow) -> Result<Queue> {
    Ok(Queue {
        id: r.try_get("id")?,
        team: TeamId(r.try_get("team_id")?),
        name: r.try_get("name")?,
        offer_timeout_secs: r.try_get("offer_timeout_secs")?,
        is_default: r.try_get::<i64, _>("is_default")? == 1,
        // SQLite answers an integer, PostgreSQL a boolean.
        has_own_key: r
            .try_get::<bool, _>("own_key")
            .or_else(|_| r.try_get::<i64, _>("own_key").map(|v| v == 1))?,
        distribution: {
            let d: String = r.try_get("distribution")?;
            Distribution::parse(&d)
                .ok_or_else(|| anyhow::anyhow!("unknown distribution {d:?} in the database"))?
        },
        ring_secs: r.try_get("ring_secs")?,
        wrap_up: {
            let w: String = r.try_get("wrap_up")?;
            WrapUpRule::parse(&w)
                .ok_or_else(|| anyhow::anyhow!("unknown wrap-up rule {w:?} in the database"))?
        },
        wrap_up_secs: r.try_get("wrap_up_secs")?,
        channels: {
            let c: String = r.try_get("channels")?;
            Channels::parse(&c)
                .ok_or_else(|| anyhow::anyhow!("unknown channels {c:?} in the database"))?
        },
    })
}

pub(crate) async fn insert_queue(
    conn: &mut AnyConnection,
    team: TeamId,
    name: &str,
    intake_key_digest: Option<&str>,
    offer_timeout_secs: i64,
    is_default: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO queues (team_id, name, intake_key_hash, offer_timeout_secs, is_default, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(team.0)
    .bind(name)
    .bind(intake_key_digest)
    .bind(offer_timeout_secs)
    .bind(i64::from(is_default))
    .bind(to_millis(now))
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(id)
}

pub(crate) async fn default_queue(conn: &mut AnyConnection, team: TeamId) -> Result<Queue> {
    let row = sqlx::query(&format!(
        "SELECT {QUEUE_COLUMNS} FROM queues WHERE team_id = $1 AND is_default = 1"
    ))
    .bind(team.0)
    .fetch_one(conn)
    .await?;
    queue_from_row(&row)
}

pub(crate) async fn queue_by_id(conn: &mut AnyConnection, id: i64) -> Result<Queue> {
    let row = sqlx::query(&format!("SELECT {QUEUE_COLUMNS} FROM queues WHERE id = $1"))
        .bind(id)
        .fetch_one(conn)
        .await?;
    queue_from_row(&row)
}

pub(crate) async fn queue_by_name(
    conn: &mut AnyConnection,
    team: TeamId,
    name: &str,
) -> Result<Option<Queue>> {
    let row = sqlx::query(&format!(
        "SELECT {QUEUE_COLUMNS} FROM queues WHERE team_id = $1 AND name = $2"
    ))
    .bind(team.0)
    .bind(name)
    .fetch_optional(conn)
    .await?;
    row.map(|r| queue_from_row(&r)).transpose()
}

pub(crate) async fn queue_by_intake_key_digest(
    conn: &mut AnyConnection,
    digest: &str,
) -> Result<Option<Queue>> {
    let row = sqlx::query(&format!(
        "SELECT {QUEUE_COLUMNS} FROM queues WHERE intake_key_hash = $1"
    ))
    .bind(digest)
    .fetch_optional(conn)
    .await?;
    row.map(|r| queue_from_row(&r)).transpose()
}

/// The team's queues with their member counts, default first, then by name.
pub(crate) async fn list_queues(
    conn: &mut AnyConnection,
    team: TeamId,
) -> Result<Vec<(Queue, i64)>> {
    sqlx::query(&format!(
        "SELECT {QUEUE_COLUMNS}, (SELECT COUNT(*) FROM queue_members m WHERE m.queue_id = q.id) \
         AS members FROM queues q WHERE team_id = $1 ORDER BY is_default DESC, name"
    ))
    .bind(team.0)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok((queue_from_row(r)?, r.try_get("members")?)))
    .collect()
}

/// What `lds queue set` changes; `None` keeps the queue's value.
#[derive(Debug, Default, Clone, Copy)]
pub struct QueueSettings {
    pub offer_timeout_secs: Option<i64>,
    pub distribution: Option<Distribution>,
    pub ring_secs: Option<i64>,
    pub wrap_up: Option<WrapUpRule>,
    pub wrap_up_secs: Option<i64>,
    /// At least one of voice and chat.
    pub channels: Option<Channels>,
}

/// Changes what is given of a queue's settings.
pub(crate) async fn update(
    conn: &mut AnyConnection,
    queue: i64,
    settings: &QueueSettings,
) -> Result<()> {
    sqlx::query(
        "UPDATE queues SET offer_timeout_secs = COALESCE($1, offer_timeout_secs), \
         distribution = COALESCE($2, distribution), ring_secs = COALESCE($3, ring_secs), \
         wrap_up = COALESCE($4, wrap_up), wrap_up_secs = COALESCE($5, wrap_up_secs), \
         channels = COALESCE($7, channels) WHERE id = $6",
    )
    .bind(settings.offer_timeout_secs)
    .bind(settings.distribution.map(Distribution::as_str))
    .bind(settings.ring_secs)
    .bind(settings.wrap_up.map(WrapUpRule::as_str))
    .bind(settings.wrap_up_secs)
    .bind(queue)
    .bind(settings.channels.map(Channels::as_str))
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds the agent to the queue; returns whether they were not a member yet.
pub(crate) async fn add_member(
    conn: &mut AnyConnection,
    queue: i64,
    agent: AgentId,
) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO queue_members (queue_id, agent_id) SELECT $1, $2 WHERE NOT EXISTS \
         (SELECT 1 FROM queue_members WHERE queue_id = $1 AND agent_id = $2)",
    )
    .bind(queue)
    .bind(agent.0)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Removes the agent from the queue; returns whether they were a member.
pub(crate) async fn remove_member(
    conn: &mut AnyConnection,
    queue: i64,
    agent: AgentId,
) -> Result<bool> {
    let n = sqlx::query("DELETE FROM queue_members WHERE queue_id = $1 AND agent_id = $2")
        .bind(queue)
        .bind(agent.0)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// The queue's dispositions, in order.
pub(crate) async fn dispositions(conn: &mut AnyConnection, queue: i64) -> Result<Vec<Disposition>> {
    sqlx::query("SELECT code, label FROM dispositions WHERE queue_id = $1 ORDER BY position, code")
        .bind(queue)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Disposition {
                code: r.try_get(0)?,
                label: r.try_get(1)?,
            })
        })
        .collect()
}

/// Adds a disposition at the end of the queue's list, or relabels an existing code.
pub(crate) async fn put_disposition(
    conn: &mut AnyConnection,
    queue: i64,
    code: &str,
    label: &str,
) -> Result<()> {
    let relabelled =
        sqlx::query("UPDATE dispositions SET label = $1 WHERE queue_id = $2 AND code = $3")
            .bind(label)
            .bind(queue)
            .bind(code)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if relabelled == 0 {
        sqlx::query(
            "INSERT INTO dispositions (queue_id, code, label, position) SELECT $1, $2, $3, \
             COALESCE(MAX(position), 0) + 1 FROM dispositions WHERE queue_id = $1",
        )
        .bind(queue)
        .bind(code)
        .bind(label)
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// The queue a session's request waited in.
pub(crate) async fn queue_of_session(
    conn: &mut AnyConnection,
    session: SessionId,
) -> Result<Queue> {
    let row = sqlx::query(&format!(
        "SELECT {QUEUE_COLUMNS} FROM queues WHERE id = \
         (SELECT r.queue_id FROM sessions s JOIN requests r ON r.id = s.request_id WHERE s.id = $1)"
    ))
    .bind(session.0)
    .fetch_one(conn)
    .await?;
    queue_from_row(&row)
}

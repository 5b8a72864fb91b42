//! The agent's status (`agents.status*`) and the team's not-ready reasons (`status_reasons`).

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use headsup_protocol::model::{AgentStatus, Availability, StatusReason};
use headsup_protocol::{AgentId, TeamId};
use sqlx::{AnyConnection, Row};

use crate::time::{from_millis, to_millis};

/// The reasons every new team starts with; admins add their own (`lds reason add`).
pub(crate) const DEFAULT_REASONS: [(&str, &str); 3] = [
    ("break", "Break"),
    ("lunch", "Lunch"),
    ("training", "Training"),
];

pub(crate) async fn status_of(conn: &mut AnyConnection, agent: AgentId) -> Result<AgentStatus> {
    let row = sqlx::query("SELECT status, status_reason, status_since FROM agents WHERE id = $1")
        .bind(agent.0)
        .fetch_one(conn)
        .await?;
    let availability: String = row.try_get(0)?;
    Ok(AgentStatus {
        availability: Availability::parse(&availability)
            .ok_or_else(|| anyhow!("unknown agent status {availability:?} in the database"))?,
        reason: row.try_get(1)?,
        since: row.try_get::<Option<i64>, _>(2)?.map(from_millis),
    })
}

pub(crate) async fn save_status(
    conn: &mut AnyConnection,
    agent: AgentId,
    availability: Availability,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE agents SET status = $1, status_reason = $2, status_since = $3, \
         missed_offers = 0, \
         idle_since = CASE WHEN $1 = 'available' THEN $3 ELSE idle_since END WHERE id = $4",
    )
    .bind(availability.as_str())
    .bind(reason)
    .bind(to_millis(now))
    .bind(agent.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The team's reasons, in the order agents see them.
pub(crate) async fn reasons(conn: &mut AnyConnection, team: TeamId) -> Result<Vec<StatusReason>> {
    sqlx::query("SELECT code, label FROM status_reasons WHERE team_id = $1 ORDER BY position, code")
        .bind(team.0)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok(StatusReason {
                code: r.try_get(0)?,
                label: r.try_get(1)?,
            })
        })
        .collect()
}

/// Adds a reason at the end of the team's list, or relabels it if the code exists.
pub(crate) async fn put_reason(
    conn: &mut AnyConnection,
    team: TeamId,
    code: &str,
    label: &str,
) -> Result<()> {
    let relabelled =
        sqlx::query("UPDATE status_reasons SET label = $1 WHERE team_id = $2 AND code = $3")
            .bind(label)
            .bind(team.0)
            .bind(code)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if relabelled == 0 {
        sqlx::query(
            "INSERT INTO status_reasons (team_id, code, label, position) SELECT $1, $2, $3, \
             COALESCE(MAX(position), 0) + 1 FROM status_reasons WHERE team_id = $1",
        )
        .bind(team.0)
        .bind(code)
        .bind(label)
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// One more missed offer for each of these agents.
pub(crate) async fn count_missed(conn: &mut AnyConnection, agents: &[AgentId]) -> Result<()> {
    // Ids inline (they are integers from the database): an audience can exceed the backends'
    // bind-parameter limits.
    for chunk in agents.chunks(1000) {
        let ids: Vec<String> = chunk.iter().map(|a| a.0.to_string()).collect();
        sqlx::query(&format!(
            "UPDATE agents SET missed_offers = missed_offers + 1 WHERE id IN ({})",
            ids.join(",")
        ))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The team's available agents who reached its missed-offers limit (none when the rule is off).
pub(crate) async fn over_missed_limit(
    conn: &mut AnyConnection,
    team: TeamId,
) -> Result<Vec<AgentId>> {
    sqlx::query(
        "SELECT a.id FROM agents a JOIN teams t ON t.id = a.team_id WHERE a.team_id = $1 \
         AND t.not_ready_after_missed IS NOT NULL AND a.status = 'available' \
         AND a.missed_offers >= t.not_ready_after_missed ORDER BY a.id",
    )
    .bind(team.0)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok(AgentId(r.try_get(0)?)))
    .collect()
}

/// The agent served a customer: their missed offers count from zero again.
pub(crate) async fn reset_missed(conn: &mut AnyConnection, agent: AgentId) -> Result<()> {
    sqlx::query("UPDATE agents SET missed_offers = 0 WHERE id = $1")
        .bind(agent.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets the team's rule: not ready after `limit` missed offers in a row, or never (`None`).
pub(crate) async fn set_missed_limit(
    conn: &mut AnyConnection,
    team: TeamId,
    limit: Option<i64>,
) -> Result<()> {
    sqlx::query("UPDATE teams SET not_ready_after_missed = $1 WHERE id = $2")
        .bind(limit)
        .bind(team.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Every agent's raw presence: stored status and reason, signed in now, in an open session.
pub(crate) async fn presences(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<Vec<(AgentId, String, Option<String>, bool, bool)>> {
    sqlx::query(
        "SELECT a.id, a.status, a.status_reason, \
         CASE WHEN a.live_until > $1 THEN 1 ELSE 0 END AS live, \
         CASE WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.agent_id = a.id \
              AND s.state <> 'ended') THEN 1 ELSE 0 END AS busy FROM agents a",
    )
    .bind(to_millis(now))
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok((
            AgentId(r.try_get(0)?),
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get::<i64, _>(3)? == 1,
            r.try_get::<i64, _>(4)? == 1,
        ))
    })
    .collect()
}

/// The agent is free from now (a session ended): the order of longest-idle queues.
pub(crate) async fn mark_idle(
    conn: &mut AnyConnection,
    agent: AgentId,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE agents SET idle_since = $1 WHERE id = $2")
        .bind(to_millis(now))
        .bind(agent.0)
        .execute(conn)
        .await?;
    Ok(())
}

//! The agent's status (`agents.status*`) and the team's not-ready reasons (`status_reasons`).

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use headsup_protocol::model::{AgentStatus, Availability, StatusReason, WrapUp};
use headsup_protocol::{AgentId, SessionId, TeamId};
use sqlx::{AnyConnection, Row};

use super::queues::{self, WrapUpRule};
use crate::time::{from_millis, to_millis};

/// The reasons every new team starts with; admins add their own (`lds reason add`).
pub(crate) const DEFAULT_REASONS: [(&str, &str); 3] = [
    ("break", "Break"),
    ("lunch", "Lunch"),
    ("training", "Training"),
];

pub(crate) async fn status_of(conn: &mut AnyConnection, agent: AgentId) -> Result<AgentStatus> {
    let row = sqlx::query(
        "SELECT status, status_reason, status_since, wrap_up_session, wrap_up_until \
         FROM agents WHERE id = $1",
    )
    .bind(agent.0)
    .fetch_one(&mut *conn)
    .await?;
    let availability: String = row.try_get(0)?;
    let availability = Availability::parse(&availability)
        .ok_or_else(|| anyhow!("unknown agent status {availability:?} in the database"))?;
    let session: Option<i64> = row.try_get(3)?;
    let until: Option<i64> = row.try_get(4)?;
    let wrap_up = match (availability, session, until) {
        (Availability::WrapUp, Some(session), Some(until)) => {
            let session = SessionId(session);
            let queue = queues::queue_of_session(&mut *conn, session).await?;
            Some(WrapUp {
                session,
                until: from_millis(until),
                required: queue.wrap_up == WrapUpRule::Required,
                dispositions: queues::dispositions(conn, queue.id).await?,
            })
        }
        _ => None,
    };
    Ok(AgentStatus {
        availability,
        reason: row.try_get(1)?,
        since: row.try_get::<Option<i64>, _>(2)?.map(from_millis),
        wrap_up,
    })
}

/// The agent goes into wrap-up after `session`, until `until`.
pub(crate) async fn start_wrap_up(
    conn: &mut AnyConnection,
    agent: AgentId,
    session: SessionId,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE agents SET status = 'wrap_up', status_reason = NULL, status_since = $1, \
         wrap_up_session = $2, wrap_up_until = $3 WHERE id = $4",
    )
    .bind(to_millis(now))
    .bind(session.0)
    .bind(to_millis(until))
    .bind(agent.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Agents whose wrap-up time ran out by `now`, at most `limit`.
pub(crate) async fn wrap_ups_over(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<AgentId>> {
    sqlx::query(&format!(
        "SELECT id FROM agents WHERE status = 'wrap_up' AND wrap_up_until <= $1 \
         ORDER BY wrap_up_until, id LIMIT {limit}"
    ))
    .bind(to_millis(now))
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok(AgentId(r.try_get(0)?)))
    .collect()
}

/// Stores how the session ended (`timeout` when the LDS closed its wrap-up).
pub(crate) async fn record_disposition(
    conn: &mut AnyConnection,
    session: SessionId,
    disposition: Option<&str>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE sessions SET disposition = $1, disposition_note = $2, wrapped_up_at = $3 \
         WHERE id = $4",
    )
    .bind(disposition)
    .bind(note)
    .bind(to_millis(now))
    .bind(session.0)
    .execute(conn)
    .await?;
    Ok(())
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
         missed_offers = 0, wrap_up_session = NULL, wrap_up_until = NULL, \
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

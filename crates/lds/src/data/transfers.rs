//! Transfers' rows: which session a `transfer` request hands over, and whom it may go to.

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::model::{Availability, Colleague};
use headsup_protocol::{AgentId, RequestId, SessionId, TeamId};
use sqlx::{AnyConnection, Row};

use crate::time::to_millis;

/// Marks a new request as the transfer of `session` by `from`.
pub(crate) async fn mark(
    conn: &mut AnyConnection,
    request: RequestId,
    from: AgentId,
    session: SessionId,
) -> Result<()> {
    sqlx::query("UPDATE requests SET transfer_from = $1, transfer_session = $2 WHERE id = $3")
        .bind(from.0)
        .bind(session.0)
        .bind(request.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// The session a `transfer` request hands over (`None` for any other request).
pub(crate) async fn session_of(
    conn: &mut AnyConnection,
    request: RequestId,
) -> Result<Option<SessionId>> {
    let row = sqlx::query("SELECT transfer_session FROM requests WHERE id = $1")
        .bind(request.0)
        .fetch_optional(conn)
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<Option<i64>, _>(0)?.map(SessionId),
        None => None,
    })
}

/// The team's agents other than `agent` who are signed in now, by name.
pub(crate) async fn colleagues(
    conn: &mut AnyConnection,
    team: TeamId,
    agent: AgentId,
    now: DateTime<Utc>,
) -> Result<Vec<Colleague>> {
    sqlx::query(
        "SELECT a.id, a.name, a.status, \
         CASE WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.agent_id = a.id \
              AND s.state <> 'ended') THEN 1 ELSE 0 END AS busy \
         FROM agents a WHERE a.team_id = $1 AND a.id <> $2 AND a.live_until > $3 \
         ORDER BY a.name, a.id",
    )
    .bind(team.0)
    .bind(agent.0)
    .bind(to_millis(now))
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        let status: String = r.try_get(2)?;
        Ok(Colleague {
            id: AgentId(r.try_get(0)?),
            name: r.try_get(1)?,
            availability: Availability::parse(&status).unwrap_or_default(),
            in_session: r.try_get::<i64, _>(3)? == 1,
        })
    })
    .collect()
}

/// An agent of `team` by id: their name and whether they are signed in now. `None` when the
/// team has no such agent.
pub(crate) async fn agent_in_team(
    conn: &mut AnyConnection,
    team: TeamId,
    agent: AgentId,
    now: DateTime<Utc>,
) -> Result<Option<(String, bool)>> {
    let row = sqlx::query(
        "SELECT name, CASE WHEN live_until > $1 THEN 1 ELSE 0 END FROM agents \
         WHERE id = $2 AND team_id = $3",
    )
    .bind(to_millis(now))
    .bind(agent.0)
    .bind(team.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get::<i64, _>(1)? == 1)))
        .transpose()
}

/// How long the team's transfers wait for their target by default.
pub(crate) async fn team_timeout_secs(conn: &mut AnyConnection, team: TeamId) -> Result<i64> {
    Ok(
        sqlx::query("SELECT transfer_timeout_secs FROM teams WHERE id = $1")
            .bind(team.0)
            .fetch_one(conn)
            .await?
            .try_get(0)?,
    )
}

pub(crate) async fn set_team_timeout_secs(
    conn: &mut AnyConnection,
    team: TeamId,
    secs: i64,
) -> Result<()> {
    sqlx::query("UPDATE teams SET transfer_timeout_secs = $1 WHERE id = $2")
        .bind(secs)
        .bind(team.0)
        .execute(conn)
        .await?;
    Ok(())
}

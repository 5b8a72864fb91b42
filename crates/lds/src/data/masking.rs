//! The masking rules as stored: three levels on each team and each queue.

use std::collections::HashMap;

use anyhow::{Context, Result};
use headsup_protocol::{AgentId, RequestId, TeamId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::masking::{Level, Masking};

fn level(row: &AnyRow, column: &str) -> Result<Level> {
    let text: String = row.try_get(column)?;
    // A value the migration's CHECK-less column could hold only if written by hand: hide it all.
    Ok(text.parse().unwrap_or(Level::Full))
}

fn rule(row: &AnyRow, prefix: &str) -> Result<Masking> {
    Ok(Masking {
        name: level(row, &format!("{prefix}name"))?,
        phone: level(row, &format!("{prefix}phone"))?,
        email: level(row, &format!("{prefix}email"))?,
    })
}

/// The rule for each of these requests: the stricter of its team's and its queue's.
pub(crate) async fn for_requests(
    conn: &mut AnyConnection,
    requests: &[RequestId],
) -> Result<HashMap<RequestId, Masking>> {
    let mut rules = HashMap::new();
    if requests.is_empty() {
        return Ok(rules);
    }
    let ids: Vec<String> = requests.iter().map(|r| r.0.to_string()).collect();
    // Ids are numbers we hold, not input: listing them inline keeps one statement for any count.
    let rows = sqlx::query(&format!(
        "SELECT r.id, t.mask_name AS t_name, t.mask_phone AS t_phone, t.mask_email AS t_email, \
         q.mask_name AS q_name, q.mask_phone AS q_phone, q.mask_email AS q_email \
         FROM requests r JOIN teams t ON t.id = r.team_id JOIN queues q ON q.id = r.queue_id \
         WHERE r.id IN ({})",
        ids.join(",")
    ))
    .fetch_all(conn)
    .await
    .context("reading the masking of requests")?;
    for row in rows {
        let id = RequestId(row.try_get("id")?);
        rules.insert(id, rule(&row, "t_")?.strictest(rule(&row, "q_")?));
    }
    Ok(rules)
}

/// The rule for an agent's reading of contacts: the stricter of the team's and every queue the
/// agent serves.
pub(crate) async fn for_agent(conn: &mut AnyConnection, agent: AgentId) -> Result<Masking> {
    let team = sqlx::query(
        "SELECT t.mask_name AS name, t.mask_phone AS phone, t.mask_email AS email \
         FROM agents a JOIN teams t ON t.id = a.team_id WHERE a.id = $1",
    )
    .bind(agent.0)
    .fetch_one(&mut *conn)
    .await
    .context("reading the team's masking")?;
    let mut masking = rule(&team, "")?;
    let queues = sqlx::query(
        "SELECT q.mask_name AS name, q.mask_phone AS phone, q.mask_email AS email \
         FROM queue_members m JOIN queues q ON q.id = m.queue_id WHERE m.agent_id = $1",
    )
    .bind(agent.0)
    .fetch_all(&mut *conn)
    .await
    .context("reading the queues' masking")?;
    for row in queues {
        masking = masking.strictest(rule(&row, "")?);
    }
    Ok(masking)
}

pub(crate) async fn set_team(conn: &mut AnyConnection, team: TeamId, m: Masking) -> Result<()> {
    sqlx::query("UPDATE teams SET mask_name = $1, mask_phone = $2, mask_email = $3 WHERE id = $4")
        .bind(m.name.as_str())
        .bind(m.phone.as_str())
        .bind(m.email.as_str())
        .bind(team.0)
        .execute(conn)
        .await?;
    Ok(())
}

pub(crate) async fn set_queue(conn: &mut AnyConnection, queue: i64, m: Masking) -> Result<()> {
    sqlx::query("UPDATE queues SET mask_name = $1, mask_phone = $2, mask_email = $3 WHERE id = $4")
        .bind(m.name.as_str())
        .bind(m.phone.as_str())
        .bind(m.email.as_str())
        .bind(queue)
        .execute(conn)
        .await?;
    Ok(())
}

/// A team's own rule and each of its queues' (name, rule), for `lds mask show`.
pub(crate) async fn of_team(
    conn: &mut AnyConnection,
    team: TeamId,
) -> Result<(Masking, Vec<(String, Masking)>)> {
    let row = sqlx::query("SELECT mask_name AS name, mask_phone AS phone, mask_email AS email FROM teams WHERE id = $1")
        .bind(team.0)
        .fetch_one(&mut *conn)
        .await?;
    let own = rule(&row, "")?;
    let rows = sqlx::query(
        "SELECT name, mask_name, mask_phone, mask_email FROM queues WHERE team_id = $1 ORDER BY name",
    )
    .bind(team.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut queues = Vec::new();
    for row in rows {
        queues.push((row.try_get("name")?, rule(&row, "mask_")?));
    }
    Ok((own, queues))
}

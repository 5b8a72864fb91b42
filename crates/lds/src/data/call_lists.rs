//! Call lists: their settings, handling codes and who may work them (SQL only).

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::call_cases::{CallList, CodeEffect, HandlingCode};
use headsup_protocol::{AgentId, CallListId, TeamId};
use sqlx::{AnyConnection, Row};

use crate::time::to_millis;

/// A list's numbers, as admins set them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) max_attempts: i64,
    pub(crate) retry_delay_secs: i64,
    pub(crate) grace_secs: i64,
    pub(crate) expiry_secs: i64,
}

pub(crate) fn effect_str(e: CodeEffect) -> &'static str {
    match e {
        CodeEffect::ClosedSuccessfully => "closed_successfully",
        CodeEffect::ClosedWrongNumber => "closed_wrong_number",
        CodeEffect::Retry => "retry",
        CodeEffect::CallBackAt => "call_back_at",
    }
}

fn parse_effect(s: &str) -> CodeEffect {
    match s {
        "closed_successfully" => CodeEffect::ClosedSuccessfully,
        "closed_wrong_number" => CodeEffect::ClosedWrongNumber,
        "call_back_at" => CodeEffect::CallBackAt,
        _ => CodeEffect::Retry,
    }
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    team: TeamId,
    name: &str,
    s: Settings,
    now: DateTime<Utc>,
) -> Result<CallListId> {
    let id: i64 = sqlx::query(
        "INSERT INTO call_lists (team_id, name, max_attempts, retry_delay_secs, grace_secs, \
         expiry_secs, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(team.0)
    .bind(name)
    .bind(s.max_attempts)
    .bind(s.retry_delay_secs)
    .bind(s.grace_secs)
    .bind(s.expiry_secs)
    .bind(to_millis(now))
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(CallListId(id))
}

pub(crate) async fn insert_code(
    conn: &mut AnyConnection,
    list: CallListId,
    code: &HandlingCode,
    position: usize,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO call_list_codes (list_id, code, label, effect, position) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(list.0)
    .bind(&code.code)
    .bind(&code.label)
    .bind(effect_str(code.effect))
    .bind(position as i64)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn id_by_name(
    conn: &mut AnyConnection,
    team: TeamId,
    name: &str,
) -> Result<Option<CallListId>> {
    Ok(
        sqlx::query("SELECT id FROM call_lists WHERE team_id = $1 AND name = $2")
            .bind(team.0)
            .bind(name)
            .fetch_optional(conn)
            .await?
            .map(|r| r.try_get::<i64, _>(0).map(CallListId))
            .transpose()?,
    )
}

/// Grants (`allow`) or withdraws the list from an agent (`Ok`) or a queue's members (`Err`).
pub(crate) async fn set_access(
    conn: &mut AnyConnection,
    list: CallListId,
    to: Result<AgentId, i64>,
    allow: bool,
) -> Result<bool> {
    let (column, id) = match to {
        Ok(agent) => ("agent_id", agent.0),
        Err(queue) => ("queue_id", queue),
    };
    let sql = if allow {
        format!(
            "INSERT INTO call_list_access (list_id, {column}) SELECT $1, $2 WHERE NOT EXISTS \
             (SELECT 1 FROM call_list_access WHERE list_id = $1 AND {column} = $2)"
        )
    } else {
        format!("DELETE FROM call_list_access WHERE list_id = $1 AND {column} = $2")
    };
    let done = sqlx::query(&sql)
        .bind(list.0)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Makes a queue's missed and dropped calls land in `list` (or nowhere).
pub(crate) async fn set_queue_list(
    conn: &mut AnyConnection,
    queue: i64,
    list: Option<CallListId>,
) -> Result<()> {
    sqlx::query("UPDATE queues SET call_list_id = $1 WHERE id = $2")
        .bind(list.map(|l| l.0))
        .bind(queue)
        .execute(conn)
        .await?;
    Ok(())
}

/// The list a queue's missed calls land in.
pub(crate) async fn of_queue(conn: &mut AnyConnection, queue: i64) -> Result<Option<CallListId>> {
    let row = sqlx::query("SELECT call_list_id FROM queues WHERE id = $1")
        .bind(queue)
        .fetch_optional(conn)
        .await?;
    Ok(row
        .and_then(|r| r.try_get::<Option<i64>, _>(0).ok().flatten())
        .map(CallListId))
}

/// The SQL condition "agent `$n` may work list `l`".
pub(crate) fn may_work(list: &str, agent: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM call_list_access x WHERE x.list_id = {list} AND (x.agent_id = \
         {agent} OR x.queue_id IN (SELECT m.queue_id FROM queue_members m WHERE m.agent_id = \
         {agent})))"
    )
}

/// The lists this agent may work, with their codes, by name.
pub(crate) async fn workable(conn: &mut AnyConnection, agent: AgentId) -> Result<Vec<CallList>> {
    let rows = sqlx::query(&format!(
        "SELECT l.id FROM call_lists l WHERE {} ORDER BY l.name, l.id",
        may_work("l.id", "$1")
    ))
    .bind(agent.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut lists = Vec::with_capacity(rows.len());
    for r in rows {
        lists.push(load(conn, CallListId(r.try_get(0)?)).await?);
    }
    Ok(lists)
}

pub(crate) async fn load(conn: &mut AnyConnection, id: CallListId) -> Result<CallList> {
    let r = sqlx::query(
        "SELECT name, max_attempts, retry_delay_secs, grace_secs, expiry_secs FROM call_lists \
         WHERE id = $1",
    )
    .bind(id.0)
    .fetch_one(&mut *conn)
    .await?;
    let codes = sqlx::query(
        "SELECT code, label, effect FROM call_list_codes WHERE list_id = $1 ORDER BY position",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|c| {
        Ok(HandlingCode {
            code: c.try_get(0)?,
            label: c.try_get(1)?,
            effect: parse_effect(&c.try_get::<String, _>(2)?),
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(CallList {
        id,
        name: r.try_get(0)?,
        max_attempts: r.try_get::<i64, _>(1)? as u32,
        retry_delay_secs: r.try_get::<i64, _>(2)? as u32,
        grace_secs: r.try_get::<i64, _>(3)? as u32,
        expiry_secs: r.try_get::<i64, _>(4)? as u32,
        codes,
    })
}

/// Whether `agent` may work `list`.
pub(crate) async fn may(
    conn: &mut AnyConnection,
    list: CallListId,
    agent: AgentId,
) -> Result<bool> {
    Ok(
        sqlx::query(&format!("SELECT 1 WHERE {}", may_work("$1", "$2")))
            .bind(list.0)
            .bind(agent.0)
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

/// The team of a list.
pub(crate) async fn team_of(conn: &mut AnyConnection, list: CallListId) -> Result<Option<TeamId>> {
    Ok(sqlx::query("SELECT team_id FROM call_lists WHERE id = $1")
        .bind(list.0)
        .fetch_optional(conn)
        .await?
        .map(|r| r.try_get::<i64, _>(0).map(TeamId))
        .transpose()?)
}

/// The agents of the list's team who may work it; with `free_only`, only those available and
/// not in a session (a due case waits while they are busy or not ready).
pub(crate) async fn workers(
    conn: &mut AnyConnection,
    list: CallListId,
    free_only: bool,
) -> Result<Vec<AgentId>> {
    let mut sql = format!(
        "SELECT a.id FROM agents a JOIN call_lists l ON l.team_id = a.team_id \
         WHERE l.id = $1 AND {}",
        may_work("l.id", "a.id")
    );
    if free_only {
        sql.push_str(&format!(" AND {FREE}"));
    }
    sqlx::query(&sql)
        .bind(list.0)
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|r| Ok(AgentId(r.try_get(0)?)))
        .collect()
}

/// Whether `agent` is available and not in a session.
pub(crate) async fn is_free(conn: &mut AnyConnection, agent: AgentId) -> Result<bool> {
    Ok(sqlx::query(&format!(
        "SELECT 1 FROM agents a WHERE a.id = $1 AND {FREE}"
    ))
    .bind(agent.0)
    .fetch_optional(conn)
    .await?
    .is_some())
}

const FREE: &str = "a.status = 'available' AND NOT EXISTS (SELECT 1 FROM sessions s \
     WHERE s.agent_id = a.id AND s.state <> 'ended')";

//! Contact lists as stored: their names and custom fields, who may see them (an agent or a
//! queue's members), the list a queue's new customers land in, and the team's phone country.

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::{ContactListId, TeamId};
use sqlx::{AnyConnection, Row};

use crate::time::to_millis;

/// Who a list is granted to, as stored: an agent's id or a queue's.
pub(crate) enum Grant {
    Agent(i64),
    Queue(i64),
}

pub(crate) async fn list_id(
    conn: &mut AnyConnection,
    team: TeamId,
    name: &str,
) -> Result<Option<ContactListId>> {
    Ok(
        sqlx::query("SELECT id FROM contact_lists WHERE team_id = $1 AND name = $2")
            .bind(team.0)
            .bind(name)
            .fetch_optional(conn)
            .await?
            .map(|r| r.try_get::<i64, _>(0).map(ContactListId))
            .transpose()?,
    )
}

pub(crate) async fn insert_list(
    conn: &mut AnyConnection,
    team: TeamId,
    name: &str,
    now: DateTime<Utc>,
) -> Result<ContactListId> {
    let id: i64 = sqlx::query(
        "INSERT INTO contact_lists (team_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(team.0)
    .bind(name)
    .bind(to_millis(now))
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(ContactListId(id))
}

pub(crate) async fn insert_field(
    conn: &mut AnyConnection,
    list: ContactListId,
    key: &str,
    label: &str,
    position: usize,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO contact_list_fields (list_id, field_key, label, position) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(list.0)
    .bind(key)
    .bind(label)
    .bind(position as i64)
    .execute(conn)
    .await?;
    Ok(())
}

/// Grants (`allow`) or withdraws the list; whether anything changed.
pub(crate) async fn set_access(
    conn: &mut AnyConnection,
    list: ContactListId,
    to: Grant,
    allow: bool,
) -> Result<bool> {
    let (column, id) = match to {
        Grant::Agent(id) => ("agent_id", id),
        Grant::Queue(id) => ("queue_id", id),
    };
    let sql = if allow {
        format!(
            "INSERT INTO contact_list_access (list_id, {column}) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING"
        )
    } else {
        format!("DELETE FROM contact_list_access WHERE list_id = $1 AND {column} = $2")
    };
    let done = sqlx::query(&sql)
        .bind(list.0)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The list a queue's new customers land in (`None`: no contacts are made for them).
pub(crate) async fn set_queue_list(
    conn: &mut AnyConnection,
    queue: i64,
    list: Option<ContactListId>,
) -> Result<()> {
    sqlx::query("UPDATE queues SET contact_list_id = $1 WHERE id = $2")
        .bind(list.map(|l| l.0))
        .bind(queue)
        .execute(conn)
        .await?;
    Ok(())
}

pub(crate) async fn set_phone_region(
    conn: &mut AnyConnection,
    team: TeamId,
    region: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE teams SET phone_region = $1 WHERE id = $2")
        .bind(region)
        .bind(team.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// A team's lists by name with how many contacts each holds (merged ones not counted).
pub(crate) async fn counts(conn: &mut AnyConnection, team: TeamId) -> Result<Vec<(String, i64)>> {
    sqlx::query(
        "SELECT l.name, (SELECT COUNT(*) FROM contacts c WHERE c.list_id = l.id \
         AND c.merged_into IS NULL) AS contacts FROM contact_lists l WHERE l.team_id = $1 \
         ORDER BY l.name",
    )
    .bind(team.0)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("name")?, r.try_get("contacts")?)))
    .collect()
}

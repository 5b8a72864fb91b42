//! Intake's `Idempotency-Key` rows (`intake_keys`): the first answer to a team's key.

use chrono::{DateTime, Utc};
use headsup_protocol::{RequestId, TeamId};
use sqlx::{AnyConnection, Row};

use crate::time::to_millis;

/// An intake's answer: what the client is told now, and on any retry with its key.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    /// The JSON body, byte for byte as first sent.
    pub(crate) body: String,
    pub(crate) request: RequestId,
    /// True when this is a stored answer sent again.
    pub(crate) replayed: bool,
}

/// The answer stored for `key` after `since`, with the fingerprint of the body it answered.
pub(crate) async fn stored(
    conn: &mut AnyConnection,
    team: TeamId,
    key: &str,
    since: DateTime<Utc>,
) -> anyhow::Result<Option<(String, Answer)>> {
    let row = sqlx::query(
        "SELECT body_sha256, status, response, request_id FROM intake_keys \
         WHERE team_id = $1 AND idempotency_key = $2 AND created_at > $3",
    )
    .bind(team.0)
    .bind(key)
    .bind(to_millis(since))
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let status: i64 = row.try_get("status")?;
    Ok(Some((
        row.try_get("body_sha256")?,
        Answer {
            status: u16::try_from(status)?,
            body: row.try_get("response")?,
            request: RequestId(row.try_get("request_id")?),
            replayed: true,
        },
    )))
}

/// Stores the first answer to `key`, replacing an expired row for the same key.
pub(crate) async fn remember(
    conn: &mut AnyConnection,
    team: TeamId,
    key: &str,
    fingerprint: &str,
    answer: &Answer,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM intake_keys WHERE team_id = $1 AND idempotency_key = $2")
        .bind(team.0)
        .bind(key)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO intake_keys (team_id, idempotency_key, body_sha256, request_id, status, \
         response, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(team.0)
    .bind(key)
    .bind(fingerprint)
    .bind(answer.request.0)
    .bind(i64::from(answer.status))
    .bind(answer.body.as_str())
    .bind(to_millis(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes keys stored at or before `before`.
pub(crate) async fn prune(conn: &mut AnyConnection, before: DateTime<Utc>) -> anyhow::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM intake_keys WHERE created_at <= $1")
            .bind(to_millis(before))
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

//! PostgreSQL's NOTIFY on the fan-out channel, sent inside a write transaction (delivered only
//! if it commits).

use anyhow::Result;
use sqlx::AnyConnection;

/// The channel every process listens on (`fanout::pg_listen`).
pub(crate) const CHANNEL: &str = "lds_events";

/// Announces that this process (`origin`) committed log entries up to `newest`.
pub(crate) async fn notify(conn: &mut AnyConnection, origin: &str, newest: i64) -> Result<()> {
    // Wrapped in COUNT: the `Any` driver cannot decode pg_notify's `void` result column.
    sqlx::query("SELECT COUNT(*) FROM (SELECT pg_notify($1, $2)) AS sent")
        .bind(CHANNEL)
        .bind(format!("{origin}|{newest}"))
        .execute(conn)
        .await?;
    Ok(())
}

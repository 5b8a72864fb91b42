//! Sign-in rate-limit windows (`rate_limit_windows`): hits per bucket per one-minute window.

use anyhow::Result;
use sqlx::{AnyConnection, Row};

/// Deletes windows that started before `start`.
pub(crate) async fn delete_before(conn: &mut AnyConnection, start: i64) -> Result<()> {
    sqlx::query("DELETE FROM rate_limit_windows WHERE window_start < $1")
        .bind(start)
        .execute(conn)
        .await?;
    Ok(())
}

/// Hits of `bucket` in the window before `window` (which is `width` long) and in `window`.
pub(crate) async fn hits(
    conn: &mut AnyConnection,
    bucket: &str,
    window: i64,
    width: i64,
) -> Result<(i64, i64)> {
    let rows = sqlx::query(
        "SELECT window_start, hits FROM rate_limit_windows \
         WHERE bucket = $1 AND window_start >= $2 AND window_start <= $3",
    )
    .bind(bucket)
    .bind(window - width)
    .bind(window)
    .fetch_all(conn)
    .await?;
    let (mut previous, mut current) = (0, 0);
    for r in rows {
        let start: i64 = r.try_get(0)?;
        let n: i64 = r.try_get(1)?;
        if start == window {
            current = n;
        } else {
            previous = n;
        }
    }
    Ok((previous, current))
}

/// Counts one hit of `bucket` in `window`.
pub(crate) async fn hit(conn: &mut AnyConnection, bucket: &str, window: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO rate_limit_windows (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1",
    )
    .bind(bucket)
    .bind(window)
    .execute(conn)
    .await?;
    Ok(())
}

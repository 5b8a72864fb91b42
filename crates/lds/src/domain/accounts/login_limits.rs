//! Sign-in rate limits, counted in the database (table `rate_limit_windows`), so every process
//! on one database shares one budget per account and per client address.
//!
//! Each bucket has a row per fixed one-minute window. A new attempt is allowed while the sliding
//! estimate `previous window × (share of it still inside the last minute) + current window + 1`
//! stays within the limit: smooth like a sliding log, at the cost of two small rows per bucket.
//! The check and the count are one write transaction, and writers are serialized
//! (`Db::begin_write`), so two processes cannot both spend the last attempt.

use std::net::IpAddr;

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::data::db::Db;
use crate::data::rate_limits as windows;
use crate::time::to_millis;

pub(crate) const WINDOW_MS: i64 = 60_000;

/// One thing whose attempts are counted, and how many it may make per minute.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    pub(crate) bucket: String,
    pub(crate) per_minute: u32,
}

/// The budgets a sign-in attempt spends: the account (by the digest of its normalized e-mail,
/// so addresses that are not agents' are not stored) and the client address.
pub(crate) fn login_budgets(
    email: &str,
    addr: IpAddr,
    per_account: u32,
    per_address: u32,
) -> [Budget; 2] {
    [
        Budget {
            bucket: format!("login_address:{addr}"),
            per_minute: per_address,
        },
        Budget {
            bucket: format!(
                "login_account:{}",
                crate::auth::digest(&email.trim().to_lowercase())
            ),
            per_minute: per_account,
        },
    ]
}

/// Spends one attempt from every budget if each has one left, else spends nothing (a refused
/// attempt does not push the refusal further out). Returns whether the attempt is allowed.
/// Windows older than the previous one are deleted on the way.
pub(crate) async fn try_spend(db: &Db, budgets: &[Budget], now: DateTime<Utc>) -> Result<bool> {
    let now_ms = to_millis(now);
    let window = now_ms.div_euclid(WINDOW_MS) * WINDOW_MS;
    // Share of the previous window that still lies inside the last minute.
    let previous_weight = 1.0 - (now_ms - window) as f64 / WINDOW_MS as f64;
    let mut w = db.begin_write().await?;
    windows::delete_before(&mut w.tx, window - WINDOW_MS).await?;
    let mut allowed = true;
    for b in budgets {
        let (previous, current) = windows::hits(&mut w.tx, &b.bucket, window, WINDOW_MS).await?;
        let estimate = previous as f64 * previous_weight + current as f64;
        if estimate + 1.0 > f64::from(b.per_minute) {
            allowed = false;
            break;
        }
    }
    if allowed {
        for b in budgets {
            windows::hit(&mut w.tx, &b.bucket, window).await?;
        }
    }
    // Committed either way: the clean-up above is worth keeping even when refusing.
    w.commit().await?;
    Ok(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::from_millis;

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("lds.db").display());
        (dir, Db::connect(&url).await.unwrap())
    }

    fn budget(bucket: &str, per_minute: u32) -> Budget {
        Budget {
            bucket: bucket.into(),
            per_minute,
        }
    }

    /// A minute boundary, so each test controls where in the window it is.
    const T0: i64 = 1_700_000_040_000;

    #[tokio::test]
    async fn a_budget_allows_its_limit_then_refuses_and_refusals_spend_nothing() {
        let (_dir, db) = db().await;
        let b = [budget("a", 3)];
        for i in 0..3 {
            assert!(try_spend(&db, &b, from_millis(T0 + i)).await.unwrap());
        }
        for i in 0..5 {
            assert!(!try_spend(&db, &b, from_millis(T0 + 10 + i)).await.unwrap());
        }
        let (hits,): (i64,) = sqlx::query_as("SELECT SUM(hits) FROM rate_limit_windows")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(hits, 3, "refused attempts are not counted");
    }

    #[tokio::test]
    async fn the_previous_minute_fades_out_instead_of_resetting_at_the_boundary() {
        let (_dir, db) = db().await;
        let b = [budget("a", 4)];
        // Four attempts late in one window...
        for i in 0..4 {
            assert!(try_spend(&db, &b, from_millis(T0 + 50_000 + i))
                .await
                .unwrap());
        }
        // ...still count just after the boundary (a fixed window would allow four more here).
        assert!(!try_spend(&db, &b, from_millis(T0 + 60_001)).await.unwrap());
        // A quarter into the next window, three quarters of them remain: 3 + 1 ≤ 4.
        assert!(try_spend(&db, &b, from_millis(T0 + 75_000)).await.unwrap());
        assert!(!try_spend(&db, &b, from_millis(T0 + 75_001)).await.unwrap());
    }

    #[tokio::test]
    async fn one_exhausted_budget_refuses_and_the_others_keep_theirs() {
        let (_dir, db) = db().await;
        let address_and_ana = [budget("addr", 10), budget("ana", 1)];
        let address_and_bo = [budget("addr", 10), budget("bo", 1)];
        assert!(try_spend(&db, &address_and_ana, from_millis(T0))
            .await
            .unwrap());
        assert!(!try_spend(&db, &address_and_ana, from_millis(T0 + 1))
            .await
            .unwrap());
        assert!(try_spend(&db, &address_and_bo, from_millis(T0 + 2))
            .await
            .unwrap());
        let (addr_hits,): (i64,) =
            sqlx::query_as("SELECT hits FROM rate_limit_windows WHERE bucket = 'addr'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(
            addr_hits, 2,
            "the refused attempt spent nothing from the address"
        );
    }

    #[tokio::test]
    async fn old_windows_are_deleted() {
        let (_dir, db) = db().await;
        let b = [budget("a", 10)];
        assert!(try_spend(&db, &b, from_millis(T0)).await.unwrap());
        assert!(try_spend(&db, &b, from_millis(T0 + 60_000)).await.unwrap());
        assert!(
            try_spend(&db, &[budget("other", 10)], from_millis(T0 + 120_000))
                .await
                .unwrap()
        );
        let starts: Vec<(String, i64)> =
            sqlx::query_as("SELECT bucket, window_start FROM rate_limit_windows ORDER BY 1, 2")
                .fetch_all(&db.pool)
                .await
                .unwrap();
        assert_eq!(
            starts,
            vec![
                ("a".to_string(), T0 + 60_000),
                ("other".to_string(), T0 + 120_000)
            ]
        );
    }

    #[test]
    fn login_budgets_normalize_the_account_and_store_no_e_mail() {
        let ip: IpAddr = "10.0.0.7".parse().unwrap();
        let a = login_budgets(" Ana@X.test ", ip, 10, 60);
        let b = login_budgets("ana@x.test", ip, 10, 60);
        assert_eq!(a[1].bucket, b[1].bucket);
        assert!(!a[1].bucket.contains("ana"));
        assert_eq!(a[0].bucket, "login_address:10.0.0.7");
        assert_eq!((a[0].per_minute, a[1].per_minute), (60, 10));
    }
}

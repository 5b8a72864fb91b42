//! Why SQLite write transactions begin `IMMEDIATE` (`Db::begin_write`): the cause of the
//! `internal` answer once seen on `end_session` in the claim race.
//!
//! A refused accept drops its transaction; sqlx only *queues* the ROLLBACK on that connection's
//! worker thread, and the writer slot is released at once. For a moment the next writer finds
//! SQLite's write lock still held. A deferred transaction that has already read (end_session
//! loads the session first) and then writes gets SQLITE_BUSY at once: SQLite does not call the
//! busy handler when upgrading a read transaction (it could deadlock), so `busy_timeout` does not
//! help. A transaction that takes the write lock at BEGIN waits under `busy_timeout` instead.
//! Two `Db`s on one file stand in for "the lock is held by another connection".

use std::time::Duration;

use lds::db::Db;
use sqlx::Executor;

async fn two_handles() -> (tempfile::TempDir, Db, Db) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("lds.db").display());
    let a = Db::connect(&url).await.unwrap();
    let b = Db::connect(&url).await.unwrap();
    (dir, a, b)
}

/// Holds the write lock on `db` (as a refused accept's transaction does until its rollback
/// runs) and releases it after `hold`.
async fn hold_write_lock(db: &Db, hold: Duration) -> tokio::task::JoinHandle<()> {
    let mut w = db.begin_write().await.unwrap();
    w.tx.execute("UPDATE agents SET last_seq = last_seq WHERE id = 0")
        .await
        .unwrap();
    tokio::spawn(async move {
        tokio::time::sleep(hold).await;
        w.tx.rollback().await.unwrap();
    })
}

#[tokio::test]
async fn a_deferred_transaction_that_read_first_fails_at_once_on_a_held_lock() {
    let (_dir, a, b) = two_handles().await;
    let release = hold_write_lock(&a, Duration::from_millis(300)).await;
    let mut tx = b.pool.begin().await.unwrap();
    tx.execute("SELECT COUNT(*) FROM sessions").await.unwrap();
    let write = tx
        .execute("UPDATE agents SET last_seq = last_seq WHERE id = 0")
        .await;
    let err = write.expect_err("the upgrade to a write is refused, busy_timeout or not");
    assert!(
        err.to_string().contains("database is locked"),
        "SQLITE_BUSY expected, got {err}"
    );
    drop(tx);
    release.await.unwrap();
}

#[tokio::test]
async fn begin_write_waits_for_the_lock_and_then_writes() {
    let (_dir, a, b) = two_handles().await;
    let release = hold_write_lock(&a, Duration::from_millis(300)).await;
    let mut w = b
        .begin_write()
        .await
        .expect("BEGIN IMMEDIATE waits under busy_timeout");
    w.tx.execute("SELECT COUNT(*) FROM sessions").await.unwrap();
    w.tx.execute("UPDATE agents SET last_seq = last_seq WHERE id = 0")
        .await
        .expect("holding the lock from BEGIN, the write cannot be refused");
    w.commit().await.unwrap();
    release.await.unwrap();
}

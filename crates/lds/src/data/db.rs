//! The database pool (data layer). One code path serves both backends through sqlx's `Any` driver; each
//! backend has its own migrations folder with the same versions (only id columns differ).
//!
//! SQLite allows one writer at a time. Rather than let concurrent write transactions collide
//! and retry, writers on this process queue on one async mutex ([`Db::begin_write`]); PostgreSQL
//! gets the same single-writer discipline across processes from a transaction-scoped advisory
//! lock, which rules out lock-order deadlocks between event-appending transactions.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Database, Executor, Transaction, TransactionManager};
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    sqlite_writer: Arc<Mutex<()>>,
}

/// A write transaction; for SQLite it also holds this process's writer slot until dropped.
pub struct WriteTx {
    pub tx: Transaction<'static, Any>,
    _writer: Option<OwnedMutexGuard<()>>,
}

/// This process's SQLite writer slot, kept past a commit while its entries are numbered.
pub(crate) struct WriterSlot {
    _guard: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Commits and keeps the writer slot: the next writer's entries are numbered after these.
    pub(crate) async fn commit_holding_slot(self) -> Result<WriterSlot> {
        self.tx.commit().await?;
        Ok(WriterSlot {
            _guard: self._writer,
        })
    }
}

impl Db {
    /// Connects and applies pending migrations. `url` is `sqlite://PATH` (the file and its folder
    /// are created) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(30))
            // A connection whose transaction could not be ended (a COMMIT or ROLLBACK that
            // failed, as on a full disk: SQLite may already have rolled back, so the ROLLBACK
            // sqlx queues on drop fails too) comes back still counting one transaction open,
            // and every later BEGIN on it fails ("begin_with at non-zero transaction depth").
            // Its state is unknown: close it and let the pool open a fresh one. The pool pings
            // a connection when it is released, so a rollback queued on drop has run by now.
            .before_acquire(|conn, _| {
                Box::pin(async move {
                    let depth =
                        <<Any as Database>::TransactionManager>::get_transaction_depth(conn);
                    if depth != 0 {
                        tracing::warn!(
                            depth,
                            "discarding a database connection left inside a transaction"
                        );
                    }
                    Ok(depth == 0)
                })
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL + NORMAL: a committed transaction survives a crash of the process
                        // (kill -9); only an OS crash may lose the last few. Foreign keys are off
                        // by default in SQLite.
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        // No checkpoint inside a commit: the commit that crossed the threshold
                        // paid for copying the whole WAL, an intake now and then. The indexer
                        // checkpoints after each batch instead ([`Db::checkpoint`]).
                        conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .with_context(|| format!("connecting to the {backend:?} database"))?;
        if backend == Backend::Sqlite {
            // Persistent in the file: set once, readers never block the writer afterwards.
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator
            .run(&pool)
            .await
            .context("applying database migrations")?;
        Ok(Db {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
        })
    }

    /// A write transaction: on SQLite `BEGIN IMMEDIATE` behind this process's writer slot, on
    /// PostgreSQL behind the writers' advisory lock. Public for the tests of that locking.
    pub async fn begin_write(&self) -> Result<WriteTx> {
        let writer = match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        // SQLite: take the write lock at BEGIN. A deferred transaction that reads first and
        // writes later fails at once with SQLITE_BUSY (busy_timeout does not apply) when
        // another connection committed in between.
        let mut tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        if self.backend == Backend::Postgres {
            // One writer at a time across every process, as on SQLite. Writes lock agents'
            // counters and, through foreign keys, other rows in orders that can otherwise
            // deadlock; the claim itself is still decided by its conditional UPDATE.
            tx.execute("SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock(7700)) AS writer")
                .await?;
        }
        Ok(WriteTx {
            tx,
            _writer: writer,
        })
    }

    /// Whether the database takes a write now: commits a one-page write (SQLite: rewrites the
    /// file header's `user_version` with its own value; PostgreSQL: a transaction id is assigned
    /// and its commit logged). Nothing readable changes.
    pub(crate) async fn probe_write(&self) -> Result<()> {
        let mut w = self.begin_write().await?;
        match self.backend {
            Backend::Sqlite => {
                use sqlx::Row;
                let version: i64 = sqlx::query("PRAGMA user_version")
                    .fetch_one(&mut *w.tx)
                    .await?
                    .try_get(0)?;
                // A PRAGMA takes no bind parameters; `version` is an integer SQLite gave us.
                w.tx.execute(format!("PRAGMA user_version = {version}").as_str())
                    .await?;
            }
            Backend::Postgres => {
                w.tx.execute("SELECT txid_current()").await?;
            }
        }
        w.commit().await
    }

    /// SQLite: copies what the WAL holds into the database file without waiting for readers or
    /// the writer (a passive checkpoint), so the WAL stays small. PostgreSQL: nothing.
    pub(crate) async fn checkpoint(&self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            self.pool.execute("PRAGMA wal_checkpoint(PASSIVE)").await?;
        }
        Ok(())
    }

    /// A PostgreSQL write transaction that does not take the writers' lock (the indexer, which
    /// takes its own).
    pub(crate) async fn begin_unlocked_write(&self) -> Result<WriteTx> {
        debug_assert_eq!(self.backend, Backend::Postgres);
        Ok(WriteTx {
            tx: self.pool.begin().await?,
            _writer: None,
        })
    }

    /// A read transaction that sees one consistent state of the database (a snapshot and its
    /// sequence number must agree).
    pub(crate) async fn begin_consistent_read(&self) -> Result<Transaction<'static, Any>> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .await?;
        }
        Ok(tx)
    }
}

pub fn backend_of(url: &str) -> Result<Backend> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else {
        bail!("unsupported database URL (expected sqlite://PATH or postgres://…)")
    }
}

/// Creates the SQLite file's folder and asks sqlx to create the file itself.
fn sqlite_url(url: &str) -> Result<String> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    if let Some(dir) = Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the database folder {}", dir.display()))?;
        }
    }
    Ok(if url.contains('?') {
        url.to_string()
    } else {
        format!("{url}?mode=rwc")
    })
}

/// The default database: `lds.db` in the user's data folder.
pub fn default_url() -> String {
    let dir = dirs::data_dir()
        .unwrap_or_else(|| std::path::PathBuf::from("."))
        .join("headsup-lds");
    format!("sqlite://{}", dir.join("lds.db").display())
}

//! The error every store operation and handler returns: a stable protocol [`ErrorCode`] with a
//! human message, or an internal failure (logged, reported as `internal`, nothing committed;
//! `storage_unavailable` when the database could not store the write, as on a full disk).

use headsup_protocol::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub(crate) enum LdsError {
    #[error("{code}: {message}")]
    Refused { code: ErrorCode, message: String },
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl LdsError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        LdsError::Refused {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn code(&self) -> ErrorCode {
        match self {
            LdsError::Refused { code, .. } => *code,
            LdsError::Internal(e) if is_storage_failure(e) => ErrorCode::StorageUnavailable,
            LdsError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// What the client is told. Internal details stay in the log.
    pub(crate) fn public_message(&self) -> String {
        match self {
            LdsError::Refused { message, .. } => message.clone(),
            LdsError::Internal(e) if is_storage_failure(e) => {
                "the server cannot write to its database now (is its disk full?); nothing was \
                 written, retry later"
                    .into()
            }
            LdsError::Internal(_) => "the server failed; nothing was written, retry later".into(),
        }
    }
}

impl From<sqlx::Error> for LdsError {
    fn from(e: sqlx::Error) -> Self {
        LdsError::Internal(e.into())
    }
}

pub(crate) type LdsResult<T> = Result<T, LdsError>;

/// Whether `e` is the database failing to store data (a full disk, an I/O error), as opposed to
/// a bug or a refused write: such a failure passes once the storage has room again, and is
/// answered `503 storage_unavailable`.
pub(crate) fn is_storage_failure(e: &anyhow::Error) -> bool {
    use sqlx::error::DatabaseError;
    e.chain().any(|cause| {
        let Some(sqlx::Error::Database(db)) = cause.downcast_ref::<sqlx::Error>() else {
            return false;
        };
        if let Some(e) = db.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
            // The (extended) result code; the primary code is its low byte.
            // SQLITE_IOERR = 10, SQLITE_FULL = 13.
            let code = e.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
            return matches!(code & 0xff, 10 | 13);
        }
        // PostgreSQL's SQLSTATE classes 53 (insufficient resources: disk_full 53100) and 58
        // (system error: io_error 58030).
        db.code()
            .is_some_and(|c| c.starts_with("53") || c.starts_with("58"))
    })
}

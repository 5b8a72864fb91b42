//! The error every store operation and handler returns: a stable protocol [`ErrorCode`] with a
//! human message, or an internal failure (logged, reported as `internal`, nothing committed;
//! `storage_unavailable` when the database could not store the write, as on a full disk).

use headsup_protocol::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum LdsError {
    #[error("{code}: {message}")]
    Refused { code: ErrorCode, message: String },
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl LdsError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        LdsError::Refused {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            LdsError::Refused { code, .. } => *code,
            LdsError::Internal(e) if crate::db::is_storage_failure(e) => {
                ErrorCode::StorageUnavailable
            }
            LdsError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// What the client is told. Internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            LdsError::Refused { message, .. } => message.clone(),
            LdsError::Internal(e) if crate::db::is_storage_failure(e) => {
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

pub type LdsResult<T> = Result<T, LdsError>;

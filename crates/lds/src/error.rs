//! The error every store operation and handler returns: a stable protocol [`ErrorCode`] with a
//! human message, or an internal failure (logged, reported as `internal`, nothing committed).

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
            LdsError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// What the client is told. Internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            LdsError::Refused { message, .. } => message.clone(),
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

//! The handling rule: what a handling code does to a case after a call. Pure, so the table of
//! cases in the tests (outcome × attempts × delay × expiry) reads it directly.

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::call_cases::{CaseClosure, CodeEffect};

/// What happens to a case after its call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Close(CaseClosure),
    /// Offered again at this time.
    DueAt(DateTime<Utc>),
}

/// The list's numbers the rule reads.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_attempts: u32,
    pub retry_delay_secs: u32,
}

/// The next step for a case after a call handled with `effect`. `attempts` counts the call
/// just made. A retry after the list's last attempt closes `unreachable`; a retry or call-back
/// due at or after the case's expiry closes `expired` (it would never be called).
/// `call_back_at` is the agent's time for [`CodeEffect::CallBackAt`] (checked by the caller).
pub fn after_call(
    effect: CodeEffect,
    attempts: u32,
    limits: Limits,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    call_back_at: Option<DateTime<Utc>>,
) -> Next {
    let due = match effect {
        CodeEffect::ClosedSuccessfully => return Next::Close(CaseClosure::Successful),
        CodeEffect::ClosedWrongNumber => return Next::Close(CaseClosure::WrongNumber),
        CodeEffect::Retry if attempts >= limits.max_attempts => {
            return Next::Close(CaseClosure::Unreachable)
        }
        CodeEffect::Retry => now + Duration::seconds(i64::from(limits.retry_delay_secs)),
        // The customer asked for a time: not a failed attempt, so no maximum applies.
        CodeEffect::CallBackAt => call_back_at.unwrap_or(now),
    };
    if due >= expires_at {
        Next::Close(CaseClosure::Expired)
    } else {
        Next::DueAt(due)
    }
}

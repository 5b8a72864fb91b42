//! The one rule for a requested `due_at`, at intake and in the agent's `schedule` frame.
//!
//! A clock a little behind the server's, or a form submitted a few seconds after it was filled
//! in, must not lose the customer: a time up to [`GRACE`] in the past counts as now. Anything
//! older is a mistake the client should hear about (year -1, a date in the wrong century), and
//! so is a time more than [`MAX_AHEAD`] away (year 275760 would be offered never).

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::ErrorCode;

use crate::error::{LdsError, LdsResult};

/// How far in the past a `due_at` may be and still count as "now".
pub(crate) const GRACE: Duration = Duration::seconds(60);
/// How far ahead a call may be booked.
pub(crate) const MAX_AHEAD: Duration = Duration::days(366);

/// The time the call is due: `due_at` itself, or `now` when it is within the grace before now;
/// refused with `invalid_due_at` outside `[now - GRACE, now + MAX_AHEAD]`.
pub(crate) fn effective(due_at: DateTime<Utc>, now: DateTime<Utc>) -> LdsResult<DateTime<Utc>> {
    if due_at < now - GRACE {
        return Err(LdsError::new(
            ErrorCode::InvalidDueAt,
            format!(
                "due_at {} is more than {} seconds in the past (server time {})",
                due_at.to_rfc3339(),
                GRACE.num_seconds(),
                now.to_rfc3339()
            ),
        ));
    }
    if due_at > now + MAX_AHEAD {
        return Err(LdsError::new(
            ErrorCode::InvalidDueAt,
            format!(
                "due_at {} is more than {} days ahead",
                due_at.to_rfc3339(),
                MAX_AHEAD.num_days()
            ),
        ));
    }
    Ok(due_at.max(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_a_minute_back_to_a_year_ahead() {
        let now = Utc::now();
        assert_eq!(effective(now, now).unwrap(), now);
        assert_eq!(effective(now - GRACE, now).unwrap(), now);
        assert_eq!(effective(now - Duration::seconds(5), now).unwrap(), now);
        let later = now + Duration::hours(3);
        assert_eq!(effective(later, now).unwrap(), later);
        assert_eq!(effective(now + MAX_AHEAD, now).unwrap(), now + MAX_AHEAD);
        for bad in [
            now - GRACE - Duration::milliseconds(1),
            now + MAX_AHEAD + Duration::milliseconds(1),
            "-0001-01-01T00:00:00Z".parse().unwrap(),
            DateTime::<Utc>::MAX_UTC,
        ] {
            assert_eq!(
                effective(bad, now).unwrap_err().code(),
                ErrorCode::InvalidDueAt,
                "{bad}"
            );
        }
    }
}

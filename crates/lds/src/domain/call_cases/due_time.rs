//! A case's due time: an instant, or a wall-clock time in the customer's IANA zone resolved
//! with that zone's rules on that date (so "10:00 in Madrid" on the Sunday clocks go forward
//! is 08:00 UTC, not the 09:00 of the day before).

use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use headsup_protocol::ErrorCode;

use crate::error::{LdsError, LdsResult};

/// A due time as stored: UTC, and the zone it was given in.
pub(crate) struct Due {
    pub(crate) at: DateTime<Utc>,
    pub(crate) zone: Option<String>,
}

fn invalid(message: impl Into<String>) -> LdsError {
    LdsError::new(ErrorCode::InvalidDueAt, message)
}

/// A checked IANA zone name.
pub(crate) fn zone(name: &str) -> LdsResult<Tz> {
    name.trim().parse::<Tz>().map_err(|_| {
        LdsError::new(
            ErrorCode::BadRequest,
            "time_zone is an IANA time zone name, such as Europe/Madrid",
        )
    })
}

/// The due time from what the agent, import or a source gave; `now` when neither is given.
/// Refused more than a minute in the past or more than a year ahead (as for scheduled calls).
pub(crate) fn resolve(
    at: Option<DateTime<FixedOffset>>,
    local: Option<NaiveDateTime>,
    time_zone: Option<&str>,
    now: DateTime<Utc>,
) -> LdsResult<Due> {
    let tz = time_zone.map(zone).transpose()?;
    let due = match (at, local, tz) {
        (Some(_), Some(_), _) => {
            return Err(LdsError::new(
                ErrorCode::BadRequest,
                "give due_at or due_local, not both",
            ))
        }
        (Some(at), None, _) => at.with_timezone(&Utc),
        (None, Some(local), Some(tz)) => local_in(local, tz)?,
        (None, Some(_), None) => {
            return Err(LdsError::new(
                ErrorCode::BadRequest,
                "due_local needs the customer's time_zone",
            ))
        }
        (None, None, _) => now,
    };
    if due < now - Duration::minutes(1) || due > now + Duration::days(366) {
        return Err(invalid(
            "the due time is more than a minute in the past or more than a year ahead",
        ));
    }
    Ok(Due {
        at: due,
        zone: tz.map(|tz| tz.name().to_string()),
    })
}

/// A wall-clock time in `tz`: the earlier of a repeated hour; a skipped one is refused.
pub(crate) fn local_in(local: NaiveDateTime, tz: Tz) -> LdsResult<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => Ok(earlier.with_timezone(&Utc)),
        LocalResult::None => Err(invalid(format!(
            "{local} does not exist in {} (the clocks skip it)",
            tz.name()
        ))),
    }
}

//! Instants in the database are milliseconds since the Unix epoch (UTC), the one representation
//! both SQLite and PostgreSQL compare and index the same way.

use chrono::{DateTime, Utc};

pub fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_round_trip_keeps_millisecond_precision() {
        let t = from_millis(1_700_000_123_456);
        assert_eq!(to_millis(t), 1_700_000_123_456);
        assert_eq!(t.to_rfc3339(), "2023-11-14T22:15:23.456+00:00");
    }
}

//! Instants in the database are milliseconds since the Unix epoch (UTC), the one representation
//! both SQLite and PostgreSQL compare and index the same way; and [`Clock`], what the domain
//! reads "now" from where a rule spans hours (a provider's 24-hour reply window), so tests move
//! time instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

/// The system clock, plus however far tests moved it (`testing::Probe::advance_clock`); every
/// clone shares the same offset. Never moved outside tests.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    ahead_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.ahead_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (and its clones) forward by `by`.
    pub(crate) fn advance(&self, by: Duration) {
        self.ahead_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}

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
    fn a_clock_moved_forward_moves_its_clones_too() {
        let clock = Clock::default();
        let twin = clock.clone();
        clock.advance(Duration::hours(25));
        assert!(twin.now() - Utc::now() > Duration::hours(24));
    }

    #[test]
    fn millis_round_trip_keeps_millisecond_precision() {
        let t = from_millis(1_700_000_123_456);
        assert_eq!(to_millis(t), 1_700_000_123_456);
        assert_eq!(t.to_rfc3339(), "2023-11-14T22:15:23.456+00:00");
    }
}

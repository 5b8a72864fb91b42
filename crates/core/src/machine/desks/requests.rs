//! The requests desk: the requests the agent can see, as the LDS last told us, and the rows that
//! change by themselves as time passes (a request taken elsewhere or cancelled lingers, then
//! goes). The rows themselves are built by [`Queue::rows`].

use chrono::{DateTime, Utc};

use crate::queue::Queue;

#[derive(Debug, Default)]
pub(in crate::machine) struct RequestsDesk {
    pub(in crate::machine) queue: Queue,
    /// The latest time the desk was told: timers at or before it are not waited for again.
    now: Option<DateTime<Utc>>,
}

impl RequestsDesk {
    /// The time of the latest input, so [`RequestsDesk::poll_timeout`] needs no argument.
    pub(in crate::machine) fn advance(&mut self, now: DateTime<Utc>) {
        self.now = Some(now);
    }

    /// Drops the rows whose linger is over; returns whether any row changed by itself.
    #[must_use]
    pub(in crate::machine) fn handle_timeout(&mut self, now: DateTime<Utc>) -> bool {
        self.now = Some(now);
        self.queue.fire_timers(now)
    }

    /// The next moment a row changes by itself.
    #[must_use]
    pub(in crate::machine) fn poll_timeout(&self) -> Option<DateTime<Utc>> {
        // A scan of the timers after `now`; `benches/core.rs` measures it with 10,000 requests.
        self.queue
            .next_change(self.now.unwrap_or(DateTime::<Utc>::MIN_UTC))
    }
}

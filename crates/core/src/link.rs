//! The connection to the LDS as the core sees it: where it is, when it was last heard from,
//! and when to try again. The reconnect schedule is backon's exponential backoff with jitter,
//! seeded by the driver so the core stays deterministic under test.

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use chrono::{DateTime, Duration, Utc};
use headsup_protocol::lds::{DEAD_AFTER_SECS, HEARTBEAT_SECS};
use headsup_protocol::view::ConnectionView;

/// First retry after a second or two, doubling, never more than 30 s apart: an agent's customers
/// cannot wait longer than that, and the LDS is cheap to reconnect to. backon adds its jitter
/// (up to the delay again) after the cap, so the cap is half the longest wait.
const MIN_DELAY: std::time::Duration = std::time::Duration::from_secs(1);
const MAX_DELAY: std::time::Duration = std::time::Duration::from_secs(15);

pub fn dead_after() -> Duration {
    Duration::seconds(DEAD_AFTER_SECS as i64)
}

pub fn heartbeat() -> Duration {
    Duration::seconds(HEARTBEAT_SECS as i64)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Not signed in: no connection wanted.
    Idle,
    /// Asked the driver to open the socket.
    Opening { since: DateTime<Utc> },
    /// Socket open, `hello` sent, waiting for `welcome`.
    Handshake { since: DateTime<Utc> },
    /// `welcome` received; replaying events (or waiting for the snapshot) up to `head_seq`.
    CatchingUp { head_seq: u64 },
    /// Up to date; `at` is the last frame processed.
    Synced { at: DateTime<Utc> },
    Offline {
        since: DateTime<Utc>,
        retry_at: DateTime<Utc>,
    },
}

#[derive(Debug)]
pub struct Link {
    pub state: LinkState,
    /// Last frame, ping or pong from the server; the dead-connection clock starts here.
    pub last_heard: DateTime<Utc>,
    /// Last ping we asked for, so one is sent per heartbeat, not per poll.
    pub last_ping: DateTime<Utc>,
    /// When the connection was last lost, kept across failed retries until a `welcome`, so the
    /// UI says "offline since 10:02", not since the last attempt.
    offline_since: Option<DateTime<Utc>>,
    builder: ExponentialBuilder,
    backoff: ExponentialBackoff,
}

impl Link {
    pub fn new(jitter_seed: u64) -> Self {
        let builder = ExponentialBuilder::default()
            .with_min_delay(MIN_DELAY)
            .with_max_delay(MAX_DELAY)
            .with_factor(2.0)
            .with_jitter()
            .with_jitter_seed(jitter_seed)
            .without_max_times();
        let epoch = DateTime::<Utc>::MIN_UTC;
        Link {
            state: LinkState::Idle,
            last_heard: epoch,
            last_ping: epoch,
            offline_since: None,
            backoff: builder.build(),
            builder,
        }
    }

    /// Whether frames can be sent (the socket is open and past the handshake).
    pub fn is_up(&self) -> bool {
        matches!(
            self.state,
            LinkState::CatchingUp { .. } | LinkState::Synced { .. }
        )
    }

    pub fn is_open(&self) -> bool {
        matches!(
            self.state,
            LinkState::Handshake { .. } | LinkState::CatchingUp { .. } | LinkState::Synced { .. }
        )
    }

    pub fn heard(&mut self, now: DateTime<Utc>) {
        self.last_heard = now;
    }

    /// The handshake succeeded: the next loss starts the schedule from the shortest delay.
    pub fn reset_backoff(&mut self) {
        self.offline_since = None;
        self.backoff = self.builder.build();
    }

    /// Lost; decide when to try again.
    pub fn go_offline(&mut self, now: DateTime<Utc>) {
        let since = *self.offline_since.get_or_insert(now);
        let delay = self.backoff.next().unwrap_or(MAX_DELAY);
        let delay = Duration::from_std(delay).unwrap_or_else(|_| Duration::seconds(30));
        self.state = LinkState::Offline {
            since,
            retry_at: now + delay,
        };
    }

    /// When the link needs attention: a retry, a ping, or the dead-connection deadline.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        match self.state {
            LinkState::Idle => None,
            LinkState::Opening { since } | LinkState::Handshake { since } => {
                Some(since + dead_after())
            }
            LinkState::CatchingUp { .. } | LinkState::Synced { .. } => {
                let ping_at = self.last_heard.max(self.last_ping) + heartbeat();
                Some(ping_at.min(self.last_heard + dead_after()))
            }
            LinkState::Offline { retry_at, .. } => Some(retry_at),
        }
    }

    pub fn view(&self) -> ConnectionView {
        match self.state {
            LinkState::Idle => ConnectionView::Idle,
            LinkState::Opening { .. }
            | LinkState::Handshake { .. }
            | LinkState::CatchingUp { .. } => ConnectionView::Connecting,
            LinkState::Synced { at } => ConnectionView::Synced { at },
            LinkState::Offline { since, retry_at } => ConnectionView::Offline {
                since,
                retry_at: Some(retry_at),
            },
        }
    }
}

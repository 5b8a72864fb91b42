//! The connection to the LDS as the core sees it: where it is, when it was last heard from,
//! when to ping, when to give it up for dead, and when to try again. A sub-machine: it owns
//! these deadlines, [`Link::poll_timeout`] says the next one and [`Link::handle_timeout`] says
//! what the core must do when it comes. The reconnect schedule is backon's exponential backoff
//! with jitter, seeded by the driver so the core stays deterministic under test.

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use chrono::{DateTime, Duration, Utc};
use headsup_protocol::lds::{DEAD_AFTER_SECS, HEARTBEAT_SECS};
use headsup_protocol::view::ConnectionView;

/// First retry after a second or two, doubling, never more than 30 s apart: an agent's customers
/// cannot wait longer than that, and the LDS is cheap to reconnect to. backon adds its jitter
/// (up to the delay again) after the cap, so the cap is half the longest wait.
const MIN_DELAY: std::time::Duration = std::time::Duration::from_secs(1);
const MAX_DELAY: std::time::Duration = std::time::Duration::from_secs(15);

fn dead_after() -> Duration {
    Duration::seconds(DEAD_AFTER_SECS as i64)
}

fn heartbeat() -> Duration {
    Duration::seconds(HEARTBEAT_SECS as i64)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkState {
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

/// What the core must do because one of the link's deadlines came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum LinkDue {
    /// A heartbeat passed in silence: send a WebSocket ping.
    Ping,
    /// Nothing heard for too long: the socket is a corpse. The link is offline now; close it.
    Dead,
    /// The retry time of an offline link came: connect again.
    Retry,
}

#[derive(Debug)]
pub struct Link {
    state: LinkState,
    /// Last frame, ping or pong from the server; the dead-connection clock starts here.
    last_heard: DateTime<Utc>,
    /// Last ping we asked for, so one is sent per heartbeat, not per poll.
    last_ping: DateTime<Utc>,
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

    /// Whether a socket is open or being opened: leaving this state means closing it.
    pub fn has_socket(&self) -> bool {
        !matches!(self.state, LinkState::Idle | LinkState::Offline { .. })
    }

    /// The driver was asked to open the socket.
    pub fn opening(&mut self, now: DateTime<Utc>) {
        self.state = LinkState::Opening { since: now };
    }

    /// The socket asked for is open and the `hello` goes out. Returns false when no socket was
    /// being opened (a late answer to an abandoned attempt): nothing to say hello on.
    pub fn opened(&mut self, now: DateTime<Utc>) -> bool {
        if !matches!(self.state, LinkState::Opening { .. }) {
            return false;
        }
        self.state = LinkState::Handshake { since: now };
        self.heard(now);
        true
    }

    /// A frame, ping or pong arrived: the connection is alive.
    pub fn heard(&mut self, now: DateTime<Utc>) {
        self.last_heard = now;
    }

    /// `welcome`: the handshake succeeded, events up to `head_seq` follow. The next loss starts
    /// the reconnect schedule from the shortest delay again.
    pub fn welcomed(&mut self, head_seq: u64) {
        self.offline_since = None;
        self.backoff = self.builder.build();
        self.state = LinkState::CatchingUp { head_seq };
    }

    /// Events (or a snapshot) up to `applied` are in the core: synced once that reaches the
    /// `welcome`'s `head_seq`; when already synced, `now` is the newest sync time.
    pub fn applied_up_to(&mut self, applied: Option<u64>, now: DateTime<Utc>) {
        match self.state {
            LinkState::CatchingUp { head_seq } if applied.is_some_and(|s| s >= head_seq) => {
                self.state = LinkState::Synced { at: now };
            }
            LinkState::Synced { .. } => self.state = LinkState::Synced { at: now },
            _ => {}
        }
    }

    /// The socket closed or could not be opened: go offline and schedule the retry. Returns
    /// false when there was no connection to lose (signed out, or already offline).
    pub fn lost(&mut self, now: DateTime<Utc>) -> bool {
        if !self.has_socket() {
            return false;
        }
        self.go_offline(now);
        true
    }

    /// Signed out: no connection wanted any more.
    pub fn closed(&mut self) {
        self.state = LinkState::Idle;
    }

    fn go_offline(&mut self, now: DateTime<Utc>) {
        let since = *self.offline_since.get_or_insert(now);
        let delay = self.backoff.next().unwrap_or(MAX_DELAY);
        let delay = Duration::from_std(delay).unwrap_or_else(|_| Duration::seconds(30));
        self.state = LinkState::Offline {
            since,
            retry_at: now + delay,
        };
    }

    /// When the next ping is due on an open link: one heartbeat after the later of the last
    /// thing heard and the last ping sent.
    fn ping_at(&self) -> DateTime<Utc> {
        self.last_heard.max(self.last_ping) + heartbeat()
    }

    /// When the link is given up for dead, if it is in a state that can die.
    fn dead_at(&self) -> Option<DateTime<Utc>> {
        match self.state {
            LinkState::Opening { since } | LinkState::Handshake { since } => {
                Some(since + dead_after())
            }
            LinkState::CatchingUp { .. } | LinkState::Synced { .. } => {
                Some(self.last_heard + dead_after())
            }
            LinkState::Idle | LinkState::Offline { .. } => None,
        }
    }

    /// When the link needs attention next: a retry, a ping, or the dead-connection deadline.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<DateTime<Utc>> {
        match self.state {
            LinkState::Idle => None,
            LinkState::Offline { retry_at, .. } => Some(retry_at),
            LinkState::Opening { .. } | LinkState::Handshake { .. } => self.dead_at(),
            LinkState::CatchingUp { .. } | LinkState::Synced { .. } => {
                self.dead_at().map(|dead| self.ping_at().min(dead))
            }
        }
    }

    /// The deadline came (or any timeout): what, if anything, the core must do now.
    #[must_use]
    pub fn handle_timeout(&mut self, now: DateTime<Utc>) -> Option<LinkDue> {
        if let LinkState::Offline { retry_at, .. } = self.state {
            return (retry_at <= now).then_some(LinkDue::Retry);
        }
        if self.dead_at().is_some_and(|dead| dead <= now) {
            self.go_offline(now);
            return Some(LinkDue::Dead);
        }
        if self.is_up() && self.ping_at() <= now {
            self.last_ping = now;
            return Some(LinkDue::Ping);
        }
        None
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

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(1_000_000 + secs)
    }

    /// A link that opened at `t(0)` and was welcomed.
    fn up() -> Link {
        let mut link = Link::new(7);
        link.opening(t(0));
        assert!(link.opened(t(0)));
        link.welcomed(5);
        link
    }

    #[test]
    fn a_silent_link_pings_once_per_heartbeat_then_dies() {
        let mut link = up();
        let heartbeat = HEARTBEAT_SECS as i64;
        assert_eq!(link.poll_timeout(), Some(t(heartbeat)));
        assert_eq!(link.handle_timeout(t(heartbeat - 1)), None);
        assert_eq!(link.handle_timeout(t(heartbeat)), Some(LinkDue::Ping));
        // The ping just sent is not sent again on the next poll.
        assert_eq!(link.handle_timeout(t(heartbeat)), None);
        assert_eq!(link.poll_timeout(), Some(t(2 * heartbeat)));
        assert_eq!(link.handle_timeout(t(2 * heartbeat)), Some(LinkDue::Ping));
        // The pings are not answered: dead after DEAD_AFTER_SECS of silence, not later.
        let dead = DEAD_AFTER_SECS as i64;
        assert_eq!(link.poll_timeout(), Some(t(dead)));
        assert_eq!(link.handle_timeout(t(dead)), Some(LinkDue::Dead));
        assert!(!link.is_up());
        assert!(!link.has_socket());
    }

    #[test]
    fn hearing_from_the_server_moves_the_ping_and_the_death() {
        let mut link = up();
        link.heard(t(8));
        assert_eq!(link.poll_timeout(), Some(t(8 + HEARTBEAT_SECS as i64)));
        assert_eq!(link.handle_timeout(t(10)), None);
    }

    #[test]
    fn an_offline_link_asks_for_a_retry_only_when_its_time_comes() {
        let mut link = up();
        assert!(link.lost(t(3)));
        let retry_at = link.poll_timeout().expect("a retry is scheduled");
        assert!(retry_at > t(3));
        assert_eq!(
            link.handle_timeout(retry_at - Duration::milliseconds(1)),
            None
        );
        assert_eq!(link.handle_timeout(retry_at), Some(LinkDue::Retry));
        // Already offline: nothing more to lose.
        assert!(!link.lost(t(4)));
    }

    #[test]
    fn a_socket_nobody_asked_for_is_not_opened() {
        let mut link = Link::new(7);
        assert!(!link.opened(t(0)));
        assert_eq!(link.poll_timeout(), None);
        link.opening(t(0));
        link.closed();
        assert!(!link.opened(t(1)));
    }

    #[test]
    fn a_handshake_without_welcome_dies_after_the_dead_time() {
        let mut link = Link::new(7);
        link.opening(t(0));
        assert!(link.opened(t(2)));
        let dead = t(2 + DEAD_AFTER_SECS as i64);
        // No ping before the welcome: only the dead-connection deadline.
        assert_eq!(link.poll_timeout(), Some(dead));
        assert_eq!(link.handle_timeout(dead - Duration::seconds(1)), None);
        assert_eq!(link.handle_timeout(dead), Some(LinkDue::Dead));
    }
}

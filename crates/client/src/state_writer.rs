//! When the saved-state file is written, and when the notifications that depend on it may be
//! shown. The core asks for a save after every event; a burst of a thousand offers would rewrite
//! the whole file a thousand times (measured with `examples/save_burst.rs`: 1,000 writes for
//! 1,000 offers before this, about one per 250 ms of burst after).
//!
//! The rule this keeps: **never two notifications for the same request, across restarts.** A
//! restarted agent asks the LDS for a snapshot and notifies every pending request its saved
//! `notified` set does not list. So a notification may reach the screen only once the file lists
//! its request; otherwise a crash (or a kill) right after showing it would show it again after the
//! restart. Hence:
//! - a notification (and, to keep their order, every later show/withdraw) is held back while the
//!   core's `notified` set holds ids the file does not, and released right after the next write;
//! - a write that releases notifications is made at once unless one was made in the last
//!   [`HOLD_INTERVAL`]: an isolated offer is shown without delay, and in a burst a customer's
//!   notification waits at most [`HOLD_INTERVAL`] (a customer arrival is the product's whole point;
//!   the first version waited up to 250 ms here, which the app benchmark caught: intake → `Notify`
//!   p50 160 ms at 20 requests/s);
//! - a write that only records progress (the last processed sequence) waits for [`MIN_INTERVAL`];
//! - on shutdown whatever is owed is written.
//!
//! The cost, in the other direction: the file is written with the core's whole current state, so
//! a crash between a write and the showing of held notifications leaves requests listed but never
//! shown. Their rows are still in the queue after the restart; "at most once" is what an agent can
//! trust, "exactly once" would need the OS to confirm a notification durably, which none does.
//!
//! Sans-IO like the core: it takes `now` and returns what to do; the run loop does the I/O.

use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use headsup_core::{Notification, NotificationId};
use headsup_protocol::RequestId;
use tokio::time::Instant;

/// At most one write per this interval when no notification waits for it (outside shutdown).
pub const MIN_INTERVAL: Duration = Duration::from_millis(250);

/// At most one write per this interval while notifications wait for it: short enough that a
/// customer is announced without a delay anyone notices, long enough that a burst of a thousand
/// offers costs tens of writes, not a thousand.
pub const HOLD_INTERVAL: Duration = Duration::from_millis(20);

/// A notification call for the shell, in the order the core asked for it.
#[derive(Debug, Clone, PartialEq)]
pub enum ShellCall {
    Show(Notification),
    Withdraw(NotificationId),
}

#[derive(Debug, Default)]
pub struct StateWriter {
    /// The core asked for a save that has not been written yet.
    dirty: bool,
    last_write: Option<Instant>,
    /// The `notified` set as the file holds it.
    on_disk: BTreeSet<RequestId>,
    /// Shell calls waiting for the file to list their requests.
    held: VecDeque<ShellCall>,
}

/// What the run loop must do now, in this order.
#[derive(Debug, Default, PartialEq)]
pub struct Step {
    /// Write the core's current saved state (then call [`StateWriter::written`]).
    pub write: bool,
    /// Then perform these shell calls.
    pub release: Vec<ShellCall>,
}

impl StateWriter {
    /// Starts from what the file held at load.
    pub fn new(on_disk: BTreeSet<RequestId>) -> Self {
        StateWriter {
            on_disk,
            ..StateWriter::default()
        }
    }

    /// The core asked for [`headsup_core::Output::SaveState`].
    pub fn save_requested(&mut self) {
        self.dirty = true;
    }

    /// The core asked for a notification to be shown or withdrawn.
    pub fn shell_call(&mut self, call: ShellCall) {
        self.held.push_back(call);
    }

    /// After the core's outputs are drained (and when [`StateWriter::deadline`] passes): what to
    /// write and which calls may go out. `notified` is the core's current set.
    pub fn step(&mut self, notified: &BTreeSet<RequestId>, now: Instant) -> Step {
        let unlisted = !notified.is_subset(&self.on_disk);
        let interval = if unlisted {
            HOLD_INTERVAL
        } else {
            MIN_INTERVAL
        };
        let may_write = self
            .last_write
            .is_none_or(|at| now.duration_since(at) >= interval);
        let write = may_write && (self.dirty || unlisted);
        let release = if write || !unlisted {
            self.held.drain(..).collect()
        } else {
            Vec::new()
        };
        Step { write, release }
    }

    /// The state (with this `notified` set) is on disk now.
    pub fn written(&mut self, notified: &BTreeSet<RequestId>, now: Instant) {
        self.dirty = false;
        self.last_write = Some(now);
        self.on_disk.clone_from(notified);
    }

    /// When [`StateWriter::step`] must run again if nothing else happens: a save or held calls
    /// are waiting for the interval to pass.
    pub fn deadline(&self) -> Option<Instant> {
        if !self.dirty && self.held.is_empty() {
            return None;
        }
        // Without a write yet, `step` writes or releases at once, so nothing is left waiting.
        // Held calls exist only while the file lacks some of their requests.
        let interval = if self.held.is_empty() {
            MIN_INTERVAL
        } else {
            HOLD_INTERVAL
        };
        self.last_write.map(|at| at + interval)
    }

    /// Shutting down: whether a write is still owed. Held calls are dropped: the app is going
    /// away, and their requests are listed by this last write (shown at most once, as above).
    pub fn shutdown(&mut self, notified: &BTreeSet<RequestId>) -> bool {
        let dropped = self.held.len();
        if dropped > 0 {
            tracing::debug!(dropped, "notifications not shown: the agent is stopping");
        }
        self.held.clear();
        self.dirty || !notified.is_subset(&self.on_disk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(ids: &[i64]) -> BTreeSet<RequestId> {
        ids.iter().copied().map(RequestId).collect()
    }

    fn show(id: i64) -> ShellCall {
        ShellCall::Show(Notification {
            id: NotificationId(id as i32),
            request: Some(RequestId(id)),
            title: "t".into(),
            body: "b".into(),
            sound: true,
            urgency: 0,
            conversation: None,
        })
    }

    #[test]
    fn an_isolated_offer_is_written_then_shown_at_once() {
        let t = Instant::now();
        let mut w = StateWriter::new(ids(&[]));
        w.shell_call(show(1));
        w.save_requested();
        let step = w.step(&ids(&[1]), t);
        assert!(step.write, "the file must list request 1 first");
        assert_eq!(step.release, vec![show(1)]);
        w.written(&ids(&[1]), t);
        assert_eq!(w.deadline(), None);
    }

    #[test]
    fn a_burst_is_written_once_per_hold_interval_and_held_until_listed() {
        let t = Instant::now();
        let mut w = StateWriter::new(ids(&[]));
        w.shell_call(show(1));
        w.save_requested();
        assert!(w.step(&ids(&[1]), t).write);
        w.written(&ids(&[1]), t);

        // Two more offers within the interval: no write, nothing shown.
        let soon = t + HOLD_INTERVAL / 4;
        for id in [2, 3] {
            w.shell_call(show(id));
            w.save_requested();
            let step = w.step(&ids(&[1, 2, id]), soon);
            assert_eq!(step, Step::default(), "held while the file lacks {id}");
        }
        assert_eq!(w.deadline(), Some(t + HOLD_INTERVAL));

        // The short interval passes (not the long one): one write, then both in order.
        let step = w.step(&ids(&[1, 2, 3]), t + HOLD_INTERVAL);
        assert!(step.write);
        assert_eq!(step.release, vec![show(2), show(3)]);
    }

    #[test]
    fn calls_about_listed_requests_go_out_without_a_write() {
        let t = Instant::now();
        let mut w = StateWriter::new(ids(&[7]));
        w.written(&ids(&[7]), t);
        // A re-alert and a withdrawal for a request the file lists; the core also moved last_seq.
        w.shell_call(show(7));
        w.shell_call(ShellCall::Withdraw(NotificationId(7)));
        w.save_requested();
        let step = w.step(&ids(&[7]), t + MIN_INTERVAL / 2);
        assert!(!step.write, "the seq alone waits for the interval");
        assert_eq!(step.release.len(), 2);
        assert_eq!(
            w.deadline(),
            Some(t + MIN_INTERVAL),
            "the save is still owed"
        );
    }

    #[test]
    fn a_withdrawal_never_overtakes_a_held_show() {
        let t = Instant::now();
        let mut w = StateWriter::new(ids(&[]));
        w.written(&ids(&[]), t);
        w.shell_call(show(4));
        w.shell_call(ShellCall::Withdraw(NotificationId(4)));
        assert!(w.step(&ids(&[4]), t).release.is_empty());
        let step = w.step(&ids(&[4]), t + MIN_INTERVAL);
        assert_eq!(
            step.release,
            vec![show(4), ShellCall::Withdraw(NotificationId(4))]
        );
    }

    #[test]
    fn shutdown_owes_a_write_for_anything_unsaved() {
        let t = Instant::now();
        let mut w = StateWriter::new(ids(&[]));
        assert!(!w.shutdown(&ids(&[])));
        w.written(&ids(&[]), t);
        w.shell_call(show(5));
        assert!(w.shutdown(&ids(&[5])));
        w.save_requested();
        assert!(w.shutdown(&ids(&[])));
    }
}

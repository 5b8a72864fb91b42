//! A resume's replay as one batch: the events the agent missed are applied first, and only what
//! is still open at the end of the batch alerts (one each for a few, one catch-up for more).
//! Without this, an agent back from 48 s offline got one notification per missed offer within
//! half a second, most of them for customers already taken, cancelled or timed out.

use super::*;

/// How long a replay may take before what it brought is alerted anyway: the LDS sends the
/// whole replay right after `welcome`, so this only matters if it stops short of `head_seq`.
const REPLAY_GRACE: Duration = Duration::seconds(5);

/// Up to this many new offers found at once (after a snapshot or a replay) alert one each;
/// more become one catch-up summary.
pub(super) const ONE_EACH_UP_TO: usize = 1;

/// A replay in progress.
#[derive(Debug, Clone, Copy)]
pub(super) struct Replay {
    /// The last sequence number of the batch: the `head_seq` of the latest resumed `welcome`.
    until: u64,
    /// Alert what the batch brought at this time even if `until` was not reached (the server
    /// stopped short, or the connection dropped and did not come back).
    deadline: DateTime<Utc>,
    /// Busy before the batch: if the batch ended the session, a catch-up is due.
    was_busy: bool,
}

impl Core {
    /// A resumed `welcome`: events `last_seq + 1 ..= head_seq` follow.
    pub(super) fn start_replay(&mut self, head_seq: u64, now: DateTime<Utc>) {
        if self.last_seq.is_none_or(|last| last >= head_seq) {
            return; // Nothing missed.
        }
        // A replay cut short by a reconnect goes on with the new connection's batch.
        let was_busy = self.replay.map_or(self.busy(), |r| r.was_busy);
        self.replay = Some(Replay {
            until: head_seq,
            deadline: now + REPLAY_GRACE,
            was_busy,
        });
    }

    pub(super) fn replaying(&self) -> bool {
        self.replay.is_some()
    }

    pub(super) fn replay_deadline(&self) -> Option<DateTime<Utc>> {
        self.replay.map(|r| r.deadline)
    }

    /// After each replayed event, and on every timeout: ends the batch when it is complete or
    /// its time is up.
    pub(super) fn check_replay_done(&mut self, now: DateTime<Utc>) {
        let Some(replay) = self.replay else { return };
        let complete = self.last_seq.is_some_and(|last| last >= replay.until);
        if complete || replay.deadline <= now {
            self.replay = None;
            self.alert_backlog(replay.was_busy, now);
            self.push(Output::SaveState);
        }
    }

    /// A snapshot replaced everything (it alerts by itself), or the agent signed out.
    pub(super) fn drop_replay(&mut self) -> Option<bool> {
        self.replay.take().map(|r| r.was_busy)
    }

    /// What came in while the agent was away (a snapshot or a replay), now applied: alerts for
    /// what still waits. `was_busy`: the agent was busy before it.
    pub(super) fn alert_backlog(&mut self, was_busy: bool, now: DateTime<Utc>) {
        if was_busy && !self.busy() {
            self.catch_up(now);
        } else {
            let fresh: Vec<Request> = self
                .queue
                .waiting()
                .filter(|r| self.may_notify(r))
                .cloned()
                .collect();
            if fresh.len() > ONE_EACH_UP_TO {
                self.catch_up(now);
            } else {
                for r in fresh {
                    self.first_alert(&r, now);
                }
            }
        }
        self.withdraw_catch_up_if_done();
    }
}

//! A resume's replay as one batch: the events the agent missed are applied first, and only what
//! is still open at the end of the batch alerts (one each for a few, one catch-up for more).
//! Without this, an agent back from 48 s offline got one notification per missed offer within
//! half a second, most of them for customers already taken, cancelled or timed out.
//!
//! [`ReplayBatch`] is a sub-machine with one deadline: the batch's end if the LDS stops short.
//! It belongs to the resume, not to a desk: where a batch ends is a property of the event
//! stream (sequence numbers after a resumed `welcome`) that every desk shares. When it ends, the
//! machine alerts each desk's backlog (`Core::alert_backlog` for the requests desk).

use super::*;

/// How long a replay may take before what it brought is alerted anyway: the LDS sends the
/// whole replay right after `welcome`, so this only matters if it stops short of `head_seq`.
const REPLAY_GRACE: Duration = Duration::seconds(5);

/// Up to this many new offers found at once (after a snapshot or a replay) alert one each;
/// more become one catch-up summary.
pub(super) const ONE_EACH_UP_TO: usize = 1;

/// A replay in progress.
#[derive(Debug, Clone, Copy)]
struct Batch {
    /// The last sequence number of the batch: the `head_seq` of the latest resumed `welcome`.
    until: u64,
    /// Alert what the batch brought at this time even if `until` was not reached (the server
    /// stopped short, or the connection dropped and did not come back).
    deadline: DateTime<Utc>,
    /// Busy before the batch: if the batch ended the session, a catch-up is due.
    was_busy: bool,
}

/// The batch that just ended: alert its backlog now.
#[derive(Debug, Clone, Copy)]
#[must_use]
pub(super) struct BatchEnded {
    /// The agent was busy before the batch.
    pub(super) was_busy: bool,
}

/// The replay under way, if any.
#[derive(Debug, Default)]
pub(super) struct ReplayBatch {
    current: Option<Batch>,
}

impl ReplayBatch {
    /// A resumed `welcome`: events `last_seq + 1 ..= head_seq` follow. `busy`: the agent is busy
    /// now. A replay cut short by a reconnect goes on with the new connection's batch.
    pub(super) fn start(
        &mut self,
        last_seq: Option<u64>,
        head_seq: u64,
        busy: bool,
        now: DateTime<Utc>,
    ) {
        if last_seq.is_none_or(|last| last >= head_seq) {
            return; // Nothing missed.
        }
        let was_busy = self.current.map_or(busy, |b| b.was_busy);
        self.current = Some(Batch {
            until: head_seq,
            deadline: now + REPLAY_GRACE,
            was_busy,
        });
    }

    pub(super) fn is_running(&self) -> bool {
        self.current.is_some()
    }

    /// A snapshot replaced everything (it alerts by itself), or the agent signed out. Returns
    /// whether the agent was busy before the dropped batch.
    pub(super) fn drop_batch(&mut self) -> Option<bool> {
        self.current.take().map(|b| b.was_busy)
    }

    /// Events up to `last_seq` are applied: ends the batch if that completes it.
    #[must_use]
    pub(super) fn applied_up_to(&mut self, last_seq: Option<u64>) -> Option<BatchEnded> {
        let batch = self.current?;
        if last_seq.is_some_and(|last| last >= batch.until) {
            return self.end();
        }
        None
    }

    fn end(&mut self) -> Option<BatchEnded> {
        self.current.take().map(|b| BatchEnded {
            was_busy: b.was_busy,
        })
    }

    /// When the batch ends if the LDS stops short.
    #[must_use]
    pub(super) fn poll_timeout(&self) -> Option<DateTime<Utc>> {
        self.current.map(|b| b.deadline)
    }

    /// Ends the batch when it is complete or its time is up.
    #[must_use]
    pub(super) fn handle_timeout(
        &mut self,
        last_seq: Option<u64>,
        now: DateTime<Utc>,
    ) -> Option<BatchEnded> {
        let batch = self.current?;
        if batch.deadline <= now {
            return self.end();
        }
        self.applied_up_to(last_seq)
    }
}

impl Core {
    /// A batch ended: what still waits alerts, and the state is saved.
    pub(super) fn replay_ended(&mut self, ended: BatchEnded, now: DateTime<Utc>) {
        self.alert_backlog(ended.was_busy, now);
        self.push(Output::SaveState);
    }

    /// What came in while the agent was away (a snapshot or a replay), now applied: alerts for
    /// what still waits. `was_busy`: the agent was busy before it.
    pub(super) fn alert_backlog(&mut self, was_busy: bool, now: DateTime<Utc>) {
        if was_busy && !self.held() {
            self.catch_up(now);
        } else {
            let fresh: Vec<Request> = self
                .requests
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

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(1_000_000 + secs)
    }

    #[test]
    fn a_batch_ends_when_its_last_event_is_applied() {
        let mut batch = ReplayBatch::default();
        batch.start(Some(3), 6, true, t(0));
        assert!(batch.is_running());
        assert!(batch.applied_up_to(Some(5)).is_none());
        let ended = batch.applied_up_to(Some(6)).expect("complete");
        assert!(ended.was_busy);
        assert!(!batch.is_running());
        assert_eq!(batch.poll_timeout(), None);
    }

    #[test]
    fn a_batch_the_server_stops_short_of_ends_at_its_deadline() {
        let mut batch = ReplayBatch::default();
        batch.start(Some(3), 6, false, t(0));
        let deadline = batch.poll_timeout().expect("a deadline");
        assert_eq!(deadline, t(0) + REPLAY_GRACE);
        assert!(batch
            .handle_timeout(Some(4), deadline - Duration::seconds(1))
            .is_none());
        assert!(batch.handle_timeout(Some(4), deadline).is_some());
        assert!(!batch.is_running());
    }

    #[test]
    fn nothing_missed_starts_no_batch_and_a_reconnect_keeps_the_first_busy() {
        let mut batch = ReplayBatch::default();
        batch.start(Some(6), 6, false, t(0));
        assert!(!batch.is_running());
        batch.start(Some(3), 6, true, t(0));
        // The connection dropped mid-batch; the new welcome's batch goes on from it.
        batch.start(Some(4), 9, false, t(2));
        assert_eq!(batch.poll_timeout(), Some(t(2) + REPLAY_GRACE));
        assert_eq!(batch.drop_batch(), Some(true));
    }
}

//! Opening, timing out and re-opening the connection, and the timeout dispatch to every
//! sub-machine.

use super::*;

impl Core {
    pub(super) fn connect(&mut self, now: DateTime<Utc>) {
        self.link.opening(now);
        self.push(Output::Connect);
        self.changed();
    }

    pub(super) fn on_connected(&mut self, now: DateTime<Utc>) {
        let Some(token) = self.token.clone() else {
            return;
        };
        if !self.link.opened(now) {
            return;
        }
        self.push(Output::Send(ClientFrame::Hello {
            token,
            last_seq: self.applied_seq(),
            device: self.device.clone(),
            protocol: PROTOCOL_VERSION,
        }));
        self.changed();
    }

    /// Drops the connection and retries at once, resuming from the last processed sequence.
    pub(super) fn resync(&mut self, now: DateTime<Utc>) {
        self.push(Output::Disconnect);
        self.connect(now);
    }

    /// Each sub-machine handles what is due at `now`; the core performs what they ask for.
    pub(super) fn on_timeout(&mut self, now: DateTime<Utc>) {
        match self.link.handle_timeout(now) {
            Some(LinkDue::Ping) => self.push(Output::Ping),
            Some(LinkDue::Dead) => {
                self.push(Output::Disconnect);
                self.changed();
            }
            Some(LinkDue::Retry) if self.token.is_some() => self.connect(now),
            Some(LinkDue::Retry) | None => {}
        }
        if let Some(ended) = self.replay.handle_timeout(self.last_seq, now) {
            self.replay_ended(ended, now);
        }
        for id in self.alerts.handle_timeout(now) {
            self.realert(id, now);
        }
        if self.requests.handle_timeout(now) {
            self.changed();
        }
        let counting_down = transfer::countdown_tick(self.session.as_ref(), now).is_some()
            || self.status.poll_timeout(now).is_some();
        if counting_down {
            self.changed(); // the session panel's or the wrap-up's countdown moved on
        }
        if self.dashboard.handle_timeout(now) {
            self.changed();
        }
        if self.chats.handle_timeout(now) {
            self.changed();
        }
    }

    /// The last sequence whose effects are in memory: `last_seq`, if the state came from the
    /// LDS in this process (after a restart only the number is known, not the queue), so only
    /// then can a `hello` resume from it.
    pub(super) fn applied_seq(&self) -> Option<u64> {
        self.last_seq.filter(|_| self.has_server_state)
    }
}

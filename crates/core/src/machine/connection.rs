//! Opening, timing out and re-opening the connection, and every timer the core keeps.

use super::*;

impl Core {
    pub(super) fn connect(&mut self, now: DateTime<Utc>) {
        self.link.state = LinkState::Opening { since: now };
        self.push(Output::Connect);
        self.changed();
    }

    pub(super) fn on_connected(&mut self, now: DateTime<Utc>) {
        let (LinkState::Opening { .. }, Some(token)) = (self.link.state, self.token.clone()) else {
            return;
        };
        self.link.state = LinkState::Handshake { since: now };
        self.link.heard(now);
        self.push(Output::Send(ClientFrame::Hello {
            token,
            last_seq: self.last_seq.filter(|_| self.has_server_state),
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

    pub(super) fn on_timeout(&mut self, now: DateTime<Utc>) {
        // The connection.
        match self.link.state {
            LinkState::Opening { since } | LinkState::Handshake { since }
                if since + dead_after() <= now =>
            {
                self.push(Output::Disconnect);
                self.link.go_offline(now);
                self.changed();
            }
            LinkState::CatchingUp { .. } | LinkState::Synced { .. } => {
                if self.link.last_heard + dead_after() <= now {
                    // Nothing for DEAD_AFTER_SECS, not even a pong: the socket is a corpse.
                    self.push(Output::Disconnect);
                    self.link.go_offline(now);
                    self.changed();
                } else if self.link.last_heard.max(self.link.last_ping) + heartbeat() <= now {
                    self.link.last_ping = now;
                    self.push(Output::Ping);
                }
            }
            LinkState::Offline { retry_at, .. } if retry_at <= now && self.token.is_some() => {
                self.connect(now)
            }
            _ => {}
        }
        // A replay that did not reach its end in time.
        self.check_replay_done(now);
        // Re-alerts.
        for id in self.alerts.due(now) {
            self.realert(id, now);
        }
        // Rows that change by themselves.
        if self.queue.fire_timers(now) {
            self.changed();
        }
    }

    pub(super) fn queue_next_change(&self) -> Option<DateTime<Utc>> {
        // A scan of the queue; `benches/core.rs` measures it with 10,000 requests.
        self.queue.next_change(self.now)
    }
}

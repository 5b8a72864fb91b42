//! The notification rules: when to alert, re-alert, summarise and withdraw.

use super::*;

impl Core {
    /// The seeds' rules: signed in, notifications on, not busy for inbound/scheduled kinds, and
    /// never twice for one request.
    pub(super) fn may_notify(&self, r: &Request) -> bool {
        self.token.is_some()
            && self.settings.notifications
            && r.state == RequestState::Pending
            && self.status.is_available()
            && !(self.busy() && r.kind.quiet_while_busy())
            && !self.alerts.was_notified(r.id)
    }

    pub(super) fn first_alert(&mut self, r: &Request, now: DateTime<Utc>) {
        if !self.alerts.mark_notified(r.id) {
            return;
        }
        let who =
            copy::customer_with_contact(&r.customer, r.contact.as_ref(), self.settings.mask_phone);
        let later = copy::due_later(r, now, self.time_zone());
        let due = later.as_deref().map_or(copy::Due::Now, copy::Due::At);
        let (title, body) = match (&r.transfer_from, r.expires_at) {
            (Some(from), Some(until)) if r.kind == RequestKind::Transfer => copy::transfer_alert(
                &copy::person_name(&from.name),
                &who,
                &copy::time_left(until, now),
            ),
            _ => copy::first_alert(r.kind, &who, due),
        };
        self.push(Output::Notify(Notification {
            id: notification_id(r.id),
            request: Some(r.id),
            title,
            body,
            sound: self.settings.sound,
            urgency: 0,
            conversation: None,
        }));
        self.alerts
            .shown(r.id, now, self.realert_every(), self.settings.realert_max);
    }

    pub(super) fn realert(&mut self, id: RequestId, now: DateTime<Utc>) {
        let still_waiting = self
            .requests
            .queue
            .get(id)
            .filter(|r| r.state == RequestState::Pending)
            .cloned();
        let Some(r) = still_waiting else {
            self.withdraw(id);
            return;
        };
        if self.held() || !self.settings.notifications {
            // Nothing the agent can do about it now; the catch-up covers it when free.
            self.alerts.postpone(id, now + self.realert_every());
            return;
        }
        let urgency =
            self.alerts
                .realerted(id, now, self.realert_every(), self.settings.realert_max);
        let who =
            copy::customer_with_contact(&r.customer, r.contact.as_ref(), self.settings.mask_phone);
        let (title, body) = copy::re_alert(r.kind, &who, waiting_since(&r), now);
        self.push(Output::Notify(Notification {
            id: notification_id(id),
            request: Some(id),
            title,
            body,
            sound: self.settings.sound,
            urgency,
            conversation: None,
        }));
    }

    /// One summary instead of a burst: the agent just became free, or came back to many offers.
    pub(super) fn catch_up(&mut self, now: DateTime<Utc>) {
        if self.token.is_none() || !self.settings.notifications {
            return;
        }
        let waiting: Vec<(RequestId, DateTime<Utc>)> = self
            .requests
            .queue
            .waiting()
            .map(|r| (r.id, waiting_since(r)))
            .collect();
        let Some(oldest) = waiting.iter().map(|w| w.1).min() else {
            return;
        };
        for (id, _) in &waiting {
            self.alerts.mark_notified(*id);
        }
        let (title, body) = copy::catch_up(waiting.len(), oldest, now);
        self.alerts.catch_up_shown();
        self.push(Output::Notify(Notification {
            id: CATCH_UP_ID,
            request: None,
            title,
            body,
            sound: self.settings.sound,
            urgency: 0,
            conversation: None,
        }));
    }

    pub(super) fn withdraw(&mut self, id: RequestId) {
        if let Some(nid) = self.alerts.withdraw(id) {
            self.push(Output::Withdraw(nid));
        }
    }

    pub(super) fn withdraw_catch_up_if_done(&mut self) {
        // The flag first: this runs after every event, and the scan is not free.
        if !self.alerts.catch_up_on_screen() || self.requests.queue.waiting().next().is_some() {
            return;
        }
        if let Some(nid) = self.alerts.withdraw_catch_up() {
            self.push(Output::Withdraw(nid));
        }
    }

    pub(super) fn realert_every(&self) -> Duration {
        Duration::seconds(i64::from(self.settings.realert_secs.max(MIN_REALERT_SECS)))
    }
}

//! Which requests were notified, which notifications are on screen, and when to re-alert.
//! The decision *whether* to notify (signed in, busy, settings) is the machine's; this keeps the
//! memory that makes "never two for the same request" and "withdraw what is shown" hold.
//!
//! A sub-machine for its one deadline, the re-alerts: [`Alerts::poll_timeout`] is the soonest,
//! [`Alerts::handle_timeout`] hands over the ones due, and the machine answers each with
//! [`Alerts::realerted`], [`Alerts::postpone`] or [`Alerts::withdraw`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::RequestId;

use crate::notification::NotificationId;
use crate::saved::NOTIFIED_MEMORY;

/// The catch-up summary's id: request ids start at 1, so 0 never collides with one.
pub const CATCH_UP_ID: NotificationId = NotificationId(0);

/// The notification id of a conversation's new messages: negative, so it never collides with a
/// request's (positive) or the catch-up's (0).
pub fn chat_notification_id(conversation: headsup_protocol::ConversationId) -> NotificationId {
    NotificationId(-((conversation.0 as i32) & i32::MAX).max(1))
}

/// The notification id of a request. Ids beyond `i32` wrap, which only matters after two
/// billion requests, and then only for replacing the right notification.
pub fn notification_id(request: RequestId) -> NotificationId {
    NotificationId(request.0 as i32)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveAlert {
    /// How many re-alerts were shown so far.
    pub urgency: u8,
    /// When to re-alert next (`None`: no more re-alerts).
    pub next_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct Alerts {
    notified: BTreeSet<RequestId>,
    live: BTreeMap<RequestId, LiveAlert>,
    /// `live`'s re-alert times, ordered, so the next one is found without a scan.
    schedule: BTreeSet<(DateTime<Utc>, RequestId)>,
    /// The catch-up summary is on screen.
    catch_up_live: bool,
    /// Chat notifications on screen (one per conversation with unread messages).
    chats_live: BTreeSet<NotificationId>,
}

impl Alerts {
    pub fn from_saved(notified: BTreeSet<RequestId>) -> Self {
        Alerts {
            notified,
            ..Alerts::default()
        }
    }

    pub fn notified(&self) -> &BTreeSet<RequestId> {
        &self.notified
    }

    pub fn was_notified(&self, id: RequestId) -> bool {
        self.notified.contains(&id)
    }

    /// Remembers that `id` has had its one notification. Returns false if it already had.
    pub fn mark_notified(&mut self, id: RequestId) -> bool {
        let fresh = self.notified.insert(id);
        while self.notified.len() > NOTIFIED_MEMORY {
            self.notified.pop_first();
        }
        fresh
    }

    /// A notification for `id` is now on screen; re-alert `max` times every `every`.
    pub fn shown(&mut self, id: RequestId, now: DateTime<Utc>, every: Duration, max: u32) {
        let next_at = (max > 0).then_some(now + every);
        self.set(
            id,
            LiveAlert {
                urgency: 0,
                next_at,
            },
        );
    }

    fn set(&mut self, id: RequestId, alert: LiveAlert) {
        if let Some(old) = self.live.insert(id, alert).and_then(|a| a.next_at) {
            self.schedule.remove(&(old, id));
        }
        if let Some(at) = alert.next_at {
            self.schedule.insert((at, id));
        }
    }

    /// Takes the notification of `id` off the books; returns its id if one was on screen.
    pub fn withdraw(&mut self, id: RequestId) -> Option<NotificationId> {
        let alert = self.live.remove(&id)?;
        if let Some(at) = alert.next_at {
            self.schedule.remove(&(at, id));
        }
        Some(notification_id(id))
    }

    /// Every notification on screen, cleared (logout, notifications turned off).
    pub fn withdraw_all(&mut self) -> Vec<NotificationId> {
        let mut ids: Vec<_> = self.live.keys().map(|&id| notification_id(id)).collect();
        self.live.clear();
        self.schedule.clear();
        ids.extend(self.withdraw_catch_up());
        ids.extend(std::mem::take(&mut self.chats_live));
        ids
    }

    /// A chat notification is on screen (raised or replaced).
    pub fn chat_shown(&mut self, id: NotificationId) {
        self.chats_live.insert(id);
    }

    /// Takes a chat notification off the books; returns its id if it was on screen.
    pub fn withdraw_chat(&mut self, id: NotificationId) -> Option<NotificationId> {
        self.chats_live.remove(&id).then_some(id)
    }

    pub fn live_ids(&self) -> impl Iterator<Item = RequestId> + '_ {
        self.live.keys().copied()
    }

    /// Takes the re-alerts due at `now` off the schedule and returns them. Each stays on screen
    /// with no re-alert planned until the machine decides: [`Alerts::realerted`] (shown again),
    /// [`Alerts::postpone`] (not now) or [`Alerts::withdraw`] (no longer waiting).
    #[must_use]
    pub fn handle_timeout(&mut self, now: DateTime<Utc>) -> Vec<RequestId> {
        let mut due = Vec::new();
        while let Some(&(at, id)) = self.schedule.first() {
            if at > now {
                break;
            }
            self.schedule.pop_first();
            if let Some(alert) = self.live.get_mut(&id) {
                alert.next_at = None;
            }
            due.push(id);
        }
        due
    }

    /// Records a re-alert shown at `now`; returns the new urgency.
    pub fn realerted(
        &mut self,
        id: RequestId,
        now: DateTime<Utc>,
        every: Duration,
        max: u32,
    ) -> u8 {
        let mut alert = self.live[&id];
        alert.urgency = alert.urgency.saturating_add(1);
        alert.next_at = (u32::from(alert.urgency) < max).then_some(now + every);
        self.set(id, alert);
        alert.urgency
    }

    /// Pushes a re-alert back (the agent is busy: alerting now would only distract).
    pub fn postpone(&mut self, id: RequestId, until: DateTime<Utc>) {
        if let Some(&alert) = self.live.get(&id) {
            self.set(
                id,
                LiveAlert {
                    next_at: Some(until),
                    ..alert
                },
            );
        }
    }

    /// When the next re-alert is due.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<DateTime<Utc>> {
        self.schedule.first().map(|&(at, _)| at)
    }

    /// The catch-up summary is on screen now.
    pub fn catch_up_shown(&mut self) {
        self.catch_up_live = true;
    }

    pub fn catch_up_on_screen(&self) -> bool {
        self.catch_up_live
    }

    /// Takes the catch-up summary off the books; returns its id if it was on screen.
    pub fn withdraw_catch_up(&mut self) -> Option<NotificationId> {
        std::mem::take(&mut self.catch_up_live).then_some(CATCH_UP_ID)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(1_000_000 + secs)
    }

    #[test]
    fn due_re_alerts_are_handed_over_once_and_the_next_one_is_polled() {
        let mut alerts = Alerts::default();
        let every = Duration::seconds(30);
        alerts.shown(RequestId(1), t(0), every, 3);
        alerts.shown(RequestId(2), t(10), every, 3);
        assert_eq!(alerts.poll_timeout(), Some(t(30)));
        assert!(alerts.handle_timeout(t(29)).is_empty());
        assert_eq!(alerts.handle_timeout(t(30)), vec![RequestId(1)]);
        // Handed over and not yet answered: not due again, the other one is next.
        assert!(alerts.handle_timeout(t(30)).is_empty());
        assert_eq!(alerts.poll_timeout(), Some(t(40)));
        assert_eq!(alerts.realerted(RequestId(1), t(30), every, 3), 1);
        assert_eq!(alerts.poll_timeout(), Some(t(40)));
        assert_eq!(
            alerts.handle_timeout(t(60)),
            vec![RequestId(2), RequestId(1)]
        );
        alerts.postpone(RequestId(2), t(90));
        assert_eq!(
            alerts.withdraw(RequestId(1)),
            Some(notification_id(RequestId(1)))
        );
        assert_eq!(alerts.poll_timeout(), Some(t(90)));
    }

    #[test]
    fn the_catch_up_summary_is_withdrawn_once() {
        let mut alerts = Alerts::default();
        assert_eq!(alerts.withdraw_catch_up(), None);
        alerts.catch_up_shown();
        assert_eq!(alerts.withdraw_all(), vec![CATCH_UP_ID]);
        assert_eq!(alerts.withdraw_catch_up(), None);
    }
}

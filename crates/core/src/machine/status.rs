//! The agent's status: what the LDS last said it is, the team's reasons, and the rules that
//! follow from it (nothing is notified and nothing taken while not ready; becoming available
//! again raises one catch-up for what waited).

use headsup_protocol::model::{
    AgentStatus, Availability, Disposition, StatusReason, WrapUp, MISSED_OFFERS,
};
use headsup_protocol::view::{StatusView, WrapUpView};

use super::*;
use crate::plain_text;

/// The status sub-machine. The LDS decides every change; its one deadline is the next second of a
/// wrap-up's countdown on screen.
#[derive(Debug, Default)]
pub(super) struct Status {
    current: AgentStatus,
    reasons: Vec<StatusReason>,
}

impl Status {
    pub(super) fn is_available(&self) -> bool {
        self.current.is_available()
    }

    /// Takes a snapshot's status as it is; the caller alerts the backlog.
    pub(super) fn replace(&mut self, status: AgentStatus) {
        self.current = status;
    }

    pub(super) fn set_reasons(&mut self, reasons: Vec<StatusReason>) {
        self.reasons = reasons;
    }

    /// The reason's label, as the agent reads it (the code when the list does not have it).
    fn reason_label(&self, code: &str) -> String {
        if code == MISSED_OFFERS {
            return "Missed offers".to_string();
        }
        let label = self
            .reasons
            .iter()
            .find(|r| r.code == code)
            .map_or(code, |r| r.label.as_str());
        plain_text::one_line(label)
    }

    /// The wrap-up in progress, if any.
    pub(super) fn wrap_up(&self) -> Option<&WrapUp> {
        self.current.wrap_up.as_ref()
    }

    /// Whether `reason` is on the team's list.
    pub(super) fn knows(&self, reason: &str) -> bool {
        self.reasons.iter().any(|r| r.code == reason)
    }

    /// The next moment the wrap-up's countdown reads differently, during a wrap-up.
    #[must_use]
    pub(super) fn poll_timeout(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        copy::next_countdown_tick(self.wrap_up()?.until, now)
    }

    pub(super) fn view(&self, tz: Tz, now: DateTime<Utc>) -> StatusView {
        let label = match (&self.current.availability, &self.current.reason) {
            (Availability::NotReady, Some(code)) => {
                format!("Not ready: {}", self.reason_label(code))
            }
            (Availability::NotReady, None) => "Not ready".to_string(),
            (Availability::WrapUp, _) => "Wrap-up".to_string(),
            (Availability::Available, _) => "Available".to_string(),
        };
        StatusView {
            availability: self.current.availability,
            label,
            reason: self.current.reason.clone(),
            reasons: plain_labels(
                &self.reasons,
                |r| (&r.code, &r.label),
                |code, label| StatusReason { code, label },
            ),
            since: self
                .current
                .since
                .map(|t| format!("since {}", t.with_timezone(&tz).format("%H:%M"))),
            wrap_up: self.current.wrap_up.as_ref().map(|w| WrapUpView {
                required: w.required,
                dispositions: plain_labels(
                    &w.dispositions,
                    |d| (&d.code, &d.label),
                    |code, label| Disposition { code, label },
                ),
                closes_text: format!(
                    "Closes by itself in {} (at {})",
                    copy::time_left(w.until, now),
                    w.until.with_timezone(&tz).format("%H:%M:%S")
                ),
            }),
        }
    }
}

/// Codes and labels admins typed (reasons, dispositions), each label as one plain line.
fn plain_labels<T>(
    items: &[T],
    parts: impl Fn(&T) -> (&String, &String),
    make: impl Fn(String, String) -> T,
) -> Vec<T> {
    items
        .iter()
        .map(|item| {
            let (code, label) = parts(item);
            make(code.clone(), plain_text::one_line(label))
        })
        .collect()
}

impl Core {
    /// Busy or not ready: offers wait quietly, and nothing may be taken.
    pub(super) fn held(&self) -> bool {
        self.busy() || !self.status.is_available()
    }

    /// The LDS's word on the status (a snapshot or `status_changed`). Going not ready takes every
    /// alert off the screen; coming back raises one catch-up for what waits (unless a replay is
    /// running: its end alerts the backlog).
    pub(super) fn set_status(&mut self, status: AgentStatus, now: DateTime<Utc>) {
        let was_held = self.held();
        self.status.current = status;
        if !self.status.is_available() {
            for id in self.alerts.withdraw_all() {
                self.push(Output::Withdraw(id));
            }
        } else if was_held && !self.held() && !self.replay.is_running() {
            self.catch_up(now);
        }
    }
}

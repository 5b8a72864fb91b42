//! The owner's side of a transfer: the picker (whom to, asked from the LDS when it opens) and
//! the countdown on the session panel while a transfer waits. What happens to the customer is
//! the LDS's to decide; it arrives as the session's `transfer`.

use headsup_protocol::model::{Availability, Colleague, TransferOutcome, TransferTarget};
use headsup_protocol::view::{TransferOption, TransferPickerView};

use super::*;
use crate::plain_text;

/// The transfer picker: closed, or open with the LDS's answer (none yet while loading).
#[derive(Debug, Default)]
pub(super) struct TransferPicker {
    open: bool,
    targets: Option<TransferTargets>,
}

impl TransferPicker {
    pub(super) fn open(&mut self) {
        self.open = true;
        self.targets = None;
    }

    pub(super) fn close(&mut self) {
        *self = TransferPicker::default();
    }

    /// The LDS's answer to `transfer_targets`; dropped when the picker was closed meanwhile.
    pub(super) fn answered(&mut self, targets: TransferTargets) {
        if self.open {
            self.targets = Some(targets);
        }
    }

    pub(super) fn view(&self) -> Option<TransferPickerView> {
        if !self.open {
            return None;
        }
        let Some(targets) = &self.targets else {
            return Some(TransferPickerView {
                loading: true,
                options: Vec::new(),
            });
        };
        let agents = targets.agents.iter().map(|c| TransferOption {
            target: TransferTarget::Agent(c.id),
            label: colleague_label(c),
        });
        let queues = targets.queues.iter().map(|q| TransferOption {
            target: TransferTarget::Queue(q.clone()),
            label: format!("Queue: {}", plain_text::one_line(q)),
        });
        Some(TransferPickerView {
            loading: false,
            options: agents.chain(queues).collect(),
        })
    }
}

/// "Bo (available)", "Cy (in a session)", "Di (not ready)".
fn colleague_label(c: &Colleague) -> String {
    let doing = match (c.in_session, c.availability) {
        (true, _) => "in a session",
        (false, Availability::Available) => "available",
        (false, Availability::NotReady) => "not ready",
        (false, Availability::WrapUp) => "wrapping up",
    };
    format!("{} ({doing})", copy::person_name(&c.name))
}

/// The moment the session panel's transfer countdown next reads differently, while the agent's
/// own session has a transfer waiting.
pub(super) fn countdown_tick(
    session: Option<&Session>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let transfer = session?.transfer.as_ref()?;
    if transfer.outcome != TransferOutcome::Waiting {
        return None;
    }
    copy::next_countdown_tick(transfer.until, now)
}

/// The session panel's words for the session's latest transfer.
pub(super) fn text(session: &Session, now: DateTime<Utc>) -> Option<String> {
    let t = session.transfer.as_ref()?;
    let to = plain_text::one_line(&t.to);
    Some(copy::transfer_outcome(
        &to,
        &t.outcome,
        &copy::time_left(t.until, now),
    ))
}

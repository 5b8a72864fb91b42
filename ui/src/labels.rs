//! The words the agent reads for values the app sends. Wording only: which status a row has is
//! the core's decision, how "timed out" is spelled is ours.

use headsup_protocol::model::{LegState, RequestKind, SessionState};
use headsup_protocol::view::{QueueRow, RowStatus};

pub fn kind(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::CallNow => "Call now",
        RequestKind::ScheduledByCustomer => "Scheduled by customer",
        RequestKind::ScheduledByAgent => "Scheduled by agent",
        RequestKind::CallMeBack => "Call me back",
        RequestKind::InboundCall => "Inbound call",
        RequestKind::ChatInbound => "Chat",
    }
}

/// The core's words for an open row ("Waiting now", "Booked for Tue 3 Mar, 14:30"); for older
/// views without them, and for closed rows: "Now", "Scheduled 14:30", "Timed out", "Taken by
/// Bo", "Cancelled".
pub fn status(row: &QueueRow) -> String {
    if !row.status_text.is_empty() {
        return row.status_text.clone();
    }
    match &row.status {
        RowStatus::Now => "Now".into(),
        RowStatus::Scheduled => match &row.due_local {
            Some(due) => format!("Scheduled {due}"),
            None => "Scheduled".into(),
        },
        RowStatus::TimedOut => "Timed out".into(),
        RowStatus::Taken { by } => format!("Taken by {by}"),
        RowStatus::Cancelled => "Cancelled".into(),
    }
}

/// The `data-status` attribute (stable, for tests and CSS).
pub fn status_attr(status: &RowStatus) -> &'static str {
    match status {
        RowStatus::Now => "now",
        RowStatus::Scheduled => "scheduled",
        RowStatus::TimedOut => "timed_out",
        RowStatus::Taken { .. } => "taken",
        RowStatus::Cancelled => "cancelled",
    }
}

pub fn leg(state: LegState) -> &'static str {
    match state {
        LegState::Ringing => "Ringing",
        LegState::Answered => "Answered",
        LegState::Failed => "Failed",
        LegState::HungUp => "Hung up",
    }
}

pub fn session(state: SessionState) -> &'static str {
    match state {
        SessionState::Connecting => "Connecting",
        SessionState::Bridged => "Bridged",
        SessionState::Ended => "Ended",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use headsup_protocol::RequestId;

    fn row(status: RowStatus, due_local: Option<&str>) -> QueueRow {
        QueueRow {
            id: RequestId(1),
            kind: RequestKind::ScheduledByCustomer,
            label: "Ana".into(),
            status,
            blinking: false,
            created_at: DateTime::from_timestamp(0, 0).unwrap(),
            due_local: due_local.map(String::from),
            section: Default::default(),
            status_text: String::new(),
        }
    }

    #[test]
    fn status_texts_match_the_screens() {
        assert_eq!(status(&row(RowStatus::Now, None)), "Now");
        assert_eq!(
            status(&row(RowStatus::Scheduled, Some("14:30"))),
            "Scheduled 14:30"
        );
        assert_eq!(status(&row(RowStatus::TimedOut, None)), "Timed out");
        let taken = RowStatus::Taken { by: "Bo".into() };
        assert_eq!(status(&row(taken, None)), "Taken by Bo");
        let worded = QueueRow {
            status_text: "Booked call, due now".into(),
            ..row(RowStatus::Scheduled, Some("14:30"))
        };
        assert_eq!(status(&worded), "Booked call, due now");
    }

    #[test]
    fn status_attr_is_the_wire_name() {
        // The e2e tests select on these; they must stay the protocol's snake_case names.
        for (status, name) in [
            (RowStatus::Now, "now"),
            (RowStatus::Scheduled, "scheduled"),
            (RowStatus::TimedOut, "timed_out"),
            (RowStatus::Taken { by: "Bo".into() }, "taken"),
            (RowStatus::Cancelled, "cancelled"),
        ] {
            let wire = serde_json::to_value(&status).unwrap();
            assert_eq!(wire["status"], name);
            assert_eq!(status_attr(&status), name);
        }
    }
}

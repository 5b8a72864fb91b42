//! One request row: what it is, its status, and the buttons to take or reject it.
//!
//! A component of its own with `PartialEq` props (the row is one `Rc`), so when a view changes
//! one row among thousands, Yew re-renders that row only.

use crate::labels;
use headsup_protocol::view::{QueueRow, RowStatus};
use std::rc::Rc;
use yew::prelude::*;

/// Whether a click on this row should accept it: an offer the agent can take now.
pub fn can_take(row: &QueueRow, busy: bool) -> bool {
    !busy && (row.blinking || row.status == RowStatus::Now)
}

/// Whether the row has a reject button.
pub fn can_reject(row: &QueueRow) -> bool {
    matches!(row.status, RowStatus::Now | RowStatus::Scheduled)
}

/// Whether the keyboard can land on the row (it has an enabled button).
pub fn can_focus(row: &QueueRow, busy: bool) -> bool {
    can_take(row, busy) || can_reject(row)
}

#[derive(Properties, PartialEq)]
pub struct RequestRowProps {
    pub row: Rc<QueueRow>,
    pub busy: bool,
    /// 1-based place in the whole list and the list's length: with only part of a long list in
    /// the DOM, screen readers learn "row 4,012 of 5,000" from these, not from counting.
    pub position: usize,
    pub set_size: usize,
}

#[function_component]
pub fn RequestRow(props: &RequestRowProps) -> Html {
    let row = &*props.row;
    let takeable = can_take(row, props.busy);
    let kind = labels::kind(row.kind);
    let status = labels::status(row);
    let aria_label = if takeable {
        format!("{}, {kind}, {status}. Accept", row.label)
    } else {
        format!("{}, {kind}, {status}", row.label)
    };
    html! {
        <li class={classes!("request-row", row.blinking.then_some("blinking"))}
            data-request-id={row.id.0.to_string()}
            data-kind={row.kind.as_str()}
            data-status={labels::status_attr(&row.status)}
            aria-posinset={props.position.to_string()}
            aria-setsize={props.set_size.to_string()}>
            // A real button: Tab reaches it, Enter and Space press it, screen readers say
            // "button". Not takeable rows keep it disabled (readable, not clickable).
            <button type="button" class="row-main" disabled={!takeable} aria-label={aria_label}>
                <span class="marker" aria-hidden="true">{ "●" }</span>
                <span class="label">{ &row.label }</span>
                <span class="kind">{ kind }</span>
                <span class="status">{ status }</span>
            </button>
            if can_reject(row) {
                <button type="button" class="reject" title="Not for me"
                        aria-label={format!("Reject {}", row.label)}>{ "✕" }</button>
            } else {
                // Keeps the columns of closed rows aligned with the open ones.
                <span class="reject-slot" aria-hidden="true"></span>
            }
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use headsup_protocol::model::RequestKind;
    use headsup_protocol::RequestId;

    fn row(status: RowStatus, blinking: bool) -> QueueRow {
        QueueRow {
            id: RequestId(9),
            kind: RequestKind::ScheduledByAgent,
            label: "Ana".into(),
            status,
            blinking,
            created_at: DateTime::from_timestamp(0, 0).unwrap(),
            due_local: Some("14:30".into()),
            section: Default::default(),
            status_text: String::new(),
        }
    }

    #[test]
    fn takes_offers_and_due_calls_unless_busy() {
        assert!(can_take(&row(RowStatus::Now, false), false));
        assert!(
            can_take(&row(RowStatus::Scheduled, true), false),
            "a due call blinks"
        );
        assert!(!can_take(&row(RowStatus::Scheduled, false), false));
        assert!(!can_take(&row(RowStatus::TimedOut, false), false));
        assert!(!can_take(&row(RowStatus::Now, true), true), "busy refuses");
    }

    #[test]
    fn only_open_rows_can_be_rejected() {
        assert!(can_reject(&row(RowStatus::Now, true)));
        assert!(can_reject(&row(RowStatus::Scheduled, false)));
        assert!(!can_reject(&row(
            RowStatus::Taken { by: "Bo".into() },
            false
        )));
        assert!(!can_reject(&row(RowStatus::Cancelled, false)));
    }

    #[test]
    fn closed_rows_take_no_keyboard_focus() {
        assert!(
            can_focus(&row(RowStatus::Scheduled, false), true),
            "reject stays"
        );
        assert!(!can_focus(&row(RowStatus::TimedOut, false), false));
        assert!(!can_focus(&row(RowStatus::Cancelled, false), false));
    }
}

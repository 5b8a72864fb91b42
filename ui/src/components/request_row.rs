//! One request row: what it is, its status, and the buttons to take or reject it. Which buttons
//! work and their words come ready from the core (`QueueRow::actions`).
//!
//! A component of its own with `PartialEq` props (the row is one `Rc`), so when a view changes
//! one row among thousands, Yew re-renders that row only.

use crate::labels;
use headsup_protocol::view::QueueRow;
use std::rc::Rc;
use yew::prelude::*;

/// Whether the keyboard can land on the row (it has an enabled button). The flags are the core's.
pub fn can_focus(row: &QueueRow) -> bool {
    row.actions.can_take || row.actions.can_reject
}

#[derive(Properties, PartialEq)]
pub struct RequestRowProps {
    pub row: Rc<QueueRow>,
    /// 1-based place in the whole list and the list's length: with only part of a long list in
    /// the DOM, screen readers learn "row 4,012 of 5,000" from these, not from counting.
    pub position: usize,
    pub set_size: usize,
}

#[function_component]
pub fn RequestRow(props: &RequestRowProps) -> Html {
    let row = &*props.row;
    let actions = &row.actions;
    html! {
        <li class={classes!("request-row", row.blinking.then_some("blinking"))}
            data-request-id={row.id.0.to_string()}
            data-kind={row.kind.as_str()}
            data-status={labels::status_attr(&row.status)}
            aria-posinset={props.position.to_string()}
            aria-setsize={props.set_size.to_string()}>
            // A real button: Tab reaches it, Enter and Space press it, screen readers say
            // "button". Not takeable rows keep it disabled (readable, not clickable).
            <button type="button" class="row-main" disabled={!actions.can_take}
                    aria-label={actions.take_label.clone()}>
                <span class="marker" aria-hidden="true"></span>
                // Text in the order of the button's name (the stylesheet shows the kind before
                // the status), with spaces that keep the words apart: the visible words must be
                // one run of the name (WCAG 2.5.3, label in name).
                <span class="label">{ &row.label }</span>{ " " }
                <span class="status">{ &row.status_text }</span>{ " " }
                <span class="kind">{ &row.kind_label }</span>
            </button>
            if actions.can_reject {
                <button type="button" class="reject" title="Not for me"
                        aria-label={actions.reject_label.clone()}>{ "✕" }</button>
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
    use headsup_protocol::view::{RowActions, RowStatus};
    use headsup_protocol::RequestId;

    fn row(can_take: bool, can_reject: bool) -> QueueRow {
        QueueRow {
            id: RequestId(9),
            kind: RequestKind::ScheduledByAgent,
            label: "Ana".into(),
            status: RowStatus::Scheduled,
            blinking: false,
            created_at: DateTime::from_timestamp(0, 0).unwrap(),
            due_local: Some("14:30".into()),
            section: Default::default(),
            status_text: String::new(),
            kind_label: "Scheduled by agent".into(),
            actions: RowActions {
                can_take,
                can_reject,
                ..RowActions::default()
            },
        }
    }

    #[test]
    fn the_keyboard_lands_on_rows_with_an_enabled_button() {
        assert!(can_focus(&row(true, true)));
        assert!(can_focus(&row(false, true)), "reject stays");
        assert!(can_focus(&row(true, false)));
        assert!(!can_focus(&row(false, false)), "closed rows take no focus");
    }
}

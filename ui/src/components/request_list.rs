//! A list of request rows (the pending queue and the scheduled calls share it).
//!
//! Built for thousands of rows: rows are keyed by request id, each row's props are one `Rc`
//! (an unchanged row is not re-rendered), and the list has one click handler for all rows
//! (event delegation) instead of two closures per row.

use crate::labels;
use crate::state::Rows;
use headsup_protocol::view::{QueueRow, RowStatus};
use headsup_protocol::RequestId;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// What the agent did to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    /// Clicked (or pressed Enter on) the row: accept it.
    Take(RequestId),
    /// The small reject button: not for me.
    Reject(RequestId),
}

#[derive(Properties, PartialEq)]
pub struct RequestListProps {
    /// The element id (`queue` or `scheduled`); tests and the focus scroller look rows up by it.
    pub id: AttrValue,
    pub label: AttrValue,
    pub rows: Rows,
    pub busy: bool,
    pub on_action: Callback<RowAction>,
}

#[function_component]
pub fn RequestList(props: &RequestListProps) -> Html {
    let onclick = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(action) = action_at(e.target()) {
                on_action.emit(action);
            }
        })
    };
    html! {
        <ul id={&props.id} class="request-list" aria-label={&props.label} {onclick}>
            { for props.rows.iter().map(|row| html! {
                <RequestRow key={row.id.0} row={Rc::clone(row)} busy={props.busy} />
            }) }
        </ul>
    }
}

/// Which row, and which part of it, a click landed on.
fn action_at(target: Option<web_sys::EventTarget>) -> Option<RowAction> {
    let target: Element = target?.dyn_into().ok()?;
    let row = target.closest("li.request-row").ok()??;
    let id = RequestId(row.get_attribute("data-request-id")?.parse().ok()?);
    if target.closest(".reject").ok()?.is_some() {
        return Some(RowAction::Reject(id));
    }
    Some(RowAction::Take(id))
}

/// Whether a click on this row should accept it: an offer the agent can take now.
pub fn can_take(row: &QueueRow, busy: bool) -> bool {
    !busy && (row.blinking || row.status == RowStatus::Now)
}

fn can_reject(row: &QueueRow) -> bool {
    matches!(row.status, RowStatus::Now | RowStatus::Scheduled)
}

#[derive(Properties, PartialEq)]
struct RequestRowProps {
    row: Rc<QueueRow>,
    busy: bool,
}

#[function_component]
fn RequestRow(props: &RequestRowProps) -> Html {
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
            data-status={labels::status_attr(&row.status)}>
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

    fn row(status: RowStatus, blinking: bool) -> QueueRow {
        QueueRow {
            id: RequestId(9),
            kind: RequestKind::ScheduledByAgent,
            label: "Ana".into(),
            status,
            blinking,
            created_at: DateTime::from_timestamp(0, 0).unwrap(),
            due_local: Some("14:30".into()),
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
}

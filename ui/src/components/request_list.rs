//! A list of request rows (the pending queue and the scheduled calls share it).
//!
//! Built for thousands of rows:
//! - only the rows on screen and a margin around them are in the DOM (`virtual_rows`); padding
//!   above and below stands in for the others, so the page scrolls as if all were there. Short
//!   lists (up to [`ALL_ROWS_UP_TO`]) are rendered whole;
//! - rows are keyed by request id and are components with `Rc` props, so a view that changes
//!   one row re-renders one row;
//! - one click handler for the whole list (event delegation) instead of two closures per row.
//!
//! The page's own scroll is used (no inner scroll box), so the list reads its place on screen
//! from the window's `scroll` and `resize` events.

use super::request_row::{can_focus, RequestRow};
use crate::state::Rows;
use crate::virtual_rows::{
    centred_on, clamp, next_window, padding, Viewport, ALL_ROWS_UP_TO, OVERSCAN, ROW_PITCH_PX,
};
use gloo_events::EventListener;
use headsup_protocol::RequestId;
use std::ops::Range;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, ScrollIntoViewOptions, ScrollLogicalPosition};
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
    /// The element id (`queue` or `scheduled`); tests look rows up by it.
    pub id: AttrValue,
    pub label: AttrValue,
    pub rows: Rows,
    pub on_action: Callback<RowAction>,
    /// A row to bring into view and give the keyboard focus (a tapped notification). Ignored
    /// if it is not in this list.
    #[prop_or_default]
    pub focus: Option<RequestId>,
}

/// A row that should get the keyboard focus as soon as it is in the DOM.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PendingFocus {
    id: RequestId,
    /// Scroll it to the middle of the screen (a tap: "show me this one"), not just into view.
    centre: bool,
}

/// What the window listeners need to know about the latest render.
#[derive(Default)]
struct Rendered {
    total: usize,
    window: Range<usize>,
}

#[function_component]
pub fn RequestList(props: &RequestListProps) -> Html {
    let list_ref = use_node_ref();
    let total = props.rows.len();
    // Before the first measurement assume the list starts at the top of the page.
    let window = use_state_eq(|| 0..3 * OVERSCAN);
    let pending_focus = use_state_eq(|| None::<PendingFocus>);
    let shown = if total <= ALL_ROWS_UP_TO {
        0..total
    } else {
        clamp((*window).clone(), total)
    };
    let rendered = use_mut_ref(Rendered::default);
    *rendered.borrow_mut() = Rendered {
        total,
        window: shown.clone(),
    };

    // Follow the page's scroll and size: re-render when the screen leaves the rendered rows.
    {
        let (list_ref, rendered, set_window) =
            (list_ref.clone(), rendered.clone(), window.setter());
        use_effect_with((), move |_| {
            let follow = move || {
                let r = rendered.borrow();
                if r.total <= ALL_ROWS_UP_TO {
                    return;
                }
                if let Some(viewport) = viewport(&list_ref) {
                    set_window.set(next_window(r.total, r.window.clone(), viewport));
                }
            };
            let listeners = web_sys::window().map(|w| {
                let follow = Rc::new(follow);
                let on_scroll = follow.clone();
                [
                    EventListener::new(&w, "scroll", move |_| on_scroll()),
                    EventListener::new(&w, "resize", move |_| follow()),
                ]
            });
            move || drop(listeners)
        });
    }
    // The list grew or shrank: what is on screen may have changed without any scrolling.
    {
        let (list_ref, set_window, window) = (list_ref.clone(), window.setter(), shown.clone());
        use_effect_with(total, move |&total| {
            if total > ALL_ROWS_UP_TO {
                if let Some(viewport) = viewport(&list_ref) {
                    set_window.set(next_window(total, window, viewport));
                }
            }
        });
    }
    // A tapped notification: render the row's surroundings, scroll there, then focus it below.
    {
        let (list_ref, rows) = (list_ref.clone(), props.rows.clone());
        let (set_window, set_pending) = (window.setter(), pending_focus.setter());
        use_effect_with(props.focus, move |&focus| {
            let Some(id) = focus else { return };
            let Some(index) = rows.iter().position(|r| r.id == id) else {
                return;
            };
            if rows.len() > ALL_ROWS_UP_TO {
                if let Some(height) = scroll_to_centre(&list_ref, index) {
                    set_window.set(centred_on(rows.len(), index, height));
                }
            }
            set_pending.set(Some(PendingFocus { id, centre: true }));
        });
    }
    // Once the row to focus is in the DOM: scroll it into view and focus it.
    {
        let (list_ref, set_pending) = (list_ref.clone(), pending_focus.setter());
        use_effect_with((*pending_focus, shown.clone()), move |(pending, _)| {
            if let Some(pending) = pending {
                if focus_row(&list_ref, *pending) {
                    set_pending.set(None);
                }
            }
        });
    }

    let onclick = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(action) = action_at(e.target()) {
                on_action.emit(action);
            }
        })
    };
    // Arrow keys, Home and End move between rows, including rows not yet in the DOM (Tab alone
    // would stop at the last rendered row).
    let onkeydown = {
        let (rows, list_ref) = (props.rows.clone(), list_ref.clone());
        let (set_window, set_pending) = (window.setter(), pending_focus.setter());
        Callback::from(move |e: KeyboardEvent| {
            let Some(move_) = KeyMove::from_key(&e.key()) else {
                return;
            };
            let Some(from) = position_at(e.target()) else {
                return;
            };
            let focusable = |i: usize| can_focus(&rows[i]);
            let Some(to) = move_.target(rows.len(), from, focusable) else {
                return;
            };
            e.prevent_default();
            let id = rows[to].id;
            if rows.len() > ALL_ROWS_UP_TO && !shown_contains(&list_ref, id) {
                if let Some(height) = scroll_to_centre(&list_ref, to) {
                    set_window.set(centred_on(rows.len(), to, height));
                }
            }
            set_pending.set(Some(PendingFocus { id, centre: false }));
        })
    };

    let (above, below) = padding(total, &shown);
    let style =
        format!("--row-pitch: {ROW_PITCH_PX}px; padding-top: {above}px; padding-bottom: {below}px");
    let rows = &props.rows[shown.clone()];
    html! {
        <ul ref={list_ref} id={&props.id} class="request-list" aria-label={&props.label}
            {style} {onclick} {onkeydown}>
            { for rows.iter().zip(shown.start + 1..).map(|(row, position)| html! {
                <RequestRow key={row.id.0} row={Rc::clone(row)}
                            {position} set_size={total} />
            }) }
        </ul>
    }
}

/// A keyboard move between rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyMove {
    Next,
    Previous,
    First,
    Last,
}

impl KeyMove {
    fn from_key(key: &str) -> Option<Self> {
        match key {
            "ArrowDown" => Some(KeyMove::Next),
            "ArrowUp" => Some(KeyMove::Previous),
            "Home" => Some(KeyMove::First),
            "End" => Some(KeyMove::Last),
            _ => None,
        }
    }

    /// The row to move to from row `from` (0-based): the nearest one in the move's direction
    /// that can take the focus (closed rows have no enabled button).
    fn target(self, total: usize, from: usize, focusable: impl Fn(usize) -> bool) -> Option<usize> {
        match self {
            KeyMove::Next => (from + 1..total).find(|&i| focusable(i)),
            KeyMove::Previous => (0..from.min(total)).rev().find(|&i| focusable(i)),
            KeyMove::First => (0..total).find(|&i| focusable(i)),
            KeyMove::Last => (0..total).rev().find(|&i| focusable(i)),
        }
    }
}

/// The list's place on screen, or `None` before it is mounted.
fn viewport(list_ref: &NodeRef) -> Option<Viewport> {
    let list = list_ref.cast::<Element>()?;
    let height = web_sys::window()?.inner_height().ok()?.as_f64()?;
    Some(Viewport {
        list_top: list.get_bounding_client_rect().top(),
        height,
    })
}

/// Scrolls the page so row `index` (rendered or not: its place is `index * pitch`) is in the
/// middle of the screen. Returns the screen's height.
fn scroll_to_centre(list_ref: &NodeRef, index: usize) -> Option<f64> {
    let window = web_sys::window()?;
    let Viewport { list_top, height } = viewport(list_ref)?;
    let list_top_in_page = list_top + window.scroll_y().ok()?;
    let y = list_top_in_page + index as f64 * ROW_PITCH_PX - (height - ROW_PITCH_PX) / 2.0;
    window.scroll_to_with_x_and_y(0.0, y.max(0.0));
    Some(height)
}

fn row_element(list_ref: &NodeRef, id: RequestId) -> Option<Element> {
    let list = list_ref.cast::<Element>()?;
    let selector = format!("li.request-row[data-request-id=\"{}\"]", id.0);
    list.query_selector(&selector).ok()?
}

fn shown_contains(list_ref: &NodeRef, id: RequestId) -> bool {
    row_element(list_ref, id).is_some()
}

/// Scrolls the row into view and focuses its first enabled button; false if it is not in the
/// DOM yet.
fn focus_row(list_ref: &NodeRef, pending: PendingFocus) -> bool {
    let Some(row) = row_element(list_ref, pending.id) else {
        return false;
    };
    let options = ScrollIntoViewOptions::new();
    options.set_block(if pending.centre {
        ScrollLogicalPosition::Center
    } else {
        ScrollLogicalPosition::Nearest
    });
    row.scroll_into_view_with_scroll_into_view_options(&options);
    let button = row
        .query_selector("button:not([disabled])")
        .ok()
        .flatten()
        .and_then(|b| b.dyn_into::<HtmlElement>().ok());
    if let Some(button) = button {
        let _ = button.focus();
    }
    true
}

/// The 0-based place in the list of the row an event happened in.
fn position_at(target: Option<web_sys::EventTarget>) -> Option<usize> {
    let target: Element = target?.dyn_into().ok()?;
    let row = target.closest("li.request-row").ok()??;
    let position: usize = row.get_attribute("aria-posinset")?.parse().ok()?;
    position.checked_sub(1)
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

#[cfg(test)]
mod tests {
    use super::KeyMove;

    #[test]
    fn keys_skip_rows_without_an_enabled_button() {
        // Rows 2 and 3 are closed (timed out, taken).
        let open = |i: usize| i != 2 && i != 3;
        assert_eq!(KeyMove::Next.target(6, 1, open), Some(4));
        assert_eq!(KeyMove::Previous.target(6, 4, open), Some(1));
        assert_eq!(
            KeyMove::Next.target(6, 5, open),
            None,
            "stays on the last row"
        );
        assert_eq!(KeyMove::Previous.target(6, 0, open), None);
        assert_eq!(KeyMove::First.target(6, 4, |i| i >= 2 && open(i)), Some(4));
        assert_eq!(KeyMove::Last.target(6, 0, open), Some(5));
        assert_eq!(KeyMove::from_key("ArrowDown"), Some(KeyMove::Next));
        assert_eq!(KeyMove::from_key("a"), None);
    }
}

//! The request tab: "Attend next customer", the customers waiting (oldest first, as the core
//! orders them), under their own heading the earlier requests (timed out, taken, cancelled;
//! newest first), and the scheduled calls. Each part is a list of its own, so its virtual rows
//! keep their fixed pitch and the keyboard moves within one part at a time.

use super::request_list::{RequestList, RowAction};
use crate::state::Rows;
use headsup_protocol::view::{AttendNextView, Intent};
use headsup_protocol::RequestId;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RequestTabProps {
    pub queue: Rows,
    /// Closed requests, shown under the open ones.
    pub history: Rows,
    pub scheduled: Rows,
    /// The "Attend next customer" button as the core decided it.
    pub attend_next: AttendNextView,
    /// "3 customers waiting", for screen readers (the requests desk's badge in words).
    pub waiting_sentence: AttrValue,
    pub focus: Option<RequestId>,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn RequestTab(props: &RequestTabProps) -> Html {
    let on_action = {
        let (queue, scheduled) = (props.queue.clone(), props.scheduled.clone());
        let on_intent = props.on_intent.clone();
        Callback::from(move |action: RowAction| match action {
            RowAction::Take(id) => {
                // Only rows the core marked takeable (their buttons are disabled otherwise).
                let row = queue.iter().chain(scheduled.iter()).find(|r| r.id == id);
                if row.is_some_and(|r| r.actions.can_take) {
                    on_intent.emit(Intent::Accept { request: id });
                }
            }
            RowAction::Reject(id) => on_intent.emit(Intent::Reject { request: id }),
        })
    };
    let on_attend_next = props.on_intent.reform(|_: MouseEvent| Intent::AttendNext);

    html! {
        <section id="requests" class="request-tab" aria-labelledby="requests-title">
            <div class="tab-head">
                <h2 id="requests-title">{ "Pending customer requests" }</h2>
                <button id="attend-next" type="button" class="primary"
                        disabled={!props.attend_next.allowed} onclick={on_attend_next}
                        title={props.attend_next.hint.clone()}>
                    { &props.attend_next.label }
                </button>
            </div>
            // Screen readers hear the count change when a customer arrives or is taken.
            <p class="visually-hidden" aria-live="polite" aria-atomic="true">
                { &props.waiting_sentence }
            </p>
            if props.queue.is_empty() {
                <div class="empty-state">
                    <p class="empty-title">{ "No customers waiting" }</p>
                    <p class="hint">{ "New requests appear here and blink; you will get a notification too." }</p>
                </div>
            }
            // A tapped notification's row is brought into view and focused (Enter accepts it)
            // by whichever list holds it.
            <RequestList id="queue" label="Pending customer requests" rows={props.queue.clone()}
                         on_action={on_action.clone()} focus={props.focus} />
            if !props.history.is_empty() {
                <h3 id="history-title" class="section-title history-title">
                    { "Earlier requests" }
                    <span class="hint">{ " · timed out, taken or cancelled" }</span>
                </h3>
                <RequestList id="history" label="Earlier requests: timed out, taken or cancelled"
                             rows={props.history.clone()}
                             on_action={on_action.clone()} focus={props.focus} />
            }
            <h2 id="scheduled-title" class="section-title">{ "Scheduled calls" }</h2>
            if props.scheduled.is_empty() {
                <p class="empty-line">{ "No calls scheduled." }</p>
            }
            <RequestList id="scheduled" label="Scheduled calls" rows={props.scheduled.clone()}
                         {on_action} focus={props.focus} />
        </section>
    }
}

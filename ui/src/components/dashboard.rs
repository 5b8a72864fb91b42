//! The queues desk (the dashboard): the agent's queues as buttons, each with its waiting count,
//! oldest wait and members, all worded by the core; tapping one shows who waits in it, with a
//! way back. The numbers change live: a polite live region tells screen readers the total.

use headsup_protocol::view::{DashboardView, Intent, QueueWaitingView};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DashboardProps {
    pub view: DashboardView,
    /// "5 customers waiting in your queues" (the tab's badge in words).
    pub total_sentence: AttrValue,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn Dashboard(props: &DashboardProps) -> Html {
    if let Some(open) = &props.view.open {
        return html! { <Waiting open={open.clone()} on_intent={props.on_intent.clone()} /> };
    }
    html! {
        <section id="dashboard" class="dashboard" aria-labelledby="dashboard-title">
            <div class="tab-head">
                <h2 id="dashboard-title">{ "Your queues" }</h2>
            </div>
            <p class="visually-hidden" aria-live="polite" aria-atomic="true">
                { &props.total_sentence }
            </p>
            if props.view.queues.is_empty() {
                <p class="empty-line">{ &props.view.empty_text }</p>
            }
            <ul id="queues" class="queue-list" role="list" aria-label="Your queues">
                { for props.view.queues.iter().map(|q| {
                    let queue = q.id;
                    let onclick = props.on_intent.reform(move |_: MouseEvent| {
                        Intent::OpenQueue { queue }
                    });
                    // The button's name is what it shows, then what a tap does (hidden): a
                    // visible label is part of the accessible name.
                    html! {
                        <li key={q.id.0}>
                            <button type="button" class="queue-row" id={format!("queue-{}", q.id)}
                                    {onclick}>
                                <span class="queue-name">{ &q.name }</span>{ " " }
                                <span class="queue-waiting">
                                    { &q.waiting_text }
                                    if let Some(oldest) = &q.oldest_text {
                                        <span class="queue-oldest">{ format!(" · {oldest}") }</span>
                                    }
                                </span>{ " " }
                                <span class="queue-members hint">{ &q.members_text }</span>
                                <span class="visually-hidden">{ format!(". {}", q.tap_hint) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct WaitingProps {
    open: QueueWaitingView,
    on_intent: Callback<Intent>,
}

/// One queue's waiting customers, longest waiting first.
#[function_component]
fn Waiting(props: &WaitingProps) -> Html {
    let on_back = props.on_intent.reform(|_: MouseEvent| Intent::CloseQueue);
    let open = &props.open;
    html! {
        <section id="queue-waiting" class="dashboard" aria-labelledby="queue-waiting-title">
            <div class="tab-head">
                <button type="button" id="queue-back" class="back-button" onclick={on_back}>
                    <span aria-hidden="true">{ "← " }</span>{ &open.back_label }
                </button>
                <h2 id="queue-waiting-title">{ &open.title }</h2>
            </div>
            if open.customers.is_empty() {
                <p class="empty-line" aria-live="polite">{ &open.empty_text }</p>
            } else {
                <ul id="waiting-customers" class="waiting-list" role="list"
                    aria-label={open.title.clone()}>
                    { for open.customers.iter().map(|c| html! {
                        <li key={c.id.0} class="waiting-row">
                            <span class="waiting-customer">{ &c.customer }</span>
                            <span class="hint">{ format!("{} · {}", c.kind_label, c.waiting_text) }</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

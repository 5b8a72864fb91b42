//! The session screen after accepting: each call leg ringing → answered, then bridged. The
//! customer (masked like the rows when the agent asked for it) and every word come from the core,
//! the transfer's progress included ("Waiting for Bo… 4:58 left").

use headsup_protocol::model::{LegState, SessionState};
use headsup_protocol::view::{Intent, SessionView};
use yew::prelude::*;

use super::transfer::TransferPicker;

#[derive(Properties, PartialEq)]
pub struct SessionProps {
    pub session: SessionView,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn SessionPanel(props: &SessionProps) -> Html {
    let s = &props.session;
    let state_attr = match s.state {
        SessionState::Connecting => "connecting",
        SessionState::Bridged => "bridged",
        SessionState::Ended => "ended",
    };
    let on_end = props.on_intent.reform(|_: MouseEvent| Intent::EndSession);
    let on_transfer = props.on_intent.reform(|_: MouseEvent| Intent::OpenTransfer);
    let transfer = match &s.transfer_picker {
        Some(picker) => html! {
            <TransferPicker picker={picker.clone()} on_intent={props.on_intent.clone()} />
        },
        None => html! {
            <button id="transfer-open" type="button"
                    disabled={!s.can_transfer} onclick={on_transfer}>
                { "Transfer…" }
            </button>
        },
    };
    html! {
        <section id="session" class="session" data-state={state_attr}
                 aria-labelledby="session-title" aria-live="polite">
            <div class="session-head">
                <div>
                    <h2 id="session-title">{ &s.customer_label }</h2>
                    <p class="kind">{ &s.kind_label }</p>
                </div>
                <span id="session-state" class={classes!("pill", state_attr)}>
                    { &s.state_label }
                </span>
            </div>
            <dl class="legs">
                { leg("agent-leg", "You", s.agent_leg, &s.agent_leg_label) }
                { leg("customer-leg", "Customer", s.customer_leg, &s.customer_leg_label) }
            </dl>
            if let (Some(name), Some(contact)) = (&s.contact_label, &s.session.contact) {
                <p class="session-contact">
                    <span class="hint">{ "Contact: " }</span>
                    <button type="button" id="session-contact" onclick={
                        let contact = contact.id;
                        props.on_intent.reform(move |_: MouseEvent| Intent::OpenContact { contact })
                    }>{ format!("Open {name}'s card") }</button>
                </p>
            }
            if !s.recent.is_empty() {
                <div class="session-recent">
                    <h3 id="session-recent-title">{ "Earlier with this customer" }</h3>
                    <ul id="session-recent" role="list" aria-labelledby="session-recent-title">
                        { for s.recent.iter().map(|r| html! {
                            <li>
                                <span class="when">{ &r.when }</span>{ " " }
                                <span>{ &r.text }</span>{ " " }
                                <span class="hint">
                                    { &r.who }
                                    if let Some(queue) = &r.queue { { " " }{ queue } }
                                </span>
                            </li>
                        }) }
                    </ul>
                </div>
            }
            if let Some(text) = &s.transfer_text {
                <p id="transfer-status" class="hint">{ text }</p>
            }
            { transfer }
            <button id="end-session" type="button" class="danger"
                    disabled={!s.can_end} onclick={on_end}>
                { "End session" }
            </button>
        </section>
    }
}

fn leg(id: &'static str, who: &'static str, state: LegState, label: &str) -> Html {
    let attr = match state {
        LegState::Ringing => "ringing",
        LegState::Answered => "answered",
        LegState::Failed => "failed",
        LegState::HungUp => "hung_up",
        LegState::NotUsed => "not_used",
    };
    html! {
        <div class="leg">
            <dt>{ who }</dt>
            <dd {id} data-state={attr}>{ label }</dd>
        </div>
    }
}

//! The session screen after accepting: each call leg ringing → answered, then bridged. The
//! customer (masked like the rows when the agent asked for it) and every word come from the core,
//! the transfer's progress included ("Waiting for Bo… 4:58 left"). The customer's contact card
//! is here too, read and edited in place with the contacts desk's details and form, so the
//! agent knows who is calling before saying hello.

use headsup_protocol::model::{LegState, SessionState};
use headsup_protocol::view::{ContactCardView, Intent, SessionView};
use yew::prelude::*;

use super::contacts::{facts, focus, ContactForm, Place};
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
            if let Some(card) = &s.contact_card {
                <ContactCardPanel card={(**card).clone()} on_intent={props.on_intent.clone()} />
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

#[derive(Properties, PartialEq)]
struct CardPanelProps {
    card: ContactCardView,
    on_intent: Callback<Intent>,
}

/// The session's contact: its details with "Edit contact", or the edit form in their place.
#[function_component]
fn ContactCardPanel(props: &CardPanelProps) -> Html {
    let card = &props.card;
    let editing = card.form.is_some();
    // The keyboard follows the card: into the form when it opens, back to "Edit contact" when
    // it closes (saved or cancelled), never left on a button that went away.
    let was_editing = use_mut_ref(|| false);
    use_effect_with(editing, move |&editing| {
        let before = std::mem::replace(&mut *was_editing.borrow_mut(), editing);
        if editing {
            focus("session-card-first-name");
        } else if before {
            focus("session-card-edit");
        }
    });
    let on_edit = props
        .on_intent
        .reform(|_: MouseEvent| Intent::EditSessionContact { editing: true });
    html! {
        <section id="session-card" class="session-card" aria-labelledby="session-card-title"
                 aria-busy={card.busy.to_string()}>
            <h3 id="session-card-title">{ "Contact card" }</h3>
            if let Some(form) = &card.form {
                <ContactForm form={form.clone()} id={card.id} busy={card.busy}
                             place={Place::Session}
                             key={format!("{:?}-{}", card.id, card.title)}
                             on_intent={props.on_intent.clone()} />
            } else {
                { facts(card) }
                <div class="actions">
                    <button type="button" id="session-card-edit" disabled={!card.can_edit}
                            onclick={on_edit}>{ "Edit contact" }</button>
                </div>
            }
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

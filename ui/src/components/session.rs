//! The session screen after accepting: each call leg ringing → answered, then bridged.

use crate::labels;
use headsup_protocol::model::{LegState, Session, SessionState};
use headsup_protocol::view::Intent;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SessionProps {
    pub session: Session,
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
    html! {
        <section id="session" class="session" data-state={state_attr}
                 aria-labelledby="session-title" aria-live="polite">
            <div class="session-head">
                <div>
                    <h2 id="session-title">{ s.customer.label() }</h2>
                    <p class="kind">{ labels::kind(s.kind) }</p>
                </div>
                <span id="session-state" class={classes!("pill", state_attr)}>
                    { labels::session(s.state) }
                </span>
            </div>
            <dl class="legs">
                { leg("agent-leg", "You", s.agent_leg) }
                { leg("customer-leg", "Customer", s.customer_leg) }
            </dl>
            <button id="end-session" type="button" class="danger"
                    disabled={s.state == SessionState::Ended} onclick={on_end}>
                { "End session" }
            </button>
        </section>
    }
}

fn leg(id: &'static str, who: &'static str, state: LegState) -> Html {
    let attr = match state {
        LegState::Ringing => "ringing",
        LegState::Answered => "answered",
        LegState::Failed => "failed",
        LegState::HungUp => "hung_up",
    };
    html! {
        <div class="leg">
            <dt>{ who }</dt>
            <dd {id} data-state={attr}>{ labels::leg(state) }</dd>
        </div>
    }
}

//! A contact's customer journey, newest first, as the core worded it: when (the agent's clock),
//! what, who handled it, in which queue.

use headsup_protocol::view::JourneyRow;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct JourneyProps {
    pub journey: Option<Vec<JourneyRow>>,
    pub empty_text: AttrValue,
}

#[function_component]
pub fn Journey(props: &JourneyProps) -> Html {
    match &props.journey {
        Some(rows) if !rows.is_empty() => html! {
            <ol id="contact-journey" class="journey" aria-label="Customer journey, newest first">
                { for rows.iter().enumerate().map(|(i, r)| html! {
                    <li key={i}>
                        <span class="journey-when">{ &r.when }</span>
                        <span class="journey-text">{ &r.text }</span>
                        <span class="journey-who hint">
                            { &r.who }
                            if let Some(q) = &r.queue {
                                { format!(" · {q}") }
                            }
                        </span>
                    </li>
                }) }
            </ol>
        },
        _ => html! {
            <p id="contact-journey" class="empty-line" aria-live="polite">{ &props.empty_text }</p>
        },
    }
}

//! The agent's status in the header: one native select ("Available", "Not ready: Break", …), so
//! a phone shows its own picker and a keyboard or screen reader needs nothing special. It shows
//! the LDS's status (the view), never the agent's pick until the LDS confirms it.

use headsup_protocol::model::Availability;
use headsup_protocol::view::{Intent, StatusView};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

const AVAILABLE: &str = "available";
const REASON: &str = "not_ready:";

#[derive(Properties, PartialEq)]
pub struct StatusSwitchProps {
    pub status: StatusView,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn StatusSwitch(props: &StatusSwitchProps) -> Html {
    let status = &props.status;
    let current = match (&status.availability, &status.reason) {
        (Availability::NotReady, Some(code)) => format!("{REASON}{code}"),
        (Availability::WrapUp, _) => "wrap_up".to_string(),
        _ => AVAILABLE.to_string(),
    };
    let onchange = props.on_intent.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        match value.strip_prefix(REASON) {
            Some(code) => Intent::SetStatus {
                availability: Availability::NotReady,
                reason: Some(code.to_string()),
            },
            None => Intent::SetStatus {
                availability: Availability::Available,
                reason: None,
            },
        }
    });
    // What the agent cannot pick (the LDS's wrap-up, or "Missed offers") still shows as the
    // selection.
    let unlisted = (status.availability == Availability::WrapUp
        || status.availability == Availability::NotReady
            && !status
                .reasons
                .iter()
                .any(|r| Some(&r.code) == status.reason.as_ref()))
    .then(|| html! { <option value={current.clone()} selected=true>{ &status.label }</option> });
    let state_class = match status.availability {
        Availability::Available => "available",
        Availability::NotReady => "not-ready",
        Availability::WrapUp => "in-wrap-up",
    };
    html! {
        <div class={classes!("status-switch", state_class)}>
            <span class="status-dot" aria-hidden="true"></span>
            <label for="status-select">{ "Status" }</label>
            <select id="status-select" {onchange} aria-describedby="status-since">
                <option value={AVAILABLE} selected={current == AVAILABLE}>{ "Available" }</option>
                { for unlisted }
                { for status.reasons.iter().map(|r| {
                    let value = format!("{REASON}{}", r.code);
                    let selected = value == current;
                    html! {
                        <option {value} {selected}>{ format!("Not ready: {}", r.label) }</option>
                    }
                }) }
            </select>
            <span id="status-since" class="status-since">{ status.since.clone().unwrap_or_default() }</span>
        </div>
    }
}

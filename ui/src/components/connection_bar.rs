//! The connection bar: connecting / offline since … retrying / synced.

use headsup_protocol::view::{ConnectionTimes, ConnectionView};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConnectionBarProps {
    pub connection: ConnectionView,
    /// Its moments on the agent's clock, formatted by the core ("offline since 10:42").
    #[prop_or_default]
    pub times: ConnectionTimes,
}

/// The `data-state` name and the sentence for a connection state.
pub fn describe(connection: &ConnectionView, times: &ConnectionTimes) -> (&'static str, String) {
    match connection {
        ConnectionView::Idle => ("idle", "Not signed in".into()),
        ConnectionView::Connecting => ("connecting", "Connecting…".into()),
        ConnectionView::Offline { .. } => (
            "offline",
            format!(
                "Offline since {} — retrying",
                times.since.as_deref().unwrap_or("—")
            ),
        ),
        ConnectionView::Synced { .. } => ("synced", "Synced".into()),
    }
}

#[function_component]
pub fn ConnectionBar(props: &ConnectionBarProps) -> Html {
    let times = &props.times;
    let (state, text) = describe(&props.connection, times);
    let title = match &props.connection {
        ConnectionView::Synced { .. } => {
            times.synced_at.as_ref().map(|at| format!("Last sync {at}"))
        }
        ConnectionView::Offline { .. } => times
            .retry_at
            .as_ref()
            .map(|at| format!("Next attempt {at}")),
        _ => None,
    };
    html! {
        <div id="connection-bar" class="connection-bar" data-state={state} {title}
             role="status" aria-live="polite">
            <span class="dot" aria-hidden="true"></span>
            <span>{ text }</span>
        </div>
    }
}

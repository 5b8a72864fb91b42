//! The connection bar: connecting / offline since … retrying / synced.

use crate::time::clock;
use headsup_protocol::view::ConnectionView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConnectionBarProps {
    pub connection: ConnectionView,
    /// The agent's IANA zone, for "offline since 10:42".
    #[prop_or_default]
    pub time_zone: Option<String>,
}

/// The `data-state` name and the sentence for a connection state.
pub fn describe(connection: &ConnectionView, time_zone: Option<&str>) -> (&'static str, String) {
    match connection {
        ConnectionView::Idle => ("idle", "Not signed in".into()),
        ConnectionView::Connecting => ("connecting", "Connecting…".into()),
        ConnectionView::Offline { since, .. } => (
            "offline",
            format!(
                "Offline since {} — retrying",
                clock(*since, time_zone, false)
            ),
        ),
        ConnectionView::Synced { .. } => ("synced", "Synced".into()),
    }
}

#[function_component]
pub fn ConnectionBar(props: &ConnectionBarProps) -> Html {
    let zone = props.time_zone.as_deref();
    let (state, text) = describe(&props.connection, zone);
    let title = match &props.connection {
        ConnectionView::Synced { at } => Some(format!("Last sync {}", clock(*at, zone, true))),
        ConnectionView::Offline {
            retry_at: Some(at), ..
        } => Some(format!("Next attempt {}", clock(*at, zone, true))),
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

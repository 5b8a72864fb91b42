//! The notification check screen: what an agent (or support) looks at when notifications seem
//! not to arrive. The socket state and last sync come from the view; "test ring" asks the app
//! to raise a real notification and shows what it reports back.

use super::connection_bar::describe;
use crate::tauri;
use headsup_protocol::commands::TEST_NOTIFICATION_COMMAND as TEST_COMMAND;
use headsup_protocol::view::{ConnectionTimes, ConnectionView};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CheckProps {
    pub connection: ConnectionView,
    /// The connection's moments on the agent's clock, formatted by the core.
    #[prop_or_default]
    pub times: ConnectionTimes,
    pub on_close: Callback<()>,
}

#[derive(Clone, PartialEq)]
enum Ring {
    Idle,
    Ringing,
    Answered(String),
    Failed(String),
}

#[function_component]
pub fn CheckPanel(props: &CheckProps) -> Html {
    let ring = use_state(|| Ring::Idle);
    let (_, socket) = describe(&props.connection, &props.times);
    let last_sync = match &props.connection {
        ConnectionView::Synced { .. } => props.times.synced_at.clone().unwrap_or_default(),
        _ => "—".into(),
    };

    let on_test = {
        let ring = ring.clone();
        Callback::from(move |_: MouseEvent| {
            ring.set(Ring::Ringing);
            let ring = ring.clone();
            spawn_local(async move {
                ring.set(match tauri::invoke_json(TEST_COMMAND).await {
                    Ok(answer) => {
                        Ring::Answered(serde_json::to_string_pretty(&answer).unwrap_or_default())
                    }
                    Err(e) => Ring::Failed(e.to_string()),
                });
            });
        })
    };
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    let ringing = *ring == Ring::Ringing;

    html! {
        <section id="check" class="panel" aria-labelledby="check-title">
            <div class="panel-head">
                <h2 id="check-title">{ "Notification check" }</h2>
                <button id="check-close" type="button" class="icon-button"
                        aria-label="Close notification check" onclick={on_close}>{ "✕" }</button>
            </div>
            <dl class="facts">
                <dt>{ "Connection" }</dt><dd id="check-socket">{ socket }</dd>
                <dt>{ "Last sync" }</dt><dd id="check-last-sync">{ last_sync }</dd>
            </dl>
            <p class="hint">
                { "Test ring raises a real notification. Click it to check that the tap comes back." }
            </p>
            <button id="test-ring" type="button" class="primary" onclick={on_test}
                    disabled={ringing} aria-busy={ringing.to_string()}>
                { if ringing { "Ringing…" } else { "Test ring" } }
            </button>
            { match &*ring {
                Ring::Idle | Ring::Ringing => html! {},
                Ring::Answered(json) => html! {
                    <pre id="test-ring-result" class="result" role="status">{ json }</pre>
                },
                Ring::Failed(why) => html! {
                    <p id="test-ring-result" class="field-error" role="alert">{ why }</p>
                },
            } }
        </section>
    }
}

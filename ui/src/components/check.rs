//! The notification check screen: what an agent (or support) looks at when notifications seem
//! not to arrive. The socket state and last sync come from the view; "test ring" asks the app
//! to raise a real notification and shows what it reports back.

use super::connection_bar::describe;
use crate::tauri;
use crate::time::clock;
use headsup_protocol::view::ConnectionView;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// The shell's command that raises a test notification and reports on it.
const TEST_COMMAND: &str = "test_notification";

#[derive(Properties, PartialEq)]
pub struct CheckProps {
    pub connection: ConnectionView,
    #[prop_or_default]
    pub time_zone: Option<String>,
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
    let zone = props.time_zone.as_deref();
    let (_, socket) = describe(&props.connection, zone);
    let last_sync = match &props.connection {
        ConnectionView::Synced { at } => clock(*at, zone, true),
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

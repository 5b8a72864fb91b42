//! Small hooks: the subscription to the app's view, and the sender of intents.

use crate::state::{Action, AppState};
use crate::tauri;
use headsup_protocol::view::Intent;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// The app's state, kept current: asks for the view once, then replaces it on every `view`
/// event. In a plain browser it settles on [`crate::state::Bridge::Missing`].
#[hook]
pub fn use_tauri_view() -> UseReducerHandle<AppState> {
    let state = use_reducer(AppState::default);
    // Owned by the component so the subscription lives exactly as long as the UI.
    let listener = use_mut_ref(|| None::<tauri::ViewListener>);
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            if !tauri::is_available() {
                dispatcher.dispatch(Action::BridgeMissing);
            } else {
                let listener = listener.clone();
                spawn_local(subscribe(dispatcher, listener));
            }
        });
    }
    state
}

async fn subscribe(
    dispatcher: UseReducerDispatcher<AppState>,
    slot: Rc<std::cell::RefCell<Option<tauri::ViewListener>>>,
) {
    // Listen first, then ask: a view emitted in between is then not lost. If an event does
    // arrive before the answer, that event is newer, and the answer must not overwrite it.
    let got_event = Rc::new(Cell::new(false));
    let on_view = {
        let dispatcher = dispatcher.clone();
        let got_event = got_event.clone();
        move |view: Result<_, tauri::TauriError>| match view {
            Ok((view, arrival)) => {
                got_event.set(true);
                dispatcher.dispatch(Action::ViewArrived {
                    view: Box::new(view),
                    arrival,
                });
            }
            Err(e) => dispatcher.dispatch(Action::LinkFailed(e.to_string())),
        }
    };
    match tauri::listen_view(on_view).await {
        Ok(l) => *slot.borrow_mut() = Some(l),
        Err(e) => {
            dispatcher.dispatch(Action::LinkFailed(format!("cannot listen to the app: {e}")));
            return;
        }
    }
    match tauri::current_view().await {
        Ok((view, arrival)) if !got_event.get() => dispatcher.dispatch(Action::ViewArrived {
            view: Box::new(view),
            arrival,
        }),
        Ok(_) => {}
        Err(e) => dispatcher.dispatch(Action::LinkFailed(format!("cannot read the view: {e}"))),
    }
}

/// Reports each rendered view to the render probe (`probe.rs`). Call it in the root component:
/// its effect runs after the whole tree has rendered that state.
#[hook]
pub fn use_render_probe(state: &UseReducerHandle<AppState>) {
    let rendered = crate::probe::Rendered {
        views: state.views,
        arrival: state.arrival,
        rows: state.queue.len(),
    };
    use_effect_with(rendered.views, move |&views| {
        if views > 0 {
            crate::probe::report_rendered(rendered);
        }
    });
}

/// A callback that sends an intent to the app. Refusals come back as a notice in the next view;
/// only a failure to deliver is recorded here.
#[hook]
pub fn use_intent(state: &UseReducerHandle<AppState>) -> Callback<Intent> {
    let dispatcher = state.dispatcher();
    use_callback(dispatcher, |intent: Intent, dispatcher| {
        let dispatcher = dispatcher.clone();
        spawn_local(async move {
            if let Err(e) = tauri::send_intent(&intent).await {
                dispatcher.dispatch(Action::LinkFailed(format!(
                    "The app did not take that: {e}"
                )));
            }
        });
    })
}

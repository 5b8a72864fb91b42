//! Small hooks: the subscription to the app's view, and the sender of intents.

use crate::state::{Action, AppState};
use crate::tauri;
use headsup_protocol::view::Intent;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// The app's state, kept current: listens to the `view` event's updates, asks for a full slice
/// once, and again whenever a patch shows one was missed. In a plain browser it settles on
/// [`crate::state::Bridge::Missing`].
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
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.gaps, move |&gaps| {
            if gaps > 0 {
                spawn_local(ask_full_slice(dispatcher));
            }
        });
    }
    state
}

/// A full slice from the app, after a missed update.
async fn ask_full_slice(dispatcher: UseReducerDispatcher<AppState>) {
    match tauri::current_view().await {
        Ok((update, arrival)) => dispatcher.dispatch(Action::ViewArrived {
            update: Box::new(update),
            arrival,
        }),
        Err(e) => dispatcher.dispatch(Action::LinkFailed(format!("cannot read the view: {e}"))),
    }
}

async fn subscribe(
    dispatcher: UseReducerDispatcher<AppState>,
    slot: Rc<std::cell::RefCell<Option<tauri::ViewListener>>>,
) {
    // Listen first, then ask: an update emitted in between is then not lost. Versions sort out
    // the rest: a full slice older than the patches already applied is ignored, and patches
    // older than the full slice too.
    let on_view = {
        let dispatcher = dispatcher.clone();
        move |update: Result<_, tauri::TauriError>| match update {
            Ok((update, arrival)) => dispatcher.dispatch(Action::ViewArrived {
                update: Box::new(update),
                arrival,
            }),
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
    ask_full_slice(dispatcher).await;
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

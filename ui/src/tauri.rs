//! Bindings to the Tauri app around the UI (`window.__TAURI__`, present because the app sets
//! `withGlobalTauri`). Everything that crosses the boundary is JSON: the shell serialises each
//! `ViewUpdate` (a full slice or a patch), we parse it with serde_json, so both sides share the
//! protocol crate's types and command names.

use crate::probe::{now_ms, Arrival};
use headsup_protocol::commands::{IntentArgs, INTENT_COMMAND, VIEW_COMMAND, VIEW_EVENT};
use headsup_protocol::view::{Intent, ViewUpdate};
use std::fmt;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // `catch`: a command that returns `Err` (or a missing command) rejects its promise; we want
    // that as a Rust `Err`, not a panic.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}

/// Why a call into the app failed, in words an agent (or a bug report) can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TauriError(pub String);

impl fmt::Display for TauriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<JsValue> for TauriError {
    fn from(value: JsValue) -> Self {
        // Commands reject with a string, JS errors are `Error` objects: show either readably.
        if let Some(s) = value.as_string() {
            return TauriError(s);
        }
        if let Some(e) = value.dyn_ref::<js_sys::Error>() {
            return TauriError(String::from(e.message()));
        }
        TauriError(to_json_string(&value).unwrap_or_else(|| format!("{value:?}")))
    }
}

impl From<serde_json::Error> for TauriError {
    fn from(e: serde_json::Error) -> Self {
        TauriError(format!(
            "the app sent data this UI does not understand: {e}"
        ))
    }
}

/// Whether we run inside the app. In a plain browser there is no `window.__TAURI__`, and every
/// binding above would throw.
pub fn is_available() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::get(&window, &JsValue::from_str("__TAURI__"))
        .map(|v| !v.is_undefined() && !v.is_null())
        .unwrap_or(false)
}

/// A full slice of the current view, asked for at start and after a missed update, with when
/// and how fast it was read.
pub async fn current_view() -> Result<(ViewUpdate, Arrival), TauriError> {
    let value = tauri_invoke(VIEW_COMMAND, JsValue::UNDEFINED).await?;
    let at_ms = now_ms();
    let view = parse_view(&value)?;
    Ok((view, Arrival::since(at_ms)))
}

/// Sends one intent: `invoke("intent", { intent: <Intent JSON> })`.
pub async fn send_intent(intent: &Intent) -> Result<(), TauriError> {
    let args = intent_args(intent)?;
    let args = js_sys::JSON::parse(&args)?;
    tauri_invoke(INTENT_COMMAND, args).await?;
    Ok(())
}

/// Calls any other command of the shell (e.g. `TEST_NOTIFICATION_COMMAND`) and returns its answer as
/// JSON, for screens that only display it.
pub async fn invoke_json(command: &str) -> Result<serde_json::Value, TauriError> {
    let value = tauri_invoke(command, JsValue::UNDEFINED).await?;
    match to_json_string(&value) {
        Some(json) => Ok(serde_json::from_str(&json)?),
        None => Ok(serde_json::Value::Null), // `undefined`: a command that returns `()`.
    }
}

/// A live subscription to the app's `view` event. Dropping it unsubscribes.
pub struct ViewListener {
    // Tauri calls into this closure for as long as the subscription lives, so we own it here;
    // freeing it while subscribed would make the next event call freed memory.
    _handler: Closure<dyn FnMut(JsValue)>,
    unlisten: Option<js_sys::Function>,
}

impl Drop for ViewListener {
    fn drop(&mut self) {
        if let Some(unlisten) = self.unlisten.take() {
            let _ = unlisten.call0(&JsValue::NULL);
        }
    }
}

/// Subscribes to the `view` event; `on_view` gets each update the app emits (or why it could not
/// be read), with when it reached us and how long reading it took.
pub async fn listen_view(
    on_view: impl Fn(Result<(ViewUpdate, Arrival), TauriError>) + 'static,
) -> Result<ViewListener, TauriError> {
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        // Taken before parsing: the render probe's figure includes the parse, which at thousands
        // of rows is a real part of the cost.
        let at_ms = now_ms();
        // The event object is `{ event, id, payload }`; the payload is the ViewUpdate.
        let view = js_sys::Reflect::get(&event, &JsValue::from_str("payload"))
            .map_err(TauriError::from)
            .and_then(|p| parse_view(&p));
        on_view(view.map(|view| (view, Arrival::since(at_ms))));
    });
    let unlisten = tauri_listen(VIEW_EVENT, &handler).await?;
    Ok(ViewListener {
        _handler: handler,
        unlisten: unlisten.dyn_into::<js_sys::Function>().ok(),
    })
}

fn parse_view(value: &JsValue) -> Result<ViewUpdate, TauriError> {
    // A shell that sends the update already as JSON text saves the stringify below; the object
    // form is what `emit(ViewUpdate)` sends.
    if let Some(json) = value.as_string() {
        return Ok(serde_json::from_str(&json)?);
    }
    // One JSON.stringify + serde_json pass: for a 5,000-row full slice far cheaper than walking
    // the JS object field by field across the wasm boundary.
    let json = to_json_string(value).ok_or_else(|| TauriError("the app sent no view".into()))?;
    Ok(serde_json::from_str(&json)?)
}

fn to_json_string(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok()?.as_string()
}

/// The argument object of the `intent` command, as JSON text.
pub fn intent_args(intent: &Intent) -> Result<String, TauriError> {
    Ok(serde_json::to_string(&IntentArgs {
        intent: intent.clone(),
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use headsup_protocol::RequestId;

    #[test]
    fn intent_is_wrapped_under_the_intent_key() {
        let args = intent_args(&Intent::Accept {
            request: RequestId(42),
        })
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&args).unwrap();
        assert_eq!(v["intent"]["intent"], "accept");
        assert_eq!(v["intent"]["request"], 42);
    }
}

//! The Heads-Up agent UI (Yew, WebAssembly), running inside the Tauri app's webview.
//!
//! It renders the [`ViewState`](headsup_protocol::view::ViewState) the app hands it and sends
//! every click back as an [`Intent`](headsup_protocol::view::Intent). It decides no rule of its
//! own: what blinks, whether the agent is busy, labels and local times all arrive ready.
//!
//! Map: `tauri` (the only file that knows about `window.__TAURI__`), `state` (the one reducer),
//! `hooks` (the view subscription and the intent sender), `labels` and `time` (words and clock
//! faces for what the core sent), `app` (layout and navigation), `components` (dumb views).

mod app;
mod components;
mod hooks;
mod labels;
mod state;
mod tauri;
mod time;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

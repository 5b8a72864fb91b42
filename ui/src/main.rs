//! The Heads-Up agent UI (Yew, WebAssembly), running inside the Tauri app's webview.
//!
//! It renders the [`ViewState`](headsup_protocol::view::ViewState) the app hands it and sends
//! every click back as an [`Intent`](headsup_protocol::view::Intent). It decides no rule of its
//! own: what blinks, whether the agent is busy, labels and local times all arrive ready.
//!
//! Map: `tauri` (the only file that knows about `window.__TAURI__`), `state` (the one reducer),
//! `hooks` (the view subscription, the intent sender, the render probe), `probe` (render
//! figures on `document.body` for benchmarks), `labels` and `time` (words and clock
//! faces for what the core sent), `virtual_rows` (which rows of a long list are in the DOM), `app` (layout and navigation), `components` (dumb views).

mod app;
mod components;
mod hooks;
mod labels;
mod probe;
mod state;
mod tauri;
mod virtual_rows;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

//! What a plain browser shows: the UI needs the app around it to have anything to render.

use yew::prelude::*;

#[function_component]
pub fn Fallback() -> Html {
    html! {
        <main id="no-app" class="centered-card">
            <h1>{ "Heads-Up" }</h1>
            <p>{ "This page runs inside the Heads-Up app." }</p>
            <p class="hint">
                { "It shows the requests the app receives from your team's Lead Distribution \
                   System, so on its own, in a browser, it has nothing to show. Start the \
                   Heads-Up app instead." }
            </p>
        </main>
    }
}

//! The desks' navigation: a bar of tabs at the bottom of a phone, a rail at the left of a wide
//! window (the stylesheet decides which, at 720 px). It shows the desks the core lists, each with
//! the badge the core counted; the open desk is the core's, so a tap sends an intent.

use headsup_protocol::view::{DeskId, DeskTab};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DeskNavProps {
    pub desks: Vec<DeskTab>,
    /// The desk the core says is open; `None` while a screen of the UI's own (settings, the
    /// notification check) covers the desks, so no tab claims to be the current page.
    pub current: Option<DeskId>,
    pub on_open: Callback<DeskId>,
}

#[function_component]
pub fn DeskNav(props: &DeskNavProps) -> Html {
    html! {
        <nav id="desk-nav" class="desk-nav" aria-label="Desks">
            <ul role="list">
                { for props.desks.iter().map(|tab| {
                    let id = tab.id;
                    let onclick = props.on_open.reform(move |_: MouseEvent| id);
                    let current = (props.current == Some(id)).then_some("page");
                    html! {
                        <li key={desk_key(id)}>
                            <button type="button" id={format!("desk-{}", desk_key(id))}
                                    class="desk-tab" aria-current={current} {onclick}>
                                <span class="desk-label">{ &tab.label }</span>
                                // The number is for the eye; screen readers hear the sentence.
                                if let Some(text) = &tab.badge_text {
                                    { " " }
                                    <span class="badge" aria-hidden="true">{ text }</span>
                                }
                                <span class="visually-hidden">{ format!(", {}", tab.badge_label) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}

/// The desk's stable name in ids and keys (`desk-requests`).
fn desk_key(id: DeskId) -> &'static str {
    match id {
        DeskId::Requests => "requests",
        DeskId::Dashboard => "dashboard",
        DeskId::Contacts => "contacts",
        DeskId::Chats => "chats",
    }
}

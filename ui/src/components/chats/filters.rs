//! The list's filters: open or closed, unread or read. Each pick sends the filters whole as an
//! intent; the core asks the LDS and lists what passes (the selects show `view.filter`).

use headsup_protocol::chat::ConversationState;
use headsup_protocol::view::{ChatFilter, Intent};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FiltersProps {
    pub filter: ChatFilter,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn ChatFilters(props: &FiltersProps) -> Html {
    let f = props.filter;
    let on_state = props.on_intent.reform(move |e: Event| {
        let state = match e
            .target_unchecked_into::<HtmlSelectElement>()
            .value()
            .as_str()
        {
            "open" => Some(ConversationState::Open),
            "closed" => Some(ConversationState::Closed),
            _ => None,
        };
        Intent::FilterChats {
            filter: ChatFilter { state, ..f },
        }
    });
    let on_read = props.on_intent.reform(move |e: Event| {
        let unread = match e
            .target_unchecked_into::<HtmlSelectElement>()
            .value()
            .as_str()
        {
            "unread" => Some(true),
            "read" => Some(false),
            _ => None,
        };
        Intent::FilterChats {
            filter: ChatFilter { unread, ..f },
        }
    });
    let state = f.state;
    let unread = f.unread;
    html! {
        <div class="chat-filters">
            <label for="chat-filter-state">{ "Show" }</label>
            <select id="chat-filter-state" onchange={on_state}>
                <option value="" selected={state.is_none()}>{ "Open and closed" }</option>
                <option value="open" selected={state == Some(ConversationState::Open)}>
                    { "Open" }
                </option>
                <option value="closed" selected={state == Some(ConversationState::Closed)}>
                    { "Closed" }
                </option>
            </select>
            <label for="chat-filter-read">{ "Messages" }</label>
            <select id="chat-filter-read" onchange={on_read}>
                <option value="" selected={unread.is_none()}>{ "Read and unread" }</option>
                <option value="unread" selected={unread == Some(true)}>{ "Unread" }</option>
                <option value="read" selected={unread == Some(false)}>{ "Read" }</option>
            </select>
        </div>
    }
}

//! A conversation's tags: shown as the core says, edited as one comma-separated line (the LDS
//! checks each tag; a refusal comes back as a notice and the tags stay as they were).

use headsup_protocol::view::Intent;
use headsup_protocol::ConversationId;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TagsProps {
    pub conversation: ConversationId,
    pub tags: Vec<String>,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn ChatTags(props: &TagsProps) -> Html {
    let input = use_node_ref();
    let onsubmit = {
        let (input, conversation) = (input.clone(), props.conversation);
        props.on_intent.reform(move |e: SubmitEvent| {
            e.prevent_default();
            let line = input
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let tags = line
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            Intent::SetChatTags { conversation, tags }
        })
    };
    html! {
        <form id="chat-tags" class="chat-tags" {onsubmit}>
            <label for="chat-tags-input">{ "Tags (separate with commas)" }</label>
            <input id="chat-tags-input" ref={input} type="text" value={props.tags.join(", ")}
                maxlength="400" />
            <button type="submit">{ "Save tags" }</button>
        </form>
    }
}

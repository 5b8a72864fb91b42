//! The template picker: once the channel's free-text window is over the core offers the team's
//! templates (each shown with the text the customer would get) and this sends the one picked.

use headsup_protocol::view::{Intent, TemplateChoice};
use headsup_protocol::ConversationId;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TemplatesProps {
    pub conversation: ConversationId,
    pub templates: Vec<TemplateChoice>,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn TemplatePicker(props: &TemplatesProps) -> Html {
    if props.templates.is_empty() {
        return html! { <p class="hint" id="chat-templates">{ "Loading templates…" }</p> };
    }
    html! {
        <ul id="chat-templates" class="chat-templates" aria-label="Templates you can send">
            { for props.templates.iter().map(|t| {
                let conversation = props.conversation;
                let template = t.code.clone();
                let onclick = props.on_intent.reform(move |_: MouseEvent| Intent::SendChatTemplate {
                    conversation,
                    template: template.clone(),
                });
                html! {
                    <li key={t.code.clone()}>
                        <p class="chat-template-text">{ &t.text }</p>
                        <button type="button" {onclick}
                            aria-label={format!("Send template {}", t.code)}>
                            { "Send this template" }
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

//! One message: the customer's on the left, the agent's on the right with their ticks (✓ sent,
//! ✓✓ delivered, ✓✓ read in the read colour), a note in its own framed, striped look. A failed
//! message says why and offers "Retry". Bodies are text nodes: line breaks kept by CSS.

use headsup_protocol::view::{ChatMessageView, ChatSide, ChatTick, Intent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessageProps {
    pub message: ChatMessageView,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn MessageItem(props: &MessageProps) -> Html {
    let m = &props.message;
    let side = match m.side {
        ChatSide::Incoming => "incoming",
        ChatSide::Outgoing => "outgoing",
        ChatSide::Note => "note",
    };
    let (ticks, tick_class) = match m.tick {
        ChatTick::None => ("", ""),
        ChatTick::Sending => ("…", "sending"),
        ChatTick::Sent => ("✓", "sent"),
        ChatTick::Delivered => ("✓✓", "delivered"),
        ChatTick::Read => ("✓✓", "read"),
        ChatTick::Failed => ("!", "failed"),
    };
    let retry = m.can_retry.then(|| {
        let key = m.key.clone();
        let onclick = props
            .on_intent
            .reform(move |_: MouseEvent| Intent::RetryChatMessage { key: key.clone() });
        html! {
            <button type="button" class="chat-retry" {onclick}
                    aria-label={format!("Retry: {}", m.label)}>
                { "Retry" }
            </button>
        }
    });
    let file = m.attachment.as_ref().map(|a| {
        let id = a.id;
        let onclick = props
            .on_intent
            .reform(move |_: MouseEvent| Intent::SaveChatAttachment { attachment: id });
        html! {
            <p class="chat-file">
                <span class="chat-file-name">{ &a.name }</span>
                { " " }
                <span class="chat-file-size">{ &a.size_text }</span>
                { " " }
                <button type="button" class="chat-file-save" {onclick} aria-label={a.save_label.clone()}>
                    { "Save" }
                </button>
            </p>
        }
    });
    html! {
        <li class={classes!("chat-message", side)}>
            <p class="chat-author">{ &m.author }</p>
            if !m.body.is_empty() {
                <p class="chat-body">{ &m.body }</p>
            }
            { file }
            <p class={classes!("chat-meta", tick_class)}>
                <span class="chat-msg-time">{ &m.time_text }</span>
                if !ticks.is_empty() {
                    { " " }
                    <span class="chat-ticks" aria-hidden="true">{ ticks }</span>
                }
                if !m.tick_text.is_empty() {
                    { " " }
                    <span class="chat-state">{ &m.tick_text }</span>
                }
            </p>
            { retry }
        </li>
    }
}

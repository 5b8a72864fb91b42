//! The conversation open: its heading with "Back to chats" (phones), Close and Transfer while the
//! agent serves it (the session's own commands: closing ends the session, and the queue's
//! wrap-up asks for the disposition; the transfer picker opens on the session panel), "Earlier
//! messages", the messages as a log, and the composer.

use headsup_protocol::view::{ChatPaneView, Intent};
use yew::prelude::*;

use super::composer::Composer;
use super::message::MessageItem;
use super::tags::ChatTags;

#[derive(Properties, PartialEq)]
pub struct PaneProps {
    pub pane: ChatPaneView,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn ConversationPane(props: &PaneProps) -> Html {
    let p = &props.pane;
    let log_ref = use_node_ref();
    {
        // Newest at the bottom, in view: when a message arrives (not when older ones load above).
        let log_ref = log_ref.clone();
        let newest = p.messages.last().map(|m| m.key.clone());
        use_effect_with(newest, move |_| {
            if let Some(log) = log_ref.cast::<web_sys::Element>() {
                log.set_scroll_top(log.scroll_height());
            }
        });
    }
    let on_back = props.on_intent.reform(|_: MouseEvent| Intent::CloseChat);
    let on_close = props.on_intent.reform(|_: MouseEvent| Intent::EndSession);
    let on_transfer = props.on_intent.reform(|_: MouseEvent| Intent::OpenTransfer);
    let on_older = props
        .on_intent
        .reform(|_: MouseEvent| Intent::OlderChatMessages);
    html! {
        <article id="chat-pane" class="chat-pane" aria-labelledby="chat-title">
            <header class="chat-head">
                <button type="button" id="chat-back" class="chat-back" onclick={on_back}>
                    { "← Chats" }
                </button>
                <div class="chat-heading">
                    <h2 id="chat-title">{ &p.title }</h2>
                    <p class="hint">{ &p.subtitle }</p>
                </div>
                if p.in_session {
                    <div class="chat-actions">
                        <button type="button" id="chat-transfer" onclick={on_transfer}>
                            { "Transfer…" }
                        </button>
                        <button type="button" id="chat-close" class="danger"
                                aria-describedby="chat-close-hint" onclick={on_close}>
                            { "Close chat" }
                        </button>
                    </div>
                }
            </header>
            if p.in_session {
                <p id="chat-close-hint" class="hint">{ &p.close_hint }</p>
            }
            <ChatTags key={p.id.0} conversation={p.id} tags={p.tags.clone()}
                      on_intent={props.on_intent.clone()} />
            <div class="chat-log" ref={log_ref} role="log" tabindex="0"
                 aria-label={format!("Messages with {}", p.title)} aria-busy={p.loading.to_string()}>
                if p.can_older {
                    <button type="button" id="chat-older" class="chat-older" onclick={on_older}>
                        { "Earlier messages" }
                    </button>
                }
                if !p.history_text.is_empty() {
                    <p class="hint">{ &p.history_text }</p>
                }
                <ol class="chat-messages" role="list">
                    { for p.messages.iter().map(|m| html! {
                        <MessageItem key={m.key.clone()} message={m.clone()}
                                     on_intent={props.on_intent.clone()} />
                    }) }
                </ol>
            </div>
            <Composer key={p.id.0} conversation={p.id} composer={p.composer.clone()}
                      canned={p.canned.clone()} on_intent={props.on_intent.clone()} />
        </article>
    }
}

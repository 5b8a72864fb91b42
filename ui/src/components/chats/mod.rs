//! The Chats desk: the conversation list (`list.rs`, its filters in `filters.rs`) and the conversation open (`conversation.rs`,
//! its messages in `message.rs`, the composer in `composer.rs`). On a phone the list and the
//! conversation take turns (a back button returns to the list); from 900 px they stand side by
//! side (the stylesheet decides). Every word and flag comes from the core (`view.chats`).

mod composer;
mod conversation;
mod filters;
mod list;
mod message;
mod tags;
mod templates;

use headsup_protocol::view::{ChatsView, Intent};
use yew::prelude::*;

use conversation::ConversationPane;
use filters::ChatFilters;
use list::ChatList;

#[derive(Properties, PartialEq)]
pub struct ChatsProps {
    pub view: ChatsView,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn Chats(props: &ChatsProps) -> Html {
    let view = &props.view;
    let class = classes!("chats", view.open.is_some().then_some("has-open"));
    html! {
        <section id="chats" {class} aria-labelledby="chats-title">
            <div class="chat-list-pane">
                <div class="tab-head">
                    <h2 id="chats-title">{ "Chats" }</h2>
                </div>
                <ChatFilters filter={view.filter.clone()} options={view.filter_options.clone()}
                    on_intent={props.on_intent.clone()} />
                <p id="chat-status" class="hint" aria-live="polite" aria-atomic="true">
                    { &view.status_text }
                </p>
                <ChatList rows={view.rows.clone()} on_intent={props.on_intent.clone()} />
            </div>
            if let Some(pane) = &view.open {
                <ConversationPane pane={(**pane).clone()} on_intent={props.on_intent.clone()} />
            }
        </section>
    }
}

//! The conversation list: one button per conversation (the customer, the last message and
//! whether it came in or went out, its time, the unread badge). The button's accessible name is
//! the core's sentence; the visible parts are hidden from screen readers so nothing is read twice.

use headsup_protocol::view::{ChatRow, Intent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChatListProps {
    pub rows: Vec<ChatRow>,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn ChatList(props: &ChatListProps) -> Html {
    html! {
        <ul id="chat-list" class="chat-list" role="list" aria-label="Conversations">
            { for props.rows.iter().map(|row| {
                let conversation = row.id;
                let onclick = props.on_intent.reform(move |_: MouseEvent| {
                    Intent::OpenChat { conversation }
                });
                let class = classes!(
                    "chat-row",
                    row.closed.then_some("closed"),
                    row.unread_text.is_some().then_some("unread"),
                );
                let current = row.selected.then_some("true");
                html! {
                    <li key={row.id.0}>
                        <button type="button" {class} id={format!("chat-{}", row.id.0)}
                                aria-label={row.label.clone()} aria-current={current} {onclick}>
                            // The spaces keep the visible words apart in the text a
                            // voice-control user says (the label holds them in this order).
                            <span class="chat-row-top" aria-hidden="true">
                                <span class="chat-name">{ &row.name }</span>{ " " }
                                <span class="chat-time">{ &row.time_text }</span>
                            </span>{ " " }
                            <span class="chat-row-bottom" aria-hidden="true">
                                <span class="chat-direction">
                                    { if row.incoming { "↙" } else { "↗" } }
                                </span>{ " " }
                                <span class="chat-preview">{ &row.preview }</span>
                                if row.closed {
                                    <>{ " " }<span class="chip">{ &row.state_text }</span></>
                                }
                                if let Some(text) = &row.unread_text {
                                    <>{ " " }<span class="badge">{ text }</span></>
                                }
                            </span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

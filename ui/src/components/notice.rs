//! A message from the core (a refused action, a request taken by someone else), dismissable.

use headsup_protocol::view::{Notice, NoticeLevel};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub notice: Notice,
    pub on_dismiss: Callback<()>,
}

#[function_component]
pub fn NoticeBar(props: &NoticeProps) -> Html {
    let (class, role) = match props.notice.level {
        NoticeLevel::Info => ("info", "status"),
        NoticeLevel::Warning => ("warning", "alert"),
        NoticeLevel::Error => ("error", "alert"),
    };
    let on_dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div id="notice" class={classes!("notice", class)} {role}>
            <span class="notice-text">{ &props.notice.text }</span>
            <button id="notice-dismiss" type="button" class="icon-button"
                    aria-label="Dismiss message" onclick={on_dismiss}>{ "✕" }</button>
        </div>
    }
}

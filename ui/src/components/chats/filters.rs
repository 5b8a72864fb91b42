//! The list's filters: open or closed, unread or read, start date, channel account, who handled
//! it first, tags (several may be ticked: a conversation must carry all) and a search box. Each
//! change sends the filters whole as an intent; the core asks the LDS and lists what passes (the
//! controls show `view.filter`, the choices `view.filter_options`).

use chrono::NaiveDate;
use headsup_protocol::chat::ConversationState;
use headsup_protocol::view::{ChatFilter, ChatFilterOptions, Intent};
use headsup_protocol::ChannelAccountId;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FiltersProps {
    pub filter: ChatFilter,
    pub options: ChatFilterOptions,
    pub on_intent: Callback<Intent>,
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// A callback that changes one part of the filters.
fn change(
    props: &FiltersProps,
    edit: impl Fn(&mut ChatFilter, &Event) + 'static,
) -> Callback<Event> {
    let f = props.filter.clone();
    props.on_intent.reform(move |e: Event| {
        let mut filter = f.clone();
        edit(&mut filter, &e);
        Intent::FilterChats { filter }
    })
}

#[function_component]
pub fn ChatFilters(props: &FiltersProps) -> Html {
    let f = &props.filter;
    let on_state = change(props, |f, e| {
        f.state = match select_value(e).as_str() {
            "open" => Some(ConversationState::Open),
            "closed" => Some(ConversationState::Closed),
            _ => None,
        }
    });
    let on_read = change(props, |f, e| {
        f.unread = match select_value(e).as_str() {
            "unread" => Some(true),
            "read" => Some(false),
            _ => None,
        }
    });
    let on_since = change(props, |f, e| {
        f.since = NaiveDate::parse_from_str(&input_value(e), "%Y-%m-%d").ok();
    });
    let on_account = change(props, |f, e| {
        f.account = select_value(e).parse().ok().map(ChannelAccountId);
    });
    let on_mine = change(props, |f, e| f.mine = select_value(e) == "me");
    let on_text = change(props, |f, e| f.text = input_value(e));
    let since = f.since.map(|d| d.format("%Y-%m-%d").to_string());
    let tags = props.options.tags.iter().enumerate().map(|(i, tag)| {
        let id = format!("chat-filter-tag-{i}");
        let on_tag = {
            let tag = tag.clone();
            change(props, move |f, e| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                f.tags.retain(|t| *t != tag);
                if on {
                    f.tags.push(tag.clone());
                }
            })
        };
        html! {
            <span class="chat-filter-tag" key={tag.clone()}>
                <input type="checkbox" id={id.clone()} checked={f.tags.contains(tag)}
                    onchange={on_tag} />
                <label for={id}>{ tag }</label>
            </span>
        }
    });
    html! {
        <form class="chat-filters" role="search" aria-label="Filter conversations"
            onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label for="chat-filter-text">{ "Search" }</label>
            <input id="chat-filter-text" type="search" value={f.text.clone()}
                placeholder="Name or words in a message" onchange={on_text} />
            <label for="chat-filter-state">{ "Show" }</label>
            <select id="chat-filter-state" onchange={on_state}>
                <option value="" selected={f.state.is_none()}>{ "Open and closed" }</option>
                <option value="open" selected={f.state == Some(ConversationState::Open)}>
                    { "Open" }
                </option>
                <option value="closed" selected={f.state == Some(ConversationState::Closed)}>
                    { "Closed" }
                </option>
            </select>
            <label for="chat-filter-read">{ "Messages" }</label>
            <select id="chat-filter-read" onchange={on_read}>
                <option value="" selected={f.unread.is_none()}>{ "Read and unread" }</option>
                <option value="unread" selected={f.unread == Some(true)}>{ "Unread" }</option>
                <option value="read" selected={f.unread == Some(false)}>{ "Read" }</option>
            </select>
            <label for="chat-filter-since">{ "Started on or after" }</label>
            <input id="chat-filter-since" type="date" value={since.unwrap_or_default()}
                onchange={on_since} />
            <label for="chat-filter-account">{ "Channel account" }</label>
            <select id="chat-filter-account" onchange={on_account}>
                <option value="" selected={f.account.is_none()}>{ "All accounts" }</option>
                { for props.options.accounts.iter().map(|a| html! {
                    <option value={a.id.0.to_string()} selected={f.account == Some(a.id)}>
                        { &a.label }
                    </option>
                }) }
            </select>
            <label for="chat-filter-first">{ "First handled by" }</label>
            <select id="chat-filter-first" onchange={on_mine}>
                <option value="" selected={!f.mine}>{ "Anyone" }</option>
                <option value="me" selected={f.mine}>{ "Me" }</option>
            </select>
            if !props.options.tags.is_empty() {
                <fieldset class="chat-filter-tags">
                    <legend>{ "Tags (all ticked must be on it)" }</legend>
                    { for tags }
                </fieldset>
            }
        </form>
    }
}

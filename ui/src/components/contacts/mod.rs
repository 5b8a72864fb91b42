//! The contacts desk: a search (text, list, tag), its results as buttons that open a card, "More
//! contacts" for the next page and "Add contact". Every word and flag comes from the core
//! (`view.contacts`); the open card replaces the results (`card.rs`), with its journey
//! (`journey.rs`).

mod card;
pub mod draft;

pub(crate) use card::{facts, focus, ContactForm, Place};
mod journey;

use headsup_protocol::view::{ContactsView, Intent};
use headsup_protocol::ContactListId;
use yew::prelude::*;

use card::ContactCard;

#[derive(Properties, PartialEq)]
pub struct ContactsProps {
    pub view: ContactsView,
    pub on_intent: Callback<Intent>,
}

/// The value of the form control with this id ("" when it is not on the page).
pub(crate) fn value_of(id: &str) -> String {
    use wasm_bindgen::JsCast;
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return String::new();
    };
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        input.value()
    } else if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.value()
    } else if let Some(select) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
        select.value()
    } else {
        String::new()
    }
}

/// A list id from a select's value ("" is none).
pub(crate) fn list_id(value: &str) -> Option<ContactListId> {
    value.parse().ok().map(ContactListId)
}

#[function_component]
pub fn Contacts(props: &ContactsProps) -> Html {
    let view = &props.view;
    if let Some(card) = &view.card {
        return html! {
            <ContactCard card={card.clone()} lists={view.lists.clone()}
                         on_intent={props.on_intent.clone()} />
        };
    }
    let onsubmit = props.on_intent.reform(|e: SubmitEvent| {
        e.prevent_default();
        let tag = value_of("contact-tag-filter");
        Intent::SearchContacts {
            text: value_of("contact-search"),
            list: list_id(&value_of("contact-list-filter")),
            tag: Some(tag.trim().to_string()).filter(|t| !t.is_empty()),
        }
    });
    let on_add = props.on_intent.reform(|_: MouseEvent| Intent::NewContact);
    let on_more = props.on_intent.reform(|_: MouseEvent| Intent::MoreContacts);
    html! {
        <section id="contacts" class="contacts" aria-labelledby="contacts-title">
            <div class="tab-head">
                <h2 id="contacts-title">{ "Contacts" }</h2>
                <button type="button" id="contact-add" onclick={on_add}>{ "Add contact" }</button>
            </div>
            <form class="contact-search" role="search" aria-label="Search contacts" {onsubmit}>
                <div class="field wide">
                    <label for="contact-search">{ "Name, phone or e-mail" }</label>
                    <input id="contact-search" type="search" autocomplete="off"
                           value={view.text.clone()} />
                </div>
                <div class="field">
                    <label for="contact-list-filter">{ "List" }</label>
                    <select id="contact-list-filter">
                        <option value="" selected={view.list.is_none()}>{ "All lists" }</option>
                        { for view.lists.iter().map(|l| html! {
                            <option value={l.id.0.to_string()} selected={view.list == Some(l.id)}>
                                { &l.name }
                            </option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for="contact-tag-filter">{ "Tag" }</label>
                    <input id="contact-tag-filter" type="text" autocomplete="off"
                           value={view.tag.clone().unwrap_or_default()} />
                </div>
                <button type="submit" class="primary" id="contact-search-go">{ "Search" }</button>
            </form>
            <p id="contact-status" class="hint" aria-live="polite" aria-atomic="true">
                { &view.status_text }
            </p>
            <ul id="contact-results" class="contact-list" role="list" aria-label="Contacts found"
                aria-busy={view.loading.to_string()}>
                { for view.rows.iter().map(|row| {
                    let contact = row.id;
                    let onclick = props.on_intent.reform(move |_: MouseEvent| {
                        Intent::OpenContact { contact }
                    });
                    html! {
                        <li key={row.id.0}>
                            <button type="button" class="contact-row"
                                    id={format!("contact-{}", row.id.0)} {onclick}>
                                <span class="contact-name">{ &row.name }</span>{ " " }
                                if !row.detail.is_empty() {
                                    <span class="contact-detail">{ &row.detail }</span>{ " " }
                                }
                                <span class="contact-list-name hint">{ &row.list_name }</span>
                                if !row.tags.is_empty() {
                                    { " " }
                                    <span class="chips">
                                        { for row.tags.iter().map(|t| html! {
                                            <span class="chip">{ t }</span>
                                        }) }
                                    </span>
                                }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            if view.can_more {
                <button type="button" id="contact-more" onclick={on_more}>{ "More contacts" }</button>
            }
        </section>
    }
}

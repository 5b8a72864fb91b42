//! A contact's card: its details (masked values shown as the LDS gave them, never editable),
//! "Edit" with the form, "Merge" with a contact of the search, "Duplicate" to another list, and
//! the Customer journey tab. Two tabs, one panel: a tab is a button, so Tab and Enter reach both,
//! and Left/Right move between them as in the ARIA tabs pattern. The details list and the form
//! are also the session panel's card (`Place::Session`: its own ids and intents).

use headsup_protocol::view::{
    ContactCardView, ContactFormView, ContactListOption, ContactTab, Intent,
};
use headsup_protocol::ContactId;
use yew::prelude::*;

use super::draft::{join_values, FormText};
use super::journey::Journey;
use super::{list_id, value_of};

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub card: ContactCardView,
    pub lists: Vec<ContactListOption>,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn ContactCard(props: &CardProps) -> Html {
    let card = &props.card;
    let on_back = props.on_intent.reform(|_: MouseEvent| Intent::CloseContact);
    let tab = |id: &'static str, label: &'static str, which: ContactTab| {
        let onclick = props
            .on_intent
            .reform(move |_: MouseEvent| Intent::ContactTab { tab: which });
        let selected = card.tab == which;
        // The tabs pattern: Left and Right move to the other tab (and open it).
        let onkeydown = {
            let on_intent = props.on_intent.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "ArrowLeft" || e.key() == "ArrowRight" {
                    e.prevent_default();
                    let (other, other_id) = match which {
                        ContactTab::Details => (ContactTab::Journey, "contact-tab-journey"),
                        ContactTab::Journey => (ContactTab::Details, "contact-tab-details"),
                    };
                    on_intent.emit(Intent::ContactTab { tab: other });
                    focus(other_id);
                }
            })
        };
        html! {
            <button type="button" role="tab" {id} class="contact-tab"
                    aria-selected={selected.to_string()} aria-controls="contact-panel"
                    disabled={card.id.is_none()} {onclick} {onkeydown}>
                { label }
            </button>
        }
    };
    let selected_tab = match card.tab {
        ContactTab::Details => "contact-tab-details",
        ContactTab::Journey => "contact-tab-journey",
    };
    let panel = match card.tab {
        ContactTab::Journey => html! {
            <Journey journey={card.journey.clone()}
                     empty_text={AttrValue::from(card.journey_empty_text.clone())} />
        },
        ContactTab::Details => match &card.form {
            Some(form) => html! {
                <ContactForm form={form.clone()} id={card.id} busy={card.busy}
                             place={Place::Desk}
                             key={format!("{:?}-{}", card.id, card.title)}
                             on_intent={props.on_intent.clone()} />
            },
            None => details(card, &props.on_intent),
        },
    };
    html! {
        <section id="contact-card" class="contacts" aria-labelledby="contact-title"
                 aria-busy={(!card.loaded && card.id.is_some()).to_string()}>
            <div class="tab-head">
                <button type="button" id="contact-back" class="back-button" onclick={on_back}>
                    <span aria-hidden="true">{ "← " }</span>{ "Back to contacts" }
                </button>
                <h2 id="contact-title">{ &card.title }</h2>
            </div>
            <div class="contact-tabs" role="tablist" aria-label="Contact">
                { tab("contact-tab-details", "Details", ContactTab::Details) }
                { tab("contact-tab-journey", "Customer journey", ContactTab::Journey) }
            </div>
            <div id="contact-panel" role="tabpanel" aria-labelledby={selected_tab}>
                { panel }
            </div>
        </section>
    }
}

/// Moves the keyboard focus to the element with this id, if it is on the page.
pub(crate) fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// The details as read, with the card's actions.
fn details(card: &ContactCardView, on_intent: &Callback<Intent>) -> Html {
    if !card.loaded {
        return html! { <p class="empty-line">{ "Loading…" }</p> };
    }
    let on_edit = on_intent.reform(|_: MouseEvent| Intent::EditContact { editing: true });
    let on_merge = {
        let on_intent = on_intent.clone();
        Callback::from(move |_: MouseEvent| {
            // The button is enabled only with options, so the select always holds a pick.
            if let Ok(id) = value_of("contact-merge-with").parse() {
                on_intent.emit(Intent::MergeContact {
                    with: ContactId(id),
                });
            }
        })
    };
    let on_duplicate = {
        let on_intent = on_intent.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(list) = list_id(&value_of("contact-duplicate-list")) {
                on_intent.emit(Intent::DuplicateContact { list });
            }
        })
    };
    let disabled = !card.can_edit;
    html! {
        <>
            { facts(card) }
            <div class="actions contact-actions">
                <button type="button" id="contact-edit" class="primary" {disabled}
                        onclick={on_edit}>{ "Edit" }</button>
            </div>
            <div class="contact-action">
                <label for="contact-merge-with">{ "Merge with" }</label>
                <select id="contact-merge-with" disabled={card.merge_options.is_empty()}>
                    { for card.merge_options.iter().map(|o| html! {
                        <option value={o.id.0.to_string()}>{ &o.name }</option>
                    }) }
                </select>
                <button type="button" id="contact-merge"
                        disabled={disabled || card.merge_options.is_empty()}
                        onclick={on_merge}>{ "Merge" }</button>
                if card.merge_options.is_empty() {
                    <p class="hint">{ "Search for the other contact first: it is picked from the results." }</p>
                }
            </div>
            <div class="contact-action">
                <label for="contact-duplicate-list">{ "Copy to list" }</label>
                <select id="contact-duplicate-list" disabled={card.duplicate_lists.is_empty()}>
                    { for card.duplicate_lists.iter().map(|l| html! {
                        <option value={l.id.0.to_string()}>{ &l.name }</option>
                    }) }
                </select>
                <button type="button" id="contact-duplicate"
                        disabled={disabled || card.duplicate_lists.is_empty()}
                        onclick={on_duplicate}>{ "Duplicate" }</button>
            </div>
        </>
    }
}

/// The contact's details as read: masked values as the LDS gave them, marked as hidden.
pub(crate) fn facts(card: &ContactCardView) -> Html {
    html! {
        <dl class="facts contact-facts">
            { for card.fields.iter().map(|f| html! {
                <>
                    <dt>{ &f.label }</dt>
                    <dd class={classes!(f.masked.then_some("masked"))}>
                        { &f.value }
                        if f.masked {
                            <span class="hint">{ " (hidden from you)" }</span>
                        }
                    </dd>
                </>
            }) }
            if !card.tags.is_empty() {
                <dt>{ "Tags" }</dt>
                <dd>
                    <ul class="chips" role="list" aria-label="Tags">
                        { for card.tags.iter().map(|t| html! { <li class="chip">{ t }</li> }) }
                    </ul>
                </dd>
            }
        </dl>
    }
}

/// Where a form is: its controls' ids start with the place's prefix, and it sends that
/// place's intents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Desk,
    Session,
}

impl Place {
    fn id(self, part: &str) -> String {
        match self {
            Place::Desk => format!("contact-{part}"),
            Place::Session => format!("session-card-{part}"),
        }
    }

    fn editing(self, editing: bool) -> Intent {
        match self {
            Place::Desk => Intent::EditContact { editing },
            Place::Session => Intent::EditSessionContact { editing },
        }
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct FormProps {
    pub form: ContactFormView,
    /// `None`: a new contact.
    pub id: Option<ContactId>,
    pub busy: bool,
    pub place: Place,
    pub on_intent: Callback<Intent>,
}

/// The edit form (or a new contact's). A masked part is read-only and says so.
#[function_component]
pub(crate) fn ContactForm(props: &FormProps) -> Html {
    let form = &props.form;
    let new = props.id.is_none();
    let place = props.place;
    let labels = form.field_labels.clone();
    let onsubmit = {
        let on_intent = props.on_intent.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = FormText {
                first_name: value_of(&place.id("first-name")),
                last_name: value_of(&place.id("last-name")),
                company: value_of(&place.id("company")),
                phones: value_of(&place.id("phones")),
                emails: value_of(&place.id("emails")),
                tags: value_of(&place.id("tags")),
                fields: labels
                    .iter()
                    .enumerate()
                    .map(|(i, (key, _))| (key.clone(), value_of(&place.id(&format!("field-{i}")))))
                    .collect(),
            };
            let draft = text.draft();
            if new {
                if let Some(list) = list_id(&value_of(&place.id("new-list"))) {
                    on_intent.emit(Intent::AddContact { list, draft });
                }
            } else if place == Place::Session {
                on_intent.emit(Intent::SaveSessionContact { draft });
            } else {
                on_intent.emit(Intent::SaveContact { draft });
            }
        })
    };
    let on_cancel = if new {
        props.on_intent.reform(|_: MouseEvent| Intent::CloseContact)
    } else {
        props
            .on_intent
            .reform(move |_: MouseEvent| place.editing(false))
    };
    let d = &form.draft;
    let input = |part: &'static str, label: &'static str, value: String, locked: bool| {
        let id = place.id(part);
        let hint_id = format!("{id}-hint");
        html! {
            <div class="field">
                <label for={id.clone()}>{ label }</label>
                <input {id} type="text" autocomplete="off" {value} readonly={locked}
                       aria-describedby={locked.then(|| hint_id.clone())} />
                if locked {
                    <p id={hint_id} class="hint">{ "Hidden from you: it cannot be changed." }</p>
                }
            </div>
        }
    };
    html! {
        <form class="contact-form" {onsubmit}>
            if new {
                <div class="field">
                    <label for={place.id("new-list")}>{ "List" }</label>
                    <select id={place.id("new-list")}>
                        { for form.lists.iter().map(|l| html! {
                            <option value={l.id.0.to_string()}>{ &l.name }</option>
                        }) }
                    </select>
                </div>
            }
            { input("first-name", "First name", d.first_name.clone(), form.name_locked) }
            { input("last-name", "Last name", d.last_name.clone(), form.name_locked) }
            { input("company", "Company", d.company.clone(), form.name_locked) }
            { input("phones", "Phone numbers (separate with commas)",
                    join_values(&d.phones), form.phones_locked) }
            { input("emails", "E-mail addresses (separate with commas)",
                    join_values(&d.emails), form.emails_locked) }
            { input("tags", "Tags (separate with commas)", join_values(&d.tags), false) }
            { for form.field_labels.iter().enumerate().map(|(i, (key, label))| {
                let id = place.id(&format!("field-{i}"));
                html! {
                    <div class="field">
                        <label for={id.clone()}>{ label }</label>
                        <input {id} type="text" autocomplete="off"
                               value={d.fields.get(key).cloned().unwrap_or_default()} />
                    </div>
                }
            }) }
            <div class="actions">
                <button type="submit" id={place.id("save")} class="primary" disabled={props.busy}>
                    { if new { "Add contact" } else { "Save" } }
                </button>
                <button type="button" id={place.id("cancel")} onclick={on_cancel}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

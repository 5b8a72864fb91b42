//! The composer: the draft (the UI's own until sent), the note switch, the queue's canned answers
//! (inserted at the end of the draft) and Send; Ctrl+Enter sends too. When the core says free
//! text cannot be written, the box is disabled and the reason is its description.

use headsup_protocol::chat::CannedAnswer;
use headsup_protocol::view::{ComposerView, Intent};
use headsup_protocol::ConversationId;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::templates::TemplatePicker;

#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    pub conversation: ConversationId,
    pub composer: ComposerView,
    pub canned: Vec<CannedAnswer>,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn Composer(props: &ComposerProps) -> Html {
    let draft = use_state(String::new);
    let c = &props.composer;
    let send = {
        let (draft, on_intent) = (draft.clone(), props.on_intent.clone());
        let (conversation, note, can_write) = (props.conversation, c.note, c.can_write);
        Callback::from(move |()| {
            if !can_write || draft.trim().is_empty() {
                return;
            }
            on_intent.emit(Intent::SendChatMessage {
                conversation,
                body: (*draft).clone(),
                note,
            });
            draft.set(String::new());
        })
    };
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(e.target_unchecked_into::<HtmlTextAreaElement>().value());
        })
    };
    let onkeydown = {
        let send = send.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                send.emit(());
            }
        })
    };
    let onsubmit = {
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit(());
        })
    };
    let on_note = props.on_intent.reform(|e: Event| Intent::ChatNoteMode {
        note: e.target_unchecked_into::<HtmlInputElement>().checked(),
    });
    let on_canned = {
        let (draft, canned) = (draft.clone(), props.canned.clone());
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            let picked = select
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| canned.get(i));
            if let Some(answer) = picked {
                let joined = if draft.trim().is_empty() {
                    answer.text.clone()
                } else {
                    format!("{} {}", draft.trim_end(), answer.text)
                };
                draft.set(joined);
            }
            select.set_value("");
        })
    };
    let class = classes!("chat-composer", c.note.then_some("note"));
    let described = c.blocked_text.as_ref().map(|_| "chat-blocked");
    html! {
        <form id="chat-composer" {class} {onsubmit}>
            <div class="chat-composer-tools">
                <label class="chat-note-switch">
                    <input type="checkbox" id="chat-note" checked={c.note} onchange={on_note} />
                    { " " }{ &c.note_label }
                </label>
                if !props.canned.is_empty() {
                    <label for="chat-canned" class="visually-hidden">{ "Canned answer" }</label>
                    <select id="chat-canned" onchange={on_canned} disabled={!c.can_write}>
                        <option value="" selected=true>{ "Canned answer…" }</option>
                        { for props.canned.iter().enumerate().map(|(i, a)| html! {
                            <option value={i.to_string()}>{ format!("{}: {}", a.code, a.text) }</option>
                        }) }
                    </select>
                }
            </div>
            <label for="chat-text" class="chat-text-label">{ &c.label }</label>
            <textarea id="chat-text" rows="3" value={(*draft).clone()} {oninput} {onkeydown}
                      disabled={!c.can_write} aria-describedby={described}></textarea>
            if let Some(why) = &c.blocked_text {
                <p id="chat-blocked" class="chat-blocked">{ why }</p>
            }
            if c.template_only {
                <TemplatePicker conversation={props.conversation} templates={c.templates.clone()}
                                on_intent={props.on_intent.clone()} />
            }
            <div class="actions">
                <button type="submit" class="primary" id="chat-send" disabled={!c.can_write}>
                    { &c.send_label }
                </button>
                <span class="hint">{ "Ctrl+Enter sends" }</span>
            </div>
        </form>
    }
}

//! The wrap-up form after a session whose queue has one: a disposition (required or optional,
//! as the core says), a note, and "Done". When it closes by itself is the core's sentence. It
//! takes the focus when it appears.

use headsup_protocol::view::{Intent, WrapUpView};
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WrapUpProps {
    pub form: WrapUpView,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn WrapUpPanel(props: &WrapUpProps) -> Html {
    // The select is controlled: it shows the agent's pick, and "Pick one" until there is one
    // (WebKit otherwise kept whichever option it last drew).
    let chosen = use_state(String::new);
    let note = use_node_ref();
    let select = use_node_ref();
    {
        // The form appears where the session panel was, often above what the agent was
        // reading (a chat's composer): the focus goes to its first field, which scrolls it into
        // view and tells a screen reader where the agent is now.
        let select = select.clone();
        use_effect_with((), move |_| {
            if let Some(el) = select.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let onchange = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            chosen.set(e.target_unchecked_into::<HtmlSelectElement>().value());
        })
    };
    let onsubmit = {
        let (chosen, note) = (chosen.clone(), note.clone());
        props.on_intent.reform(move |e: SubmitEvent| {
            e.prevent_default();
            let code = Some((*chosen).clone()).filter(|v| !v.is_empty());
            let text = note
                .cast::<HtmlTextAreaElement>()
                .map(|t| t.value())
                .filter(|v| !v.trim().is_empty());
            Intent::FinishWrapUp {
                disposition: code,
                note: text,
            }
        })
    };
    let form = &props.form;
    let disposition_label = if form.required {
        "Disposition"
    } else {
        "Disposition (optional)"
    };
    html! {
        <section id="wrap-up" class="wrap-up" aria-labelledby="wrap-up-title">
            <h2 id="wrap-up-title">{ "Wrap-up" }</h2>
            <p id="wrap-up-closes" class="hint">{ &form.closes_text }</p>
            <form {onsubmit}>
                <label for="wrap-up-disposition">{ disposition_label }</label>
                <select id="wrap-up-disposition" ref={select} required={form.required}
                        {onchange}>
                    <option value="" selected={chosen.is_empty()}>{ "Pick one" }</option>
                    { for form.dispositions.iter().map(|d| html! {
                        <option value={d.code.clone()} selected={*chosen == d.code}>
                            { &d.label }
                        </option>
                    }) }
                </select>
                <label for="wrap-up-note">{ "Note (optional)" }</label>
                <textarea id="wrap-up-note" ref={note} rows="3" maxlength="1000"></textarea>
                <button id="wrap-up-done" type="submit" class="primary">{ "Done" }</button>
            </form>
        </section>
    }
}

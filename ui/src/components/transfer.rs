//! The transfer picker on the session panel: whom to hand the customer to (colleagues with what
//! they are doing, then queues, as the core lists them), "Transfer" and "Cancel".

use headsup_protocol::view::{Intent, TransferPickerView};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TransferProps {
    pub picker: TransferPickerView,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn TransferPicker(props: &TransferProps) -> Html {
    // Controlled by the option's index in the core's list ("" until the agent picks one).
    let chosen = use_state(String::new);
    let onchange = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            chosen.set(e.target_unchecked_into::<HtmlSelectElement>().value());
        })
    };
    let options = props.picker.options.clone();
    let onsubmit = {
        let chosen = chosen.clone();
        let on_intent = props.on_intent.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let picked = chosen.parse::<usize>().ok().and_then(|i| options.get(i));
            if let Some(option) = picked {
                on_intent.emit(Intent::Transfer {
                    to: option.target.clone(),
                });
            }
        })
    };
    let on_cancel = props
        .on_intent
        .reform(|_: MouseEvent| Intent::CloseTransfer);
    let picker = &props.picker;
    let placeholder = if picker.loading {
        "Loading…"
    } else if picker.options.is_empty() {
        "Nobody to transfer to"
    } else {
        "Pick one"
    };
    html! {
        <form id="transfer" class="transfer" {onsubmit} aria-busy={picker.loading.to_string()}>
            <label for="transfer-to">{ "Transfer to" }</label>
            <select id="transfer-to" required=true {onchange}>
                <option value="" selected={chosen.is_empty()}>{ placeholder }</option>
                { for picker.options.iter().enumerate().map(|(i, o)| html! {
                    <option value={i.to_string()} selected={*chosen == i.to_string()}>
                        { &o.label }
                    </option>
                }) }
            </select>
            <div class="actions">
                <button id="transfer-send" type="submit" class="primary"
                        disabled={chosen.is_empty()}>
                    { "Transfer" }
                </button>
                <button id="transfer-cancel" type="button" onclick={on_cancel}>
                    { "Cancel" }
                </button>
            </div>
        </form>
    }
}

//! Profile → Notifications: the agent's notification settings, saved as one `SaveSettings`, and
//! whether the OS lets them through (`os_permission`).

use super::os_permission::NotificationPermission;
use headsup_protocol::view::{Settings, SettingsLimits};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub settings: Settings,
    /// What the core accepts: the number fields keep inside it.
    pub limits: SettingsLimits,
    pub on_save: Callback<Settings>,
    pub on_close: Callback<()>,
}

#[function_component]
pub fn SettingsPanel(props: &SettingsProps) -> Html {
    // The form's draft. When the app's settings change (after a save, or from another device),
    // the form shows them afresh.
    let draft = use_state(|| props.settings.clone());
    // Whether Save was pressed since the panel opened: then "no unsaved changes" means "saved".
    let saved_once = use_state(|| false);
    {
        let draft = draft.clone();
        use_effect_with(props.settings.clone(), move |settings| {
            draft.set(settings.clone());
        });
    }

    let checkbox = |id: &'static str,
                    label: &'static str,
                    hint: &'static str,
                    get: fn(&Settings) -> bool,
                    put: fn(&mut Settings, bool),
                    // More about the setting, under the hint, with its own element id.
                    more: Option<(&'static str, Html)>| {
        let checked = get(&draft);
        let draft = draft.clone();
        let onchange = Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            let mut next = (*draft).clone();
            put(&mut next, on);
            draft.set(next);
        });
        let described_by = match &more {
            Some((more_id, _)) => format!("{id}-hint {more_id}"),
            None => format!("{id}-hint"),
        };
        html! {
            <div class="setting">
                <input {id} type="checkbox" {checked} {onchange}
                       aria-describedby={described_by} />
                <label for={id}>{ label }</label>
                <p id={format!("{id}-hint")} class="hint">{ hint }</p>
                { more.map(|(_, html)| html).unwrap_or_default() }
            </div>
        }
    };
    let number = |id: &'static str,
                  label: &'static str,
                  (min, max): (u32, u32),
                  get: fn(&Settings) -> u32,
                  put: fn(&mut Settings, u32)| {
        let value = get(&draft).to_string();
        let draft = draft.clone();
        let onchange = Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            // An unreadable number keeps the previous value; the field shows it again.
            let value = input
                .value()
                .trim()
                .parse()
                .unwrap_or(get(&draft))
                .clamp(min, max);
            let mut next = (*draft).clone();
            put(&mut next, value);
            draft.set(next);
        });
        html! {
            <div class="setting number">
                <label for={id}>{ label }</label>
                <input {id} type="number" min={min.to_string()} max={max.to_string()} step="1"
                       inputmode="numeric" {value} {onchange} />
            </div>
        }
    };

    let changed = *draft != props.settings;
    let onsubmit = {
        let (draft, saved_once, on_save) =
            (draft.clone(), saved_once.clone(), props.on_save.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            saved_once.set(true);
            on_save.emit((*draft).clone());
        })
    };
    let on_close = props.on_close.reform(|_: MouseEvent| ());

    html! {
        <section id="settings" class="panel" aria-labelledby="settings-title">
            <div class="panel-head">
                <h2 id="settings-title">{ "Notifications" }</h2>
                <button id="settings-close" type="button" class="icon-button"
                        aria-label="Close notification settings" onclick={on_close}>{ "✕" }</button>
            </div>
            <form {onsubmit}>
                { checkbox("setting-notifications", "Desktop notifications",
                    "A notification for every new request and every scheduled call that is due.",
                    |s| s.notifications, |s, v| s.notifications = v,
                    // What the OS allows, beside what the agent wants.
                    Some(("notification-permission", html! { <NotificationPermission /> }))) }
                { checkbox("setting-sound", "Sound",
                    "Play the system sound with each notification.",
                    |s| s.sound, |s, v| s.sound = v, None) }
                { checkbox("setting-mask-phone", "Mask phone numbers",
                    "Hide most digits of phone numbers in notifications (lock screens).",
                    |s| s.mask_phone, |s, v| s.mask_phone = v, None) }
                <fieldset class="realert">
                    <legend>{ "While a customer waits unclaimed" }</legend>
                    { number("setting-realert-secs", "Alert again every (seconds)",
                        (props.limits.realert_secs_min, props.limits.realert_secs_max),
                        |s| s.realert_secs, |s, v| s.realert_secs = v) }
                    { number("setting-realert-max", "At most (times; 0 = never)",
                        (0, props.limits.realert_max_max),
                        |s| s.realert_max, |s, v| s.realert_max = v) }
                </fieldset>
                <div class="actions">
                    <button id="settings-save" type="submit" class="primary"
                            disabled={!changed}>{ "Save" }</button>
                    <span class="save-state" role="status">
                        { if changed { "Unsaved changes" } else if *saved_once { "Saved" } else { "" } }
                    </span>
                </div>
            </form>
        </section>
    }
}

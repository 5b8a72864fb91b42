//! The two-step sign-in of the seeds: e-mail → NEXT → password → CONNECT.

use headsup_protocol::view::{Intent, LoginView};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SignInProps {
    pub login: LoginView,
    pub on_intent: Callback<Intent>,
}

#[function_component]
pub fn SignIn(props: &SignInProps) -> Html {
    let email_ref = use_node_ref();
    let password_ref = use_node_ref();

    // Put the cursor where the agent types next whenever the step changes, and select a
    // rejected password so it can simply be typed again.
    {
        let (email_ref, password_ref) = (email_ref.clone(), password_ref.clone());
        use_effect_with(props.login.clone(), move |login| {
            let target = match login {
                LoginView::Email => email_ref.cast::<HtmlInputElement>(),
                LoginView::Password { .. } => password_ref.cast::<HtmlInputElement>(),
                _ => None,
            };
            if let Some(input) = target {
                let _ = input.focus();
                input.select();
            }
        });
    }

    let body = match &props.login {
        LoginView::Email | LoginView::SignedIn => email_step(&email_ref, &props.on_intent),
        LoginView::Password { email, error } => password_step(
            email,
            error.as_deref(),
            false,
            &password_ref,
            &props.on_intent,
        ),
        LoginView::Connecting { email } => {
            password_step(email, None, true, &password_ref, &props.on_intent)
        }
    };
    html! {
        <main id="sign-in" class="centered-card">
            <h1>{ "Sign in" }</h1>
            { body }
        </main>
    }
}

fn email_step(email_ref: &NodeRef, on_intent: &Callback<Intent>) -> Html {
    let onsubmit = {
        let (email_ref, on_intent) = (email_ref.clone(), on_intent.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(input) = email_ref.cast::<HtmlInputElement>() {
                let email = input.value().trim().to_string();
                if !email.is_empty() {
                    on_intent.emit(Intent::SubmitEmail { email });
                }
            }
        })
    };
    html! {
        <form {onsubmit} novalidate=true>
            <label for="email">{ "Agent e-mail" }</label>
            <input id="email" ref={email_ref} type="email" name="email" autocomplete="username"
                   required=true placeholder="you@company.com" />
            <button id="email-next" type="submit" class="primary">{ "NEXT" }</button>
        </form>
    }
}

fn password_step(
    email: &str,
    error: Option<&str>,
    connecting: bool,
    password_ref: &NodeRef,
    on_intent: &Callback<Intent>,
) -> Html {
    let onsubmit = {
        let (password_ref, on_intent) = (password_ref.clone(), on_intent.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if connecting {
                return; // One attempt at a time; the button is disabled too.
            }
            if let Some(input) = password_ref.cast::<HtmlInputElement>() {
                on_intent.emit(Intent::SubmitPassword {
                    password: input.value(),
                });
            }
        })
    };
    let on_change_email = {
        let on_intent = on_intent.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            on_intent.emit(Intent::ChangeEmail);
        })
    };
    html! {
        <form {onsubmit} aria-busy={connecting.to_string()}>
            <p class="signing-in-as">
                <span>{ email }</span>
                <a id="change-email" href="#" onclick={on_change_email}>{ "Change e-mail" }</a>
            </p>
            <label for="password">{ "Password" }</label>
            <input id="password" ref={password_ref} type="password" name="password"
                   autocomplete="current-password" disabled={connecting}
                   aria-invalid={error.is_some().to_string()}
                   aria-describedby={error.map(|_| "login-error")} />
            if let Some(error) = error {
                <p id="login-error" class="field-error" role="alert">{ error }</p>
            }
            <button id="connect" type="submit" class={classes!("primary", connecting.then_some("busy"))}
                    disabled={connecting} aria-busy={connecting.to_string()}>
                if connecting {
                    <span class="spinner" aria-hidden="true"></span>{ "CONNECTING…" }
                } else {
                    { "CONNECT" }
                }
            </button>
        </form>
    }
}

//! The root component: picks the screen for the current state and wires the views' callbacks to
//! intents (for the app) or to navigation (the UI's own business).

use crate::components::chats::Chats;
use crate::components::check::CheckPanel;
use crate::components::connection_bar::ConnectionBar;
use crate::components::contacts::Contacts;
use crate::components::dashboard::Dashboard;
use crate::components::desk_nav::DeskNav;
use crate::components::fallback::Fallback;
use crate::components::header::{Header, MenuChoice};
use crate::components::notice::NoticeBar;
use crate::components::request_tab::RequestTab;
use crate::components::session::SessionPanel;
use crate::components::settings::SettingsPanel;
use crate::components::sign_in::SignIn;
use crate::components::wrap_up::WrapUpPanel;
use crate::hooks::{use_intent, use_render_probe, use_tauri_view};
use crate::state::{Action, Bridge, Screen};
use headsup_protocol::view::{DeskId, Intent, LoginView, ViewState};
use yew::prelude::*;

#[function_component]
pub fn App() -> Html {
    let state = use_tauri_view();
    let on_intent = use_intent(&state);
    use_render_probe(&state);

    match state.bridge {
        Bridge::Missing => return html! { <Fallback /> },
        Bridge::Starting => {
            return html! {
                <main class="centered-card" aria-busy="true">
                    <h1>{ "Heads-Up" }</h1>
                    { match &state.link_problem {
                        Some(why) => html! { <p class="field-error" role="alert">{ why }</p> },
                        None => html! { <p class="hint">{ "Starting…" }</p> },
                    } }
                </main>
            };
        }
        Bridge::Live => {}
    }

    let view = &state.view;
    let link_problem = state.link_problem.as_ref().map(|why| {
        html! { <div id="link-problem" class="notice error" role="alert">{ why }</div> }
    });
    let notice = view.notice.clone().map(|notice| {
        let on_dismiss = on_intent.reform(|_| Intent::DismissNotice);
        html! { <NoticeBar {notice} {on_dismiss} /> }
    });

    if view.login != LoginView::SignedIn {
        return html! {
            <div class="app signed-out">
                <header class="top-bar">
                    <span class="brand">{ "Heads-Up" }</span>
                    <ConnectionBar connection={view.connection.clone()}
                                   times={view.connection_times.clone()} />
                </header>
                { link_problem }
                { notice }
                <SignIn login={view.login.clone()} on_intent={on_intent.clone()} />
            </div>
        };
    }

    let dispatcher = state.dispatcher();
    let show = |screen: Screen| {
        let dispatcher = dispatcher.clone();
        Callback::from(move |()| dispatcher.dispatch(Action::Show(screen)))
    };
    let on_choose = {
        let (dispatcher, on_intent) = (dispatcher.clone(), on_intent.clone());
        Callback::from(move |choice: MenuChoice| match choice {
            MenuChoice::Notifications => dispatcher.dispatch(Action::Show(Screen::Settings)),
            MenuChoice::Check => dispatcher.dispatch(Action::Show(Screen::Check)),
            MenuChoice::Logout => {
                dispatcher.dispatch(Action::CloseMenu);
                on_intent.emit(Intent::Logout);
            }
        })
    };

    // Leaving settings or the check for a desk is the UI's own navigation; which desk is open
    // is the core's.
    let current = (state.screen == Screen::Requests).then_some(view.open_desk);
    let on_open = {
        let (dispatcher, on_intent) = (dispatcher.clone(), on_intent.clone());
        Callback::from(move |desk: DeskId| {
            dispatcher.dispatch(Action::Show(Screen::Requests));
            on_intent.emit(Intent::OpenDesk { desk });
        })
    };

    let screen = match state.screen {
        Screen::Requests if view.open_desk == DeskId::Dashboard => html! {
            <Dashboard view={view.dashboard.clone()}
                       total_sentence={badge_label(view, DeskId::Dashboard)}
                       on_intent={on_intent.clone()} />
        },
        Screen::Requests if view.open_desk == DeskId::Contacts => html! {
            <Contacts view={view.contacts.clone()} on_intent={on_intent.clone()} />
        },
        Screen::Requests if view.open_desk == DeskId::Chats => html! {
            <Chats view={view.chats.clone()} on_intent={on_intent.clone()} />
        },
        Screen::Requests => html! {
            <RequestTab queue={state.queue.clone()} history={state.history.clone()}
                        scheduled={state.scheduled.clone()}
                        attend_next={view.attend_next.clone()}
                        waiting_sentence={badge_label(view, DeskId::Requests)} focus={view.focus}
                        on_intent={on_intent.clone()} />
        },
        Screen::Settings => {
            let on_save = on_intent.reform(|settings| Intent::SaveSettings { settings });
            html! {
                <SettingsPanel settings={view.settings.clone()} limits={view.settings_limits}
                               {on_save}
                               on_close={show(Screen::Requests)} />
            }
        }
        Screen::Check => html! {
            <CheckPanel connection={view.connection.clone()}
                        times={view.connection_times.clone()}
                        on_close={show(Screen::Requests)} />
        },
    };

    html! {
        <div class="app">
            <Header agent={view.agent.clone()} connection={view.connection.clone()}
                    connection_times={view.connection_times.clone()}
                    status={view.status.clone()} on_intent={on_intent.clone()}
                    menu_open={state.menu_open}
                    on_toggle_menu={Callback::from({
                        let dispatcher = dispatcher.clone();
                        move |()| dispatcher.dispatch(Action::ToggleMenu)
                    })}
                    on_close_menu={Callback::from({
                        let dispatcher = dispatcher.clone();
                        move |()| dispatcher.dispatch(Action::CloseMenu)
                    })}
                    {on_choose} />
            { link_problem }
            { notice }
            <div class="desk-shell">
                <DeskNav desks={view.desks.clone()} {current} {on_open} />
                <main class="content">
                    if let Some(session) = view.session.clone() {
                        <SessionPanel {session} on_intent={on_intent.clone()} />
                    }
                    if let Some(form) = view.status.wrap_up.clone() {
                        <WrapUpPanel {form} on_intent={on_intent.clone()} />
                    }
                    { screen }
                </main>
            </div>
        </div>
    }
}

/// A desk's badge in words ("3 customers waiting"), as the core wrote it.
fn badge_label(view: &ViewState, desk: DeskId) -> AttrValue {
    view.desks
        .iter()
        .find(|d| d.id == desk)
        .map(|d| AttrValue::from(d.badge_label.clone()))
        .unwrap_or_default()
}

//! The top bar: the agent's name (opening the profile menu), their status and the connection
//! bar.

use super::connection_bar::ConnectionBar;
use super::status_switch::StatusSwitch;
use headsup_protocol::model::AgentInfo;
use headsup_protocol::view::{ConnectionTimes, ConnectionView, Intent, StatusView};
use yew::prelude::*;

/// An entry of the profile menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuChoice {
    Notifications,
    Check,
    Logout,
}

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub agent: Option<AgentInfo>,
    pub connection: ConnectionView,
    pub connection_times: ConnectionTimes,
    pub status: StatusView,
    pub on_intent: Callback<Intent>,
    pub menu_open: bool,
    pub on_toggle_menu: Callback<()>,
    pub on_close_menu: Callback<()>,
    pub on_choose: Callback<MenuChoice>,
}

#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    let profile = props.agent.as_ref().map(|agent| {
        let on_toggle = props.on_toggle_menu.reform(|_: MouseEvent| ());
        let on_close = props.on_close_menu.clone();
        let on_keydown = Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        });
        let item = |id: &'static str, label: &'static str, choice: MenuChoice| {
            let onclick = props.on_choose.reform(move |_: MouseEvent| choice);
            html! { <li role="none"><button {id} type="button" role="menuitem" {onclick}>{ label }</button></li> }
        };
        html! {
            <div class="profile" onkeydown={on_keydown}>
                <button id="agent-name" type="button" class="agent-name"
                        aria-haspopup="menu" aria-expanded={props.menu_open.to_string()}
                        aria-controls="profile-menu" onclick={on_toggle}>
                    <span class="avatar" aria-hidden="true">{ initials(&agent.name) }</span>
                    <span class="who">
                        <span class="name">{ &agent.name }</span>
                        <span class="team">{ &agent.team_name }</span>
                    </span>
                </button>
                if props.menu_open {
                    <ul id="profile-menu" class="menu" role="menu" aria-label="Profile">
                        { item("menu-notifications", "Notifications", MenuChoice::Notifications) }
                        { item("menu-check", "Notification check", MenuChoice::Check) }
                        { item("menu-logout", "Log out", MenuChoice::Logout) }
                    </ul>
                }
            </div>
        }
    });
    html! {
        <header class="top-bar">
            // The page's one h1, for screen readers' heading navigation; the eye has the bar.
            <h1 class="visually-hidden">{ "Heads-Up" }</h1>
            { profile.unwrap_or_else(|| html! { <span class="brand">{ "Heads-Up" }</span> }) }
            if props.agent.is_some() {
                <StatusSwitch status={props.status.clone()} on_intent={props.on_intent.clone()} />
            }
            <ConnectionBar connection={props.connection.clone()}
                           times={props.connection_times.clone()} />
        </header>
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn initials_take_two_words() {
        assert_eq!(super::initials("ana maría lópez"), "AM");
        assert_eq!(super::initials("Bo"), "B");
        assert_eq!(super::initials(""), "");
    }
}

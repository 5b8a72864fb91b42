//! The UI's one state, as a reducer: the latest `ViewState` from the app plus the little the UI
//! owns itself (which screen is open, whether the profile menu is open). The view is replaced
//! wholesale on every event; nothing here second-guesses it.

use crate::probe::Arrival;
use headsup_protocol::view::{LoginView, QueueRow, RowSection, ViewState};
use std::rc::Rc;
use yew::Reducible;

/// A list of rows shared with the components. Each row sits behind its own `Rc` so a row
/// component's props are one pointer, and an unchanged row (equal value) skips re-rendering.
pub type Rows = Rc<Vec<Rc<QueueRow>>>;

/// How the link to the app stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bridge {
    /// Waiting for the first view.
    Starting,
    /// No `window.__TAURI__`: opened in a plain browser.
    Missing,
    /// At least one view arrived.
    Live,
}

/// Screens the UI navigates between by itself (the session panel is not one: it shows whenever
/// the app says there is a session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Requests,
    Settings,
    Check,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub bridge: Bridge,
    /// The latest view, with `queue` and `scheduled` moved out into [`AppState::queue`],
    /// [`AppState::history`] and [`AppState::scheduled`].
    pub view: Rc<ViewState>,
    /// The open rows of the view's `queue` (its [`RowSection::Open`] part), in its order.
    pub queue: Rows,
    /// The closed rows of the view's `queue` ([`RowSection::History`]), in its order.
    pub history: Rows,
    pub scheduled: Rows,
    pub screen: Screen,
    pub menu_open: bool,
    /// Trouble on the link to the app: a view we could not read, an intent it could not even
    /// receive. Refusals are not this: the core sends those as notices.
    pub link_problem: Option<String>,
    /// Views applied so far, and when the newest arrived: for the render probe (`probe.rs`).
    pub views: u64,
    pub arrival: Arrival,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            bridge: Bridge::Starting,
            view: Rc::default(),
            queue: Rc::default(),
            history: Rc::default(),
            scheduled: Rc::default(),
            screen: Screen::Requests,
            menu_open: false,
            link_problem: None,
            views: 0,
            arrival: Arrival::default(),
        }
    }
}

pub enum Action {
    /// A view from the app, and when it arrived.
    ViewArrived {
        view: Box<ViewState>,
        arrival: Arrival,
    },
    BridgeMissing,
    LinkFailed(String),
    Show(Screen),
    ToggleMenu,
    CloseMenu,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::ViewArrived { view, arrival } => {
                next.take_view(*view);
                next.views += 1;
                next.arrival = arrival;
            }
            Action::BridgeMissing => next.bridge = Bridge::Missing,
            Action::LinkFailed(why) => next.link_problem = Some(why),
            Action::Show(screen) => {
                next.screen = screen;
                next.menu_open = false;
            }
            Action::ToggleMenu => next.menu_open = !next.menu_open,
            Action::CloseMenu => next.menu_open = false,
        }
        Rc::new(next)
    }
}

impl AppState {
    fn take_view(&mut self, mut view: ViewState) {
        // A new focus (a notification was tapped) means "show me that request": leave settings
        // or the check screen for the request tab. An unchanged focus must not pull the agent
        // back every time the queue updates.
        if view.focus.is_some() && view.focus != self.view.focus {
            self.screen = Screen::Requests;
            self.menu_open = false;
        }
        if view.login != LoginView::SignedIn {
            // Signed out: the next agent to sign in starts on the request tab.
            self.screen = Screen::Requests;
            self.menu_open = false;
        }
        // The core decides each row's section and orders the queue; the UI only splits it.
        let (open, history): (Vec<_>, Vec<_>) = std::mem::take(&mut view.queue)
            .into_iter()
            .partition(|r| r.section == RowSection::Open);
        self.queue = share_rows(open);
        self.history = share_rows(history);
        self.scheduled = share_rows(std::mem::take(&mut view.scheduled));
        self.view = Rc::new(view);
        self.bridge = Bridge::Live;
        // The app is talking to us again: an earlier link problem is over.
        self.link_problem = None;
    }
}

fn share_rows(rows: Vec<QueueRow>) -> Rows {
    Rc::new(rows.into_iter().map(Rc::new).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use headsup_protocol::model::RequestKind;
    use headsup_protocol::view::RowStatus;
    use headsup_protocol::RequestId;

    fn row(id: i64) -> QueueRow {
        QueueRow {
            id: RequestId(id),
            kind: RequestKind::CallNow,
            label: format!("Customer {id}"),
            status: RowStatus::Now,
            blinking: true,
            created_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            due_local: None,
            section: RowSection::Open,
            status_text: String::new(),
        }
    }

    fn signed_in() -> ViewState {
        ViewState {
            login: LoginView::SignedIn,
            queue: vec![row(1), row(2)],
            ..ViewState::default()
        }
    }

    fn reduce(state: AppState, action: Action) -> AppState {
        (*Rc::new(state).reduce(action)).clone()
    }

    fn arrived(view: ViewState) -> Action {
        Action::ViewArrived {
            view: Box::new(view),
            arrival: Arrival::default(),
        }
    }

    #[test]
    fn a_view_replaces_the_rows_and_goes_live() {
        let s = reduce(AppState::default(), arrived(signed_in()));
        assert_eq!(s.bridge, Bridge::Live);
        let ids: Vec<_> = s.queue.iter().map(|r| r.id.0).collect();
        assert_eq!(ids, [1, 2]);
        assert!(s.view.queue.is_empty(), "rows live only in AppState::queue");

        let mut fewer = signed_in();
        fewer.queue.truncate(1);
        let s = reduce(s, arrived(fewer));
        assert_eq!(s.queue.len(), 1);
    }

    #[test]
    fn history_rows_go_to_their_own_list_in_the_cores_order() {
        let mut view = signed_in();
        let closed = |id| QueueRow {
            status: RowStatus::TimedOut,
            blinking: false,
            section: RowSection::History,
            ..row(id)
        };
        view.queue = vec![row(1), row(2), closed(4), closed(3)];
        let s = reduce(AppState::default(), arrived(view));
        let ids = |rows: &Rows| rows.iter().map(|r| r.id.0).collect::<Vec<_>>();
        assert_eq!(ids(&s.queue), [1, 2]);
        assert_eq!(ids(&s.history), [4, 3]);
    }

    #[test]
    fn a_new_focus_opens_the_request_tab_once() {
        let s = reduce(AppState::default(), arrived(signed_in()));
        let s = reduce(s, Action::Show(Screen::Settings));
        let mut focused = signed_in();
        focused.focus = Some(RequestId(2));
        let s = reduce(s, arrived(focused.clone()));
        assert_eq!(s.screen, Screen::Requests);
        assert_eq!(s.view.focus, Some(RequestId(2)));

        // The agent goes back to settings; a later update with the same focus leaves them there.
        let s = reduce(s, Action::Show(Screen::Settings));
        let s = reduce(s, arrived(focused));
        assert_eq!(s.screen, Screen::Settings);
    }

    #[test]
    fn signing_out_closes_menu_and_screens() {
        let s = reduce(AppState::default(), arrived(signed_in()));
        let s = reduce(s, Action::Show(Screen::Check));
        let s = reduce(s, Action::ToggleMenu);
        assert!(s.menu_open);
        let s = reduce(s, arrived(ViewState::default()));
        assert_eq!(s.screen, Screen::Requests);
        assert!(!s.menu_open);
    }

    #[test]
    fn views_are_counted_for_the_render_probe() {
        let s = reduce(AppState::default(), arrived(signed_in()));
        let later = Arrival {
            at_ms: 1234.5,
            parse_ms: 6.5,
        };
        let s = reduce(
            s,
            Action::ViewArrived {
                view: Box::new(signed_in()),
                arrival: later,
            },
        );
        assert_eq!(s.views, 2);
        assert_eq!(s.arrival, later, "the probe times the newest view");
        let s = reduce(s, Action::Show(Screen::Settings));
        assert_eq!(s.views, 2, "only views count");
    }

    #[test]
    fn a_view_clears_a_link_problem() {
        let s = reduce(AppState::default(), Action::LinkFailed("no app".into()));
        assert_eq!(s.link_problem.as_deref(), Some("no app"));
        assert_eq!(s.bridge, Bridge::Starting);
        let s = reduce(s, arrived(signed_in()));
        assert_eq!(s.link_problem, None);
    }
}

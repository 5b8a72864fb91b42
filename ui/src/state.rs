//! The UI's one state, as a reducer: the view the app streams (a full slice, then patches; see
//! `headsup_protocol::view::patch`) plus the little the UI owns itself (which screen is open,
//! whether the profile menu is open). Patches are applied as they come; nothing here
//! second-guesses them. A patch that does not follow the version held marks a gap, and the
//! hook asks the app for a full slice.

use crate::probe::Arrival;
use headsup_protocol::view::{
    ListPatch, LoginView, PatchGap, QueueRow, RowSection, ViewPatch, ViewState, ViewUpdate,
};
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
    /// The version of the view held (0: none yet).
    pub version: u64,
    /// Bumped when a patch did not follow `version`: the hook then asks for a full slice.
    pub gaps: u64,
    /// The latest view, with `queue` and `scheduled` moved out into [`AppState::queue`],
    /// [`AppState::history`] and [`AppState::scheduled`].
    pub view: Rc<ViewState>,
    /// The view's `queue` in the core's order, each row shared with the lists below, so a patch
    /// keeps every unchanged row the same `Rc` (its component does not re-render).
    pub all_rows: Rc<Vec<Rc<QueueRow>>>,
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
            version: 0,
            gaps: 0,
            view: Rc::default(),
            all_rows: Rc::default(),
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
    /// An update of the view from the app (a full slice or a patch), and when it arrived.
    ViewArrived {
        update: Box<ViewUpdate>,
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
            Action::ViewArrived { update, arrival } => match next.take_update(*update) {
                Ok(true) => {
                    next.views += 1;
                    next.arrival = arrival;
                }
                Ok(false) => return self, // Older than what we hold: nothing to do.
                Err(PatchGap) => next.gaps += 1,
            },
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
    /// Applies one update; `Ok(false)` when it is older than the view held (ignored).
    fn take_update(&mut self, update: ViewUpdate) -> Result<bool, PatchGap> {
        match update {
            ViewUpdate::Full { version, view } => {
                if version < self.version {
                    return Ok(false);
                }
                self.version = version;
                self.take_view(*view);
            }
            ViewUpdate::Patch { version, patches } => {
                if version <= self.version {
                    return Ok(false);
                }
                if version != self.version + 1 || self.bridge != Bridge::Live {
                    return Err(PatchGap);
                }
                let mut view = (*self.view).clone();
                let mut rows = (*self.all_rows).clone();
                let mut scheduled = (*self.scheduled).clone();
                let (mut rows_changed, mut scheduled_changed) = (false, false);
                for patch in patches {
                    match patch {
                        ViewPatch::Field(field) => view.set(field),
                        ViewPatch::Queue(p) => {
                            apply(&p, &mut rows)?;
                            rows_changed = true;
                        }
                        ViewPatch::Scheduled(p) => {
                            apply(&p, &mut scheduled)?;
                            scheduled_changed = true;
                        }
                    }
                }
                self.version = version;
                self.follow_view(&view);
                self.view = Rc::new(view);
                if rows_changed {
                    self.set_rows(rows);
                }
                if scheduled_changed {
                    self.scheduled = Rc::new(scheduled);
                }
            }
        }
        self.bridge = Bridge::Live;
        // The app is talking to us again: an earlier link problem is over.
        self.link_problem = None;
        Ok(true)
    }

    fn take_view(&mut self, mut view: ViewState) {
        self.follow_view(&view);
        self.set_rows(share_rows(std::mem::take(&mut view.queue)));
        self.scheduled = Rc::new(share_rows(std::mem::take(&mut view.scheduled)));
        self.view = Rc::new(view);
    }

    /// The UI's own state that follows the view: which screen is open.
    fn follow_view(&mut self, view: &ViewState) {
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
    }

    /// The core decides each row's section and orders the queue; the UI only splits it.
    fn set_rows(&mut self, rows: Vec<Rc<QueueRow>>) {
        let (open, history): (Vec<_>, Vec<_>) = rows
            .iter()
            .cloned()
            .partition(|r| r.section == RowSection::Open);
        self.queue = Rc::new(open);
        self.history = Rc::new(history);
        self.all_rows = Rc::new(rows);
    }
}

fn apply(patch: &ListPatch, rows: &mut Vec<Rc<QueueRow>>) -> Result<(), PatchGap> {
    patch.apply(rows)
}

fn share_rows(rows: Vec<QueueRow>) -> Vec<Rc<QueueRow>> {
    rows.into_iter().map(Rc::new).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use headsup_protocol::model::RequestKind;
    use headsup_protocol::view::{FieldPatch, RowInsert, RowStatus};
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
            kind_label: "Call now".into(),
            actions: Default::default(),
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
        full(1, view)
    }

    fn full(version: u64, view: ViewState) -> Action {
        Action::ViewArrived {
            update: Box::new(ViewUpdate::Full {
                version,
                view: Box::new(view),
            }),
            arrival: Arrival::default(),
        }
    }

    fn patch(version: u64, patches: Vec<ViewPatch>) -> Action {
        Action::ViewArrived {
            update: Box::new(ViewUpdate::Patch { version, patches }),
            arrival: Arrival::default(),
        }
    }

    fn ids(rows: &Rows) -> Vec<i64> {
        rows.iter().map(|r| r.id.0).collect()
    }

    #[test]
    fn patches_add_change_and_remove_rows_keeping_the_others_shared() {
        let s = reduce(AppState::default(), full(1, signed_in()));
        let kept = s.queue[1].clone();
        let changed = QueueRow {
            label: "Renamed".into(),
            ..row(1)
        };
        let s = reduce(
            s,
            patch(
                2,
                vec![
                    ViewPatch::Queue(ListPatch {
                        update: vec![changed],
                        insert: vec![RowInsert {
                            after: Some(RequestId(2)),
                            row: row(3),
                        }],
                        ..ListPatch::default()
                    }),
                    ViewPatch::Field(FieldPatch::Busy(true)),
                ],
            ),
        );
        assert_eq!(s.version, 2);
        assert_eq!(ids(&s.queue), [1, 2, 3]);
        assert_eq!(s.queue[0].label, "Renamed");
        assert!(s.view.busy);
        assert!(
            Rc::ptr_eq(&s.queue[1], &kept),
            "an unchanged row stays the same Rc, so its component skips rendering"
        );

        let s = reduce(
            s,
            patch(
                3,
                vec![ViewPatch::Queue(ListPatch {
                    remove: vec![RequestId(1)],
                    ..ListPatch::default()
                })],
            ),
        );
        assert_eq!(ids(&s.queue), [2, 3]);
        assert_eq!(s.views, 3);
    }

    #[test]
    fn a_missing_version_asks_for_a_full_slice_and_old_ones_are_ignored() {
        let s = reduce(AppState::default(), full(5, signed_in()));
        let busy = || vec![ViewPatch::Field(FieldPatch::Busy(true))];
        let s = reduce(s, patch(7, busy()));
        assert_eq!(s.gaps, 1, "version 6 was missed");
        assert!(!s.view.busy, "the patch after a gap is not applied");
        assert_eq!(s.version, 5);

        let s = reduce(s, patch(5, busy()));
        assert_eq!((s.gaps, s.views), (1, 1), "an old patch is ignored");

        // The full slice the hook asked for heals it; an older full slice that arrives late is
        // ignored.
        let s = reduce(s, full(7, signed_in()));
        assert_eq!(s.version, 7);
        let s = reduce(s, full(6, ViewState::default()));
        assert_eq!(s.version, 7);
        assert_eq!(s.view.login, LoginView::SignedIn);
    }

    #[test]
    fn a_patch_before_any_full_slice_is_a_gap() {
        let s = reduce(
            AppState::default(),
            patch(1, vec![ViewPatch::Field(FieldPatch::Busy(true))]),
        );
        assert_eq!(s.gaps, 1);
        assert_eq!(s.bridge, Bridge::Starting);
    }

    #[test]
    fn a_patch_that_does_not_fit_the_rows_is_a_gap() {
        let s = reduce(AppState::default(), full(1, signed_in()));
        let s = reduce(
            s,
            patch(
                2,
                vec![ViewPatch::Queue(ListPatch {
                    remove: vec![RequestId(99)],
                    ..ListPatch::default()
                })],
            ),
        );
        assert_eq!(s.gaps, 1);
        assert_eq!(s.version, 1);
        assert_eq!(ids(&s.queue), [1, 2], "the rows held are left as they were");
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
                update: Box::new(ViewUpdate::Full {
                    version: 2,
                    view: Box::new(signed_in()),
                }),
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

//! When the foreground service should run, decided from the view alone, so it is tested on any
//! machine (the Android calls around it cannot be run here).

use std::sync::Mutex;

use headsup_protocol::view::{ConnectionView, LoginView, ViewState};

/// What the service should be doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// Signed out: no service, and none restarted at boot.
    Stopped,
    /// Signed in: the service runs; its notification says whether the LDS link is up right now.
    Running { connected: bool },
}

/// The state the view asks for, or `None` when the view does not say (the password was sent and
/// the LDS has not answered yet: whatever holds keeps holding).
pub fn wanted(view: &ViewState) -> Option<Wanted> {
    match view.login {
        LoginView::SignedIn => Some(Wanted::Running {
            connected: matches!(view.connection, ConnectionView::Synced { .. }),
        }),
        LoginView::Email | LoginView::Password { .. } => Some(Wanted::Stopped),
        LoginView::Connecting { .. } => None,
    }
}

/// Remembers what was last asked of the service, so only changes reach Android (the shell
/// renders many times a second while requests blink).
#[derive(Debug, Default)]
pub struct Tracker {
    last: Mutex<Option<Wanted>>,
}

impl Tracker {
    /// The change to ask for, if any. The first state of a run is always asked for, `Stopped`
    /// included: a previous process (or a boot) may have left the service running, and only this
    /// run knows whether the agent is still signed in.
    pub fn update(&self, wanted: Option<Wanted>) -> Option<Wanted> {
        let wanted = wanted?;
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if *last == Some(wanted) {
            return None;
        }
        *last = Some(wanted);
        Some(wanted)
    }

    /// Android refused `failed` (a start from the background on Android 12+): forget it, so the
    /// next view asking for it asks again instead of being taken for a re-render.
    pub fn forget(&self, failed: Wanted) {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if *last == Some(failed) {
            *last = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use headsup_protocol::view::{ConnectionView, LoginView, ViewState};

    use super::*;

    fn view(login: LoginView, connection: ConnectionView) -> ViewState {
        ViewState {
            login,
            connection,
            ..ViewState::default()
        }
    }

    fn synced() -> ConnectionView {
        ConnectionView::Synced {
            at: "2026-11-21T22:00:00Z".parse().unwrap(),
        }
    }

    fn offline() -> ConnectionView {
        ConnectionView::Offline {
            since: "2026-11-21T22:00:00Z".parse().unwrap(),
            retry_at: None,
        }
    }

    #[test]
    fn signed_in_runs_the_service_and_says_whether_the_link_is_up() {
        assert_eq!(
            wanted(&view(LoginView::SignedIn, synced())),
            Some(Wanted::Running { connected: true })
        );
        assert_eq!(
            wanted(&view(LoginView::SignedIn, offline())),
            Some(Wanted::Running { connected: false })
        );
        assert_eq!(
            wanted(&view(LoginView::SignedIn, ConnectionView::Connecting)),
            Some(Wanted::Running { connected: false })
        );
    }

    #[test]
    fn the_sign_in_screens_stop_it_and_a_pending_password_changes_nothing() {
        let email = "ana@demo.test".to_owned();
        assert_eq!(
            wanted(&view(LoginView::Email, ConnectionView::Idle)),
            Some(Wanted::Stopped)
        );
        assert_eq!(
            wanted(&view(
                LoginView::Password {
                    email: email.clone(),
                    error: Some("expired".into())
                },
                ConnectionView::Idle
            )),
            Some(Wanted::Stopped)
        );
        assert_eq!(
            wanted(&view(
                LoginView::Connecting { email },
                ConnectionView::Connecting
            )),
            None
        );
    }

    #[test]
    fn only_changes_are_asked_for_and_the_first_state_always_is() {
        let tracker = Tracker::default();
        let up = Wanted::Running { connected: true };
        let down = Wanted::Running { connected: false };

        // A run that starts signed out still stops a service a previous process left running.
        assert_eq!(tracker.update(Some(Wanted::Stopped)), Some(Wanted::Stopped));
        assert_eq!(tracker.update(Some(Wanted::Stopped)), None);
        assert_eq!(
            tracker.update(None),
            None,
            "a pending sign-in changes nothing"
        );

        assert_eq!(tracker.update(Some(down)), Some(down));
        assert_eq!(tracker.update(Some(up)), Some(up));
        assert_eq!(tracker.update(Some(up)), None, "re-renders are not changes");
        assert_eq!(tracker.update(Some(down)), Some(down), "the link dropped");
        assert_eq!(tracker.update(Some(Wanted::Stopped)), Some(Wanted::Stopped));
    }

    #[test]
    fn a_refused_start_is_asked_for_again_but_a_superseded_one_is_not() {
        let tracker = Tracker::default();
        let up = Wanted::Running { connected: true };
        let down = Wanted::Running { connected: false };

        assert_eq!(tracker.update(Some(up)), Some(up));
        tracker.forget(up);
        assert_eq!(
            tracker.update(Some(up)),
            Some(up),
            "retried on the next view"
        );

        // The refusal arrives after the view moved on: what is asked now stands.
        assert_eq!(tracker.update(Some(down)), Some(down));
        tracker.forget(up);
        assert_eq!(tracker.update(Some(down)), None);
    }
}

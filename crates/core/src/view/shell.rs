//! What the shell must do because of the state, decided here rather than by the shell reading
//! the view: keep Android's foreground service running (and say whether the link is up), and ask
//! the OS for permission to notify once the agent is signed in.

use headsup_protocol::view::{ConnectionView, LoginView};

use crate::output::{KeepAlive, Output};

/// The service the state asks for, or `None` while the password is with the LDS (whatever
/// holds keeps holding).
pub fn keep_alive(login: &LoginView, connection: &ConnectionView) -> Option<KeepAlive> {
    match login {
        LoginView::SignedIn => Some(KeepAlive::Running {
            connected: matches!(connection, ConnectionView::Synced { .. }),
        }),
        LoginView::Email | LoginView::Password { .. } => Some(KeepAlive::Stopped),
        LoginView::Connecting { .. } => None,
    }
}

/// What was last asked of the shell, so only changes become outputs.
#[derive(Debug, Default)]
pub struct ShellFollow {
    keep_alive: Option<KeepAlive>,
    asked_permission: bool,
}

impl ShellFollow {
    /// The outputs the state calls for now that were not asked for yet. The first keep-alive
    /// state of a run is always asked for, `Stopped` included (a previous process or a boot may
    /// have left the service running); permission is asked at most once per run, at the first
    /// sign-in (the shell knows whether this app version asked already).
    pub fn changes(&mut self, login: &LoginView, connection: &ConnectionView) -> Vec<Output> {
        let mut out = Vec::new();
        if let Some(wanted) = keep_alive(login, connection) {
            if self.keep_alive != Some(wanted) {
                self.keep_alive = Some(wanted);
                out.push(Output::KeepAlive(wanted));
            }
        }
        if *login == LoginView::SignedIn && !self.asked_permission {
            self.asked_permission = true;
            out.push(Output::AskNotificationPermission);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synced() -> ConnectionView {
        ConnectionView::Synced {
            at: "2026-11-21T22:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn signed_in_runs_the_service_and_says_whether_the_link_is_up() {
        let running = |connected| Some(KeepAlive::Running { connected });
        assert_eq!(keep_alive(&LoginView::SignedIn, &synced()), running(true));
        assert_eq!(
            keep_alive(&LoginView::SignedIn, &ConnectionView::Connecting),
            running(false)
        );
        assert_eq!(
            keep_alive(&LoginView::Email, &ConnectionView::Idle),
            Some(KeepAlive::Stopped)
        );
        let connecting = LoginView::Connecting {
            email: "ana@demo.test".into(),
        };
        assert_eq!(keep_alive(&connecting, &ConnectionView::Connecting), None);
    }

    #[test]
    fn only_changes_are_asked_for_and_permission_once() {
        let mut follow = ShellFollow::default();
        let idle = ConnectionView::Idle;
        assert_eq!(
            follow.changes(&LoginView::Email, &idle),
            [Output::KeepAlive(KeepAlive::Stopped)],
            "the first state of a run is asked for"
        );
        assert!(follow.changes(&LoginView::Email, &idle).is_empty());
        assert_eq!(
            follow.changes(&LoginView::SignedIn, &ConnectionView::Connecting),
            [
                Output::KeepAlive(KeepAlive::Running { connected: false }),
                Output::AskNotificationPermission
            ]
        );
        assert_eq!(
            follow.changes(&LoginView::SignedIn, &synced()),
            [Output::KeepAlive(KeepAlive::Running { connected: true })]
        );
        follow.changes(&LoginView::Email, &idle);
        assert!(
            !follow
                .changes(&LoginView::SignedIn, &synced())
                .contains(&Output::AskNotificationPermission),
            "asked once per run"
        );
    }
}

//! The client's [`Shell`]: where the core's outputs leave for the OS and the webview.

use std::sync::Arc;

use headsup_client::Shell;
use headsup_core::{Notification, NotificationId};
use headsup_protocol::view::{ViewState, VIEW_EVENT};
use tauri::{AppHandle, Emitter, Runtime};

use crate::notifications::OsNotifications;
use crate::permission;

pub struct TauriShell<R: Runtime> {
    app: AppHandle<R>,
    notifications: Arc<dyn OsNotifications>,
}

impl<R: Runtime> TauriShell<R> {
    pub fn new(app: AppHandle<R>, notifications: Arc<dyn OsNotifications>) -> Self {
        TauriShell { app, notifications }
    }
}

impl<R: Runtime> Shell for TauriShell<R> {
    fn show_notification(&self, notification: &Notification) {
        self.notifications.show(notification);
    }

    fn withdraw_notification(&self, id: NotificationId) {
        self.notifications.withdraw(id);
    }

    fn render(&self, view: &ViewState) {
        if let Err(error) = self.app.emit(VIEW_EVENT, view) {
            tracing::error!(%error, "emitting the view failed");
        }
        #[cfg(desktop)]
        crate::tray::show_waiting(&self.app, view.waiting);
        permission::on_render(&self.app, view);
        #[cfg(mobile)]
        crate::mobile::on_render(&self.app, view);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use headsup_protocol::view::{LoginView, RowStatus};
    use headsup_protocol::RequestId;
    use tauri::Listener;

    use super::*;
    use crate::notifications::PluginNotifications;
    use crate::test_rows::row;
    use headsup_core::{Notification, NotificationId};

    #[test]
    fn render_emits_the_whole_view_as_the_view_event() {
        let app = tauri::test::mock_app();
        let handle = app.handle().clone();
        let shell = TauriShell::new(
            handle.clone(),
            Arc::new(PluginNotifications::new(handle.clone())),
        );
        let (tx, rx) = mpsc::channel();
        handle.listen(VIEW_EVENT, move |event| {
            tx.send(event.payload().to_owned()).unwrap();
        });

        let view = ViewState {
            login: LoginView::Password {
                email: "ana@demo.test".into(),
                error: None,
            },
            queue: vec![row(1, RowStatus::Now)],
            ..ViewState::default()
        };
        shell.render(&view);

        let payload = rx.recv().expect("a view event");
        let got: ViewState = serde_json::from_str(&payload).expect("the payload is a ViewState");
        assert_eq!(got, view);
    }

    /// The core's notifications through a real server. Ignored by a plain `cargo test`: needs a
    /// session bus with dunst (`xvfb-run -a dbus-run-session -- bash scripts/desktop-session.sh
    /// cargo test -p headsup -- --ignored`).
    #[test]
    #[cfg(target_os = "linux")]
    #[ignore = "needs a session bus with dunst"]
    fn notifications_are_shown_replaced_and_withdrawn_on_the_bus() {
        use std::process::Command;
        use std::time::{Duration, Instant};

        let dunstctl = |args: &[&str]| -> String {
            let out = Command::new("dunstctl")
                .args(args)
                .output()
                .expect("dunstctl");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        let wait_until = |what: &str, done: &dyn Fn() -> bool| {
            let give_up = Instant::now() + Duration::from_secs(20);
            while !done() {
                assert!(Instant::now() < give_up, "gave up waiting for {what}");
                std::thread::sleep(Duration::from_millis(50));
            }
        };
        let displayed = || dunstctl(&["count", "displayed"]);
        let history = || dunstctl(&["count", "history"]);
        dunstctl(&["close-all"]);
        dunstctl(&["history-clear"]);

        let app = tauri::test::mock_builder()
            .build(tauri::test::mock_context(tauri::test::noop_assets()))
            .expect("mock app");
        let handle = app.handle().clone();
        let notifier = crate::freedesktop::FreedesktopNotifications::start(
            None,
            Arc::new(|_: crate::notifications::Tap| {}),
        );
        let shell = TauriShell::new(handle.clone(), Arc::new(notifier));
        let alert = |urgency: u8| Notification {
            id: NotificationId(42),
            request: Some(RequestId(42)),
            title: "Customer waiting".into(),
            body: format!("Ana Silva, alert {urgency}"),
            sound: true,
            urgency,
        };

        shell.show_notification(&alert(0));
        wait_until("the first alert", &|| displayed() == "1");
        // A re-alert replaces the live notification instead of stacking a second one.
        shell.show_notification(&alert(1));
        wait_until("the first alert to be closed", &|| history() == "1");
        wait_until("the re-alert", &|| displayed() == "1");
        let closed = dunstctl(&["history"]);
        assert!(closed.contains("Customer waiting"), "{closed}");
        assert!(closed.contains("Heads-Up"), "the app's name: {closed}");
        assert!(closed.contains("Ana Silva, alert 0"), "{closed}");

        shell.withdraw_notification(NotificationId(42));
        wait_until("the withdrawal", &|| displayed() == "0");
        let closed = dunstctl(&["history"]);
        assert!(closed.contains("Ana Silva, alert 1"), "{closed}");
    }
}

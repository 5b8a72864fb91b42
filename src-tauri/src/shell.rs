//! The client's [`Shell`]: where the core's outputs leave for the OS and the webview.

use std::sync::Arc;

use headsup_client::{KeepAlive, Shell};
use headsup_core::{Notification, NotificationId};
use headsup_protocol::commands::VIEW_EVENT;
use headsup_protocol::view::{ViewState, ViewUpdate};
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

    /// Sends the update (a patch, or a full slice) as the `view` event: the webview applies it.
    fn update_view(&self, update: &ViewUpdate, view: &ViewState) {
        if let Err(error) = self.app.emit(VIEW_EVENT, update) {
            tracing::error!(%error, "emitting the view failed");
        }
        #[cfg(desktop)]
        crate::tray::show_waiting(&self.app, view.waiting);
        #[cfg(mobile)]
        crate::mobile::on_view_update(&self.app);
        #[cfg(not(desktop))]
        let _ = view; // Only the desktop tray shows the waiting count.
    }

    fn keep_alive(&self, wanted: KeepAlive) {
        #[cfg(mobile)]
        crate::mobile::keep_alive(&self.app, wanted);
        #[cfg(not(mobile))]
        let _ = wanted; // Desktop processes are not stopped in the background.
    }

    fn ask_notification_permission(&self) {
        permission::ask_if_due(&self.app);
    }

    /// The OS's downloads folder (the agent's "Save" on a chat file).
    fn downloads_dir(&self) -> Option<std::path::PathBuf> {
        use tauri::Manager;
        self.app.path().download_dir().ok()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use headsup_protocol::view::{FieldPatch, LoginView, RowStatus, ViewPatch};
    use headsup_protocol::RequestId;
    use tauri::Listener;

    use super::*;
    use crate::notifications::PluginNotifications;
    use crate::test_rows::row;
    use headsup_core::{Notification, NotificationId};

    #[test]
    fn each_view_update_is_emitted_as_the_view_event() {
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
        let full = ViewUpdate::Full {
            version: 1,
            view: Box::new(view.clone()),
        };
        shell.update_view(&full, &view);
        let payload = rx.recv().expect("a view event");
        let got: ViewUpdate = serde_json::from_str(&payload).expect("the payload is an update");
        assert_eq!(got, full);

        let patch = ViewUpdate::Patch {
            version: 2,
            patches: vec![ViewPatch::Field(FieldPatch::Busy(true))],
        };
        shell.update_view(&patch, &view);
        let payload = rx.recv().expect("a second view event");
        let got: ViewUpdate = serde_json::from_str(&payload).expect("the payload is an update");
        assert_eq!(got, patch, "a patch is sent as it is, not the whole view");
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
            conversation: None,
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

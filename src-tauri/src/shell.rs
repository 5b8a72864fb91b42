//! The client's [`Shell`]: where the core's outputs leave for the OS and the webview.

use std::sync::Arc;

use headsup_client::Shell;
use headsup_core::{Notification, NotificationId};
use headsup_protocol::view::{RowStatus, ViewState, VIEW_EVENT};
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
        crate::tray::show_waiting(&self.app, waiting_count(view));
        permission::on_render(&self.app, view);
    }
}

/// The tray's count: the rows the request tab shows as waiting now. A count of what the view
/// already says, not a rule: which rows wait is the core's decision.
pub fn waiting_count(view: &ViewState) -> usize {
    view.queue
        .iter()
        .filter(|row| matches!(row.status, RowStatus::Now))
        .count()
}

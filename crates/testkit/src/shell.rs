//! A shell that records what the driver asked of the platform.

use std::sync::Mutex;

use headsup_client::Shell;
use headsup_core::{Notification, NotificationId};
use headsup_protocol::view::ViewState;

#[derive(Default)]
pub struct RecordingShell {
    pub shown: Mutex<Vec<Notification>>,
    pub withdrawn: Mutex<Vec<NotificationId>>,
    pub renders: Mutex<usize>,
}

impl RecordingShell {
    pub fn shown(&self) -> Vec<Notification> {
        self.shown.lock().unwrap().clone()
    }

    pub fn withdrawn(&self) -> Vec<NotificationId> {
        self.withdrawn.lock().unwrap().clone()
    }
}

impl Shell for RecordingShell {
    fn show_notification(&self, notification: &Notification) {
        self.shown.lock().unwrap().push(notification.clone());
    }

    fn withdraw_notification(&self, id: NotificationId) {
        self.withdrawn.lock().unwrap().push(id);
    }

    fn render(&self, _view: &ViewState) {
        *self.renders.lock().unwrap() += 1;
    }
}

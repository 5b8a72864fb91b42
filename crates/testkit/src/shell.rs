//! A shell that records what the driver asked of the platform, in place of a window and a
//! notification daemon.

use std::sync::Mutex;

use headsup_client::Shell;
use headsup_core::{Notification, NotificationId};
use headsup_protocol::view::ViewState;

#[derive(Default)]
pub struct RecordingShell {
    shown: Mutex<Vec<Notification>>,
    withdrawn: Mutex<Vec<NotificationId>>,
    renders: Mutex<usize>,
}

impl RecordingShell {
    /// Every notification shown so far, in order.
    pub fn shown(&self) -> Vec<Notification> {
        self.shown.lock().unwrap().clone()
    }

    /// Every notification withdrawn so far, in order.
    pub fn withdrawn(&self) -> Vec<NotificationId> {
        self.withdrawn.lock().unwrap().clone()
    }

    /// How many views the driver rendered.
    pub fn renders(&self) -> usize {
        *self.renders.lock().unwrap()
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

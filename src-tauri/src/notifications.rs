//! The core's notifications as OS notifications (tauri-plugin-notification), and their taps back
//! to the core.
//!
//! Everything here is mechanical: the core has decided what to raise, when, with which text and
//! sound. The shell maps ids, withdraws, and reports taps; a tap never accepts anything, since
//! any program on the session bus can fake one.

use std::sync::{Arc, Mutex};

use headsup_client::AgentHandle;
use headsup_core::{Notification, NotificationId};
use headsup_protocol::{ConversationId, RequestId};
use serde_json::Value;
use tauri::plugin::PermissionState;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::{ActionPerformed, NotificationBuilder, NotificationExt};
use tokio::sync::oneshot;

use crate::window;

/// Key in the plugin notification's `extra` holding the request a tap should bring into view.
const EXTRA_REQUEST: &str = "request";
/// A chat notification's conversation (its tap opens it).
const EXTRA_CONVERSATION: &str = "conversation";
/// Key in `extra` marking the notification check screen's test ring.
const EXTRA_TEST_RING: &str = "test_ring";
/// Plugin id of the test ring. The core's ids are derived from request ids, which are positive.
pub const TEST_RING_ID: i32 = i32::MIN;

/// The Android channel of incoming customers (created in `mobile.rs`). A channel's importance and
/// sound are fixed once created: change them under a new id.
pub const INCOMING_CHANNEL: &str = "incoming-customers-v1";

/// The sound name the platform's notification server understands as "a message arrived".
/// Android plays the channel's sound instead.
pub(crate) fn system_sound() -> Option<&'static str> {
    if cfg!(any(target_os = "android", target_os = "ios")) {
        None
    } else if cfg!(any(target_os = "macos", target_os = "windows")) {
        Some("Default")
    } else {
        // The freedesktop sound naming specification's name for an instant message.
        Some("message-new-instant")
    }
}

/// The OS notification operations the shell needs, without the runtime type: the commands are
/// plain functions (Tauri's command macros take no generic parameters), and reach the plugin
/// through this.
pub trait OsNotifications: Send + Sync + 'static {
    /// Raises `notification` as the core decided it, replacing a live one with the same id.
    fn show(&self, notification: &Notification);
    /// Withdraws a notification (Linux, the BSDs and Android; a no-op where the OS cannot, and
    /// there the core's state answers the tap).
    fn withdraw(&self, id: NotificationId);
    /// Raises the check screen's test ring: the same path as a customer notification (sound
    /// included), so a working test means the real ones work.
    fn show_test_ring(&self) -> Result<(), String>;
    fn withdraw_test_ring(&self);
    fn permission_state(&self) -> Result<PermissionState, String>;
    /// May block until the agent answers a system dialog (Android): call it off the main thread.
    fn request_permission(&self) -> Result<PermissionState, String>;
}

/// [`OsNotifications`] through tauri-plugin-notification (Windows, macOS, Android; Linux and
/// the BSDs use `freedesktop.rs`, since the plugin cannot name the app or escape markup there).
pub struct PluginNotifications<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> PluginNotifications<R> {
    // Linux and the BSDs build it only in tests.
    #[cfg_attr(all(not(test), freedesktop), allow(dead_code))]
    pub fn new(app: AppHandle<R>) -> Self {
        PluginNotifications { app }
    }

    fn builder(&self, id: i32) -> NotificationBuilder<R> {
        let plugin = self.app.notification();
        // The desktop plugin never replaces by itself: it sends every `Notify` with
        // `replaces_id` 0, so a re-alert would stack a second bubble. Close the old one first.
        // (On Linux this is one CloseNotification call on the local bus; `show` itself sends
        // `Notify` from a background task, so a withdrawal issued within a millisecond of the
        // show can miss it. The core's state stays right either way: the tap re-checks.)
        let _ = plugin.remove_active(vec![id]);
        plugin.builder().id(id).channel_id(INCOMING_CHANNEL)
    }
}

impl<R: Runtime> OsNotifications for PluginNotifications<R> {
    fn show(&self, notification: &Notification) {
        let mut builder = self
            .builder(notification.id.0)
            .title(&notification.title)
            .body(&notification.body)
            .extra(EXTRA_REQUEST, notification.request.map(|r| r.0))
            .extra(EXTRA_CONVERSATION, notification.conversation.map(|c| c.0));
        if notification.sound {
            if let Some(sound) = system_sound() {
                builder = builder.sound(sound);
            }
        }
        if let Err(error) = builder.show() {
            tracing::error!(%error, id = notification.id.0, "showing a notification failed");
        }
    }

    fn withdraw(&self, id: NotificationId) {
        if let Err(error) = self.app.notification().remove_active(vec![id.0]) {
            tracing::warn!(%error, id = id.0, "withdrawing a notification failed");
        }
    }

    fn show_test_ring(&self) -> Result<(), String> {
        let mut builder = self
            .builder(TEST_RING_ID)
            .title("Heads-Up test ring")
            .body("Click this notification to finish the test.")
            .extra(EXTRA_TEST_RING, true);
        if let Some(sound) = system_sound() {
            builder = builder.sound(sound);
        }
        builder.show().map_err(|e| e.to_string())
    }

    fn withdraw_test_ring(&self) {
        let _ = self.app.notification().remove_active(vec![TEST_RING_ID]);
    }

    fn permission_state(&self) -> Result<PermissionState, String> {
        self.app
            .notification()
            .permission_state()
            .map_err(|e| e.to_string())
    }

    fn request_permission(&self) -> Result<PermissionState, String> {
        self.app
            .notification()
            .request_permission()
            .map_err(|e| e.to_string())
    }
}

/// App state: the notifications, for code that has no `AppHandle<R>` (the commands).
#[derive(Clone)]
pub struct Notifier(pub Arc<dyn OsNotifications>);

/// What a tap on one of our notifications was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tap {
    /// A core notification; `None` for the catch-up summary.
    Agent(Option<RequestId>),
    /// A chat's new messages.
    Chat(ConversationId),
    TestRing,
}

impl Tap {
    /// Reads a plugin action; `None` for anything but a tap on the body (dismissals, buttons).
    pub fn from_action(action: &ActionPerformed) -> Option<Tap> {
        if action.action_id() != "tap" {
            return None;
        }
        let extra = action.notification().map(|n| n.extra());
        Some(Tap::from_extra(|key| extra.and_then(|e| e.get(key))))
    }

    fn from_extra<'a>(get: impl Fn(&str) -> Option<&'a Value>) -> Tap {
        if get(EXTRA_TEST_RING).and_then(Value::as_bool) == Some(true) {
            return Tap::TestRing;
        }
        if let Some(id) = get(EXTRA_CONVERSATION).and_then(Value::as_i64) {
            return Tap::Chat(ConversationId(id));
        }
        Tap::Agent(get(EXTRA_REQUEST).and_then(Value::as_i64).map(RequestId))
    }
}

/// Registers the tap handler. Must run before the first notification is shown: the plugin
/// reports nothing for notifications shown while no handler existed.
pub fn listen_for_taps<R: Runtime>(app: &AppHandle<R>) -> tauri_plugin_notification::Result<()> {
    let handle = app.clone();
    app.notification().on_action(move |action| {
        if let Some(tap) = Tap::from_action(action) {
            on_tap(&handle, tap);
        }
    })
}

/// A tap on one of our notifications, whichever way it was reported: shows the window and tells
/// the core (which only brings the request into view), or ends the test ring's wait.
pub fn on_tap<R: Runtime>(handle: &AppHandle<R>, tap: Tap) {
    tracing::info!(?tap, "notification tapped");
    match tap {
        Tap::TestRing => handle.state::<TestRing>().tapped(),
        Tap::Agent(request) => {
            window::bring_to_front(handle);
            // The core re-checks the request and focuses it; it may be gone already.
            if let Some(agent) = handle.try_state::<AgentHandle>() {
                agent.notification_tapped(request);
            }
        }
        Tap::Chat(conversation) => {
            window::bring_to_front(handle);
            if let Some(agent) = handle.try_state::<AgentHandle>() {
                agent.chat_notification_tapped(conversation);
            }
        }
    }
}

/// The notification check screen's "test ring": one at a time, waiting for its tap.
#[derive(Default)]
pub struct TestRing {
    waiting: Mutex<Option<oneshot::Sender<()>>>,
}

impl TestRing {
    /// Starts waiting for the test ring's tap; a previous wait ends as "not tapped".
    pub fn wait_for_tap(&self) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        *self.waiting.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx);
        rx
    }

    fn tapped(&self) {
        if let Some(tx) = self
            .waiting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            let _ = tx.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tap(extra: Value) -> Tap {
        Tap::from_extra(|key| extra.get(key))
    }

    #[test]
    fn tap_carries_the_request_from_extra() {
        assert_eq!(tap(json!({"request": 42})), Tap::Agent(Some(RequestId(42))));
        assert_eq!(tap(json!({"request": null})), Tap::Agent(None));
        assert_eq!(tap(json!({})), Tap::Agent(None));
        assert_eq!(tap(json!({"test_ring": true})), Tap::TestRing);
        assert_eq!(
            tap(json!({"request": null, "conversation": 5})),
            Tap::Chat(ConversationId(5))
        );
    }

    #[test]
    fn actions_other_than_tap_are_ignored() {
        let performed = |id: &str| -> ActionPerformed {
            serde_json::from_value(json!({
                "actionId": id,
                "notification": {"id": 1, "extra": {"request": 7}}
            }))
            .expect("plugin action payload")
        };
        assert_eq!(
            Tap::from_action(&performed("tap")),
            Some(Tap::Agent(Some(RequestId(7))))
        );
        assert_eq!(Tap::from_action(&performed("dismiss")), None);
    }

    #[tokio::test]
    async fn test_ring_tap_resolves_only_the_latest_wait() {
        let ring = TestRing::default();
        let first = ring.wait_for_tap();
        let second = ring.wait_for_tap();
        ring.tapped();
        assert!(first.await.is_err(), "a replaced wait ends untapped");
        assert!(second.await.is_ok());
    }
}

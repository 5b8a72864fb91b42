//! The Tauri commands and events between the webview and the shell: their names and payloads,
//! shared by `src-tauri` (which declares them) and the UI (which calls them), so neither copies
//! a name as a string.

use serde::{Deserialize, Serialize};

use crate::view::Intent;

/// The event that carries each [`crate::view::ViewUpdate`] to the webview.
pub const VIEW_EVENT: &str = "view";
/// Answers with a full slice ([`crate::view::ViewUpdate::Full`]): at start, and after a gap.
pub const VIEW_COMMAND: &str = "view";
/// Carries an [`Intent`] from the webview ([`IntentArgs`]).
pub const INTENT_COMMAND: &str = "intent";
/// Raises a test notification and waits for its tap ([`TestNotificationArgs`] →
/// [`TestRingReport`]).
pub const TEST_NOTIFICATION_COMMAND: &str = "test_notification";
/// What the OS says about notifications (→ [`NotificationStatus`]).
pub const NOTIFICATION_STATUS_COMMAND: &str = "notification_status";
/// Profile → Notifications → "ask again" (→ the permission state, as a string).
pub const REQUEST_NOTIFICATION_PERMISSION_COMMAND: &str = "request_notification_permission";

/// The `intent` command's arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentArgs {
    pub intent: Intent,
}

/// The `test_notification` command's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestNotificationArgs {
    /// How long to wait for the tap (default 30 s, at most 300 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_secs: Option<u64>,
}

/// The result of a test ring, for the notification check screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestRingReport {
    /// The notification was handed to the OS.
    pub shown: bool,
    /// Its tap came back to the app before the wait ended.
    pub tapped: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What the notification check screen shows about the OS side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationStatus {
    /// "granted", "denied", "prompt" or "prompt-with-rationale" (Tauri's permission states).
    pub permission: String,
    /// The app version that last asked for permission, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked_by_version: Option<String>,
    /// Who answered on the bus (Linux): e.g. "dunst 1.9.0". `None` where the OS has no such
    /// question (Windows, macOS, Android) or nobody answered (see `server_error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_error: Option<String>,
}

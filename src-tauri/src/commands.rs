//! The commands the webview may call (each one also listed in `build.rs` and granted in
//! `capabilities/default.json`). They carry data between the UI and the agent; none decides.

use std::time::Duration;

use headsup_client::AgentHandle;
use headsup_protocol::view::{Intent, ViewState};
use serde::Serialize;
use tauri::plugin::PermissionState;
use tauri::State;

use crate::notifications::{Notifier, TestRing};
use crate::permission::{self, PermissionStore};

/// How long the test ring waits for its tap unless the UI says otherwise.
const DEFAULT_TEST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait the UI may ask for: the invoke stays open that long.
const MAX_TEST_WAIT: Duration = Duration::from_secs(300);

/// The whole current view, for the UI's first paint; later ones arrive as `view` events.
#[tauri::command]
pub fn view(agent: State<'_, AgentHandle>) -> ViewState {
    agent.view()
}

/// Hands what the agent did in the UI to the core.
#[tauri::command]
pub fn intent(agent: State<'_, AgentHandle>, intent: Intent) {
    agent.intent(intent);
}

/// The result of a test ring, for the notification check screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestRingReport {
    /// The notification was handed to the OS.
    pub shown: bool,
    /// Its tap came back to the app before the wait ended.
    pub tapped: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Raises a real notification and waits (up to `wait_secs`, default 30) for its tap. Never fails:
/// a notification that could not be shown is part of the report. (`Result` only because an async
/// command that borrows state must return one.)
#[tauri::command]
pub async fn test_notification(
    notifier: State<'_, Notifier>,
    ring: State<'_, TestRing>,
    wait_secs: Option<u64>,
) -> Result<TestRingReport, String> {
    let wait = wait_secs
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_TEST_WAIT)
        .min(MAX_TEST_WAIT);
    // Waiting starts before the notification exists, so even an instant tap is seen.
    let tap = ring.wait_for_tap();
    if let Err(error) = notifier.0.show_test_ring() {
        return Ok(TestRingReport {
            shown: false,
            tapped: false,
            error: Some(error),
        });
    }
    let tapped = matches!(tokio::time::timeout(wait, tap).await, Ok(Ok(())));
    notifier.0.withdraw_test_ring();
    Ok(TestRingReport {
        shown: true,
        tapped,
        error: None,
    })
}

/// What the notification check screen shows about the OS side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationStatus {
    pub permission: PermissionState,
    /// The app version that last asked for permission, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_by_version: Option<String>,
    /// Who answered on the bus (Linux): e.g. "dunst 1.9.0". `None` where the OS has no such
    /// question (Windows, macOS, Android) or nobody answered (see `server_error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_error: Option<String>,
}

#[tauri::command]
pub async fn notification_status(
    notifier: State<'_, Notifier>,
    store: State<'_, PermissionStore>,
) -> Result<NotificationStatus, String> {
    let permission = notifier.0.permission_state()?;
    let asked_by_version = store.load().map(|record| record.asked_by_version);
    let (server, server_error) = tauri::async_runtime::spawn_blocking(notification_server)
        .await
        .map_err(|e| e.to_string())?;
    Ok(NotificationStatus {
        permission,
        asked_by_version,
        server,
        server_error,
    })
}

/// Profile → Notifications → "ask again".
#[tauri::command]
pub async fn request_notification_permission(
    notifier: State<'_, Notifier>,
    store: State<'_, PermissionStore>,
) -> Result<PermissionState, String> {
    // `block_in_place`: the dialog may take the agent minutes on Android; the command runs on
    // the async runtime, whose other tasks must keep going meanwhile.
    tokio::task::block_in_place(|| permission::ask(&*notifier.0, &store))
}

#[cfg(freedesktop)]
fn notification_server() -> (Option<String>, Option<String>) {
    match notify_rust::get_server_information() {
        Ok(info) => (Some(format!("{} {}", info.name, info.version)), None),
        Err(error) => (None, Some(error.to_string())),
    }
}

#[cfg(not(freedesktop))]
fn notification_server() -> (Option<String>, Option<String>) {
    (None, None)
}

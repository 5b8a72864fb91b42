//! The commands the webview may call (each one also listed in `build.rs` and granted in
//! `capabilities/default.json`; names and payloads in `headsup_protocol::commands`). They carry
//! data between the UI and the agent; none decides.

use std::time::Duration;

use headsup_client::AgentHandle;
pub use headsup_protocol::commands::{NotificationStatus, TestRingReport};
use headsup_protocol::view::{Intent, ViewUpdate};
use tauri::plugin::PermissionState;
use tauri::State;

use crate::notifications::{Notifier, TestRing};
use crate::permission::{self, PermissionStore};

/// How long the test ring waits for its tap unless the UI says otherwise.
const DEFAULT_TEST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait the UI may ask for: the invoke stays open that long.
const MAX_TEST_WAIT: Duration = Duration::from_secs(300);

/// A full slice of the current view with its version: for the UI's first paint and after it
/// missed an update; patches arrive as `view` events.
#[tauri::command]
pub fn view(agent: State<'_, AgentHandle>) -> ViewUpdate {
    agent.full_view()
}

/// Hands what the agent did in the UI to the core.
#[tauri::command]
pub fn intent(agent: State<'_, AgentHandle>, intent: Intent) {
    agent.intent(intent);
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
        permission: permission.to_string(),
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

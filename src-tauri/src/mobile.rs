//! Mobile only (Android): the notification channel incoming customers arrive on, and the
//! foreground service that keeps the LDS socket alive while the app is in the background
//! (`crates/keepalive`, registered in `run()`).

use headsup_protocol::view::ViewState;
use tauri::{App, AppHandle, Runtime};

#[cfg(target_os = "android")]
pub fn setup<R: Runtime>(app: &mut App<R>) -> tauri::Result<()> {
    use tauri_plugin_notification::{Channel, Importance, NotificationExt, Visibility};

    use crate::notifications::INCOMING_CHANNEL;

    // High importance: heads-up banner and sound, as a waiting customer deserves. Private on the
    // lock screen: customer names and numbers are not for passers-by.
    let channel = Channel::builder(INCOMING_CHANNEL, "Incoming customers")
        .description("A customer is waiting for an agent")
        .importance(Importance::High)
        .visibility(Visibility::Private)
        .vibration(true)
        .lights(true)
        .build();
    if let Err(error) = app.notification().create_channel(channel) {
        tracing::error!(%error, "creating the notification channel failed");
    }
    Ok(())
}

/// iOS has no channels.
#[cfg(not(target_os = "android"))]
pub fn setup<R: Runtime>(_app: &mut App<R>) -> tauri::Result<()> {
    Ok(())
}

/// Called on every render: the service runs while the agent is signed in, and its notification
/// says whether the LDS link is up.
pub fn on_render<R: Runtime>(app: &AppHandle<R>, view: &ViewState) {
    tauri_plugin_keepalive::follow(app, view);
}

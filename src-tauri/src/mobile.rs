//! Mobile only (Android): the notification channel incoming customers arrive on.

use tauri::{App, Runtime};

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

//! Mobile only (Android): the notification channel incoming customers arrive on, and the
//! foreground service that keeps the LDS socket alive while the app is in the background
//! (`crates/keepalive`, registered in `run()`).

#[cfg(mobile)]
use tauri::AppHandle;
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
    tauri::Manager::manage(app, KeepAliveWish::default());
    Ok(())
}

/// iOS has no channels.
#[cfg(not(target_os = "android"))]
pub fn setup<R: Runtime>(_app: &mut App<R>) -> tauri::Result<()> {
    Ok(())
}

/// The core's latest wish for the keep-alive service, offered to the plugin again on every view
/// update so that a start Android refused is retried.
#[cfg(mobile)]
#[derive(Default)]
pub struct KeepAliveWish(std::sync::Mutex<Option<tauri_plugin_keepalive::policy::Wanted>>);

/// The core asked to run or stop the keep-alive service.
#[cfg(mobile)]
pub fn keep_alive<R: Runtime>(app: &AppHandle<R>, wanted: headsup_core::KeepAlive) {
    use tauri::Manager;
    use tauri_plugin_keepalive::policy::Wanted;

    let wanted = match wanted {
        headsup_core::KeepAlive::Stopped => Wanted::Stopped,
        headsup_core::KeepAlive::Running { connected } => Wanted::Running { connected },
    };
    if let Some(wish) = app.try_state::<KeepAliveWish>() {
        *wish.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(wanted);
    }
    tauri_plugin_keepalive::follow(app, Some(wanted));
}

/// On every view update: the core's latest wish again (only a change, or a retry of a refused
/// start, reaches Android).
#[cfg(mobile)]
pub fn on_view_update<R: Runtime>(app: &AppHandle<R>) {
    use tauri::Manager;

    let wanted = app
        .try_state::<KeepAliveWish>()
        .and_then(|wish| *wish.0.lock().unwrap_or_else(|p| p.into_inner()));
    tauri_plugin_keepalive::follow(app, wanted);
}

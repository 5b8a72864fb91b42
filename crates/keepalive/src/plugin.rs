//! The Tauri plugin: its state, its setup, and the shell's entry point.

use std::sync::mpsc::Sender;
use std::sync::Arc;

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{AppHandle, Manager, Runtime};

use crate::policy::{Tracker, Wanted};

/// The plugin's name (its Tauri ACL identifier).
pub const PLUGIN_NAME: &str = "keepalive";

/// The plugin's state: what was last asked of the service, and the queue to the thread that asks.
struct KeepAlive {
    /// Shared with the worker, which forgets what Android refused.
    tracker: Arc<Tracker>,
    /// `None` where there is no service to drive (every platform but Android).
    orders: Option<Sender<Wanted>>,
}

/// The plugin. Register it on mobile builds; it must be registered before the agent renders.
pub fn init<R: Runtime>() -> TauriPlugin<R> {
    Builder::new(PLUGIN_NAME)
        .setup(|app, api| {
            let tracker = Arc::new(Tracker::default());
            #[cfg(target_os = "android")]
            let orders =
                Some(crate::android::Service::register(&api)?.spawn_worker(Arc::clone(&tracker))?);
            #[cfg(not(target_os = "android"))]
            let orders = {
                let _ = api;
                None
            };
            app.manage(KeepAlive { tracker, orders });
            Ok(())
        })
        .build()
}

/// Called with the core's latest wish on every view update: starts the service on sign-in,
/// updates its notification when the connection comes and goes, stops it on sign-out. Only
/// changes (and a start Android refused) reach Android.
pub fn follow<R: Runtime>(app: &AppHandle<R>, wanted: Option<Wanted>) {
    let Some(state) = app.try_state::<KeepAlive>() else {
        return;
    };
    let Some(change) = state.tracker.update(wanted) else {
        return;
    };
    match &state.orders {
        Some(orders) => {
            if orders.send(change).is_err() {
                tracing::error!(
                    ?change,
                    "the keep-alive worker is gone; the service was not told"
                );
            }
        }
        None => tracing::debug!(?change, "no background service on this platform"),
    }
}

//! The Kotlin side (`android/src/main/java/KeepAlivePlugin.kt`), called through Tauri's mobile
//! plugin bridge.

use std::sync::mpsc::{self, Sender};
use std::sync::Arc;

use serde::Serialize;
use tauri::plugin::{PluginApi, PluginHandle};
use tauri::Runtime;

use crate::policy::{Tracker, Wanted};

/// The Kotlin package of `KeepAlivePlugin` (the library's `namespace` in `build.gradle.kts`).
const KOTLIN_PACKAGE: &str = "app.headsup.keepalive";

/// The argument of the Kotlin `start` command (`StartArgs` there).
#[derive(Serialize)]
struct StartArgs {
    connected: bool,
}

pub struct Service<R: Runtime>(PluginHandle<R>);

impl<R: Runtime> Service<R> {
    /// Instantiates the Kotlin plugin on the app's activity.
    pub fn register<C>(api: &PluginApi<R, C>) -> tauri::Result<Self>
    where
        C: serde::de::DeserializeOwned,
    {
        let handle = api
            .register_android_plugin(KOTLIN_PACKAGE, "KeepAlivePlugin")
            .map_err(|error| {
                tauri::Error::PluginInitialization(crate::PLUGIN_NAME.into(), error.to_string())
            })?;
        Ok(Service(handle))
    }

    /// A thread that tells Kotlin each change in order. Its own thread, because each call waits
    /// for Android's main thread, and the caller is the client's run loop.
    /// What Android refuses is forgotten by `tracker`, so the next view retries it.
    pub fn spawn_worker(self, tracker: Arc<Tracker>) -> tauri::Result<Sender<Wanted>> {
        let (orders, queue) = mpsc::channel::<Wanted>();
        std::thread::Builder::new()
            .name("keepalive".into())
            .spawn(move || {
                for wanted in queue {
                    if let Err(error) = self.apply(wanted) {
                        // Android 12+ refuses to start a foreground service from the background
                        // (ForegroundServiceStartNotAllowedException).
                        tracing::warn!(?wanted, %error, "the keep-alive service refused");
                        tracker.forget(wanted);
                    }
                }
            })?;
        Ok(orders)
    }

    fn apply(&self, wanted: Wanted) -> Result<(), tauri::plugin::mobile::PluginInvokeError> {
        match wanted {
            Wanted::Running { connected } => self
                .0
                .run_mobile_plugin::<()>("start", StartArgs { connected }),
            Wanted::Stopped => self.0.run_mobile_plugin::<()>("stop", ()),
        }
    }
}

//! The one window of the app.

use tauri::{AppHandle, Manager, Runtime};

/// The label of the window in `tauri.conf.json` and in the capability.
pub const MAIN_WINDOW: &str = "main";

/// Shows, unminimizes and focuses the main window: after a notification tap, a click on the tray
/// icon, or a second launch. Failures are logged, not returned: the caller (a tap, a tray click)
/// has nobody to report them to.
pub fn bring_to_front<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        tracing::warn!("no main window to bring to the front");
        return;
    };
    // On Android and iOS the OS brings the activity forward itself when a notification is tapped.
    #[cfg(desktop)]
    {
        let steps = [
            ("show", window.show()),
            ("unminimize", window.unminimize()),
            ("focus", window.set_focus()),
        ];
        for (step, result) in steps {
            if let Err(error) = result {
                tracing::warn!(%error, "main window: {step} failed");
            }
        }
    }
    #[cfg(mobile)]
    let _ = window;
}

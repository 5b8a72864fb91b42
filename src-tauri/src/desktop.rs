//! Desktop only: one instance per profile, the remembered window position, the tray, and a close
//! button that hides to the tray instead of quitting.

use tauri::{App, Builder, Manager, Runtime, WindowEvent};
use tauri_plugin_window_state::StateFlags;

use crate::config::LaunchConfig;
use crate::{tray, window};

/// The desktop plugins, single-instance first: a second launch must be caught before any other
/// plugin or the setup starts a second agent on the same profile.
pub fn plugins<R: Runtime>(builder: Builder<R>, launch: &LaunchConfig) -> Builder<R> {
    let slug = launch.profile_slug();
    let single_instance = tauri_plugin_single_instance::Builder::new()
        .callback(|app, _args, _cwd| window::bring_to_front(app));
    // One instance per profile: each profile claims its own bus name. (The D-Bus id is the Linux
    // mechanism; on Windows and macOS the plugin locks per app identifier.)
    #[cfg(target_os = "linux")]
    let single_instance = single_instance.dbus_id(format!("app.headsup.agent.profile_{slug}"));
    // Size, position, maximized; not visibility: quitting from the tray with the window hidden
    // must not make the next start invisible.
    let remembered = StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED;
    builder.plugin(single_instance.build()).plugin(
        tauri_plugin_window_state::Builder::new()
            .with_filename(format!("window-state-{slug}.json"))
            .with_state_flags(remembered)
            .build(),
    )
}

pub fn setup<R: Runtime>(app: &mut App<R>) -> tauri::Result<()> {
    tray::create(app.handle())?;
    if let Some(main) = app.get_webview_window(window::MAIN_WINDOW) {
        let hide = main.clone();
        main.on_window_event(move |event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                // Keep running in the tray: the socket, the queue and the notifications stay
                // alive. Quit is in the tray menu.
                api.prevent_close();
                if let Err(error) = hide.hide() {
                    tracing::warn!(%error, "hiding the main window failed");
                }
            }
        });
    }
    Ok(())
}

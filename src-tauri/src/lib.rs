//! The Heads-Up agent app: a thin Tauri shell around the agent client.
//!
//! Commands come in from the webview ([`commands`]), the core's outputs go out as the `view`
//! event, OS notifications ([`notifications`]) and the tray. No domain rule lives here: what to
//! notify, what blinks, what a tap means for a request are the core's (crates/core), run by the
//! client (crates/client).

mod commands;
mod config;
mod notifications;
mod permission;
mod shell;
mod window;

#[cfg(desktop)]
mod desktop;
#[cfg(mobile)]
mod mobile;
#[cfg(desktop)]
mod tray;

use std::sync::Arc;

use tauri::{App, Builder, Manager, Runtime};

pub use config::LaunchConfig;
use notifications::{Notifier, PluginNotifications, TestRing};
use permission::PermissionStore;
use shell::TauriShell;

/// Starts the app: the entry point of the desktop binary and of the Android/iOS library.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let launch = LaunchConfig::from_env();
    let builder = tauri::Builder::default();
    #[cfg(desktop)]
    let builder = desktop::plugins(builder, &launch);
    let builder = builder.plugin(log_plugin(&launch));
    run_app(builder, launch);
}

/// Runs the app on any runtime, with the platform's extras (tray, channels) on top of
/// [`app_builder`].
fn run_app<R: Runtime>(builder: Builder<R>, launch: LaunchConfig) {
    app_builder(builder, launch, platform_setup)
        .run(tauri::generate_context!())
        .expect("Heads-Up failed to start");
}

#[cfg(desktop)]
fn platform_setup<R: Runtime>(app: &mut App<R>) -> tauri::Result<()> {
    desktop::setup(app)
}

#[cfg(mobile)]
fn platform_setup<R: Runtime>(app: &mut App<R>) -> tauri::Result<()> {
    mobile::setup(app)
}

/// The app without the platform extras: commands, notifications and the agent. Tests build it
/// on `tauri::test::mock_builder()`.
pub fn app_builder<R: Runtime>(
    builder: Builder<R>,
    launch: LaunchConfig,
    platform_setup: impl FnOnce(&mut App<R>) -> tauri::Result<()> + Send + 'static,
) -> Builder<R> {
    builder
        .plugin(tauri_plugin_notification::init())
        .manage(TestRing::default())
        .invoke_handler(tauri::generate_handler![
            commands::view,
            commands::intent,
            commands::test_notification,
            commands::notification_status,
            commands::request_notification_permission,
        ])
        .setup(move |app| {
            // Before anything can raise a notification: the plugin reports no tap for a
            // notification shown while no handler existed.
            notifications::listen_for_taps(app.handle())?;
            platform_setup(app)?;

            let data_dir = launch.data_dir(app.handle())?;
            std::fs::create_dir_all(&data_dir)?;
            tracing::info!(
                lds = %launch.lds_url,
                profile = %launch.profile,
                data_dir = %data_dir.display(),
                "starting the agent"
            );
            let notifier: Arc<dyn notifications::OsNotifications> =
                Arc::new(PluginNotifications::new(app.handle().clone()));
            app.manage(Notifier(notifier.clone()));
            app.manage(PermissionStore::new(
                &data_dir,
                app.package_info().version.clone(),
            ));

            let shell = Arc::new(TauriShell::new(app.handle().clone(), notifier));
            // The client runs on the current tokio runtime: Tauri's own.
            let runtime = tauri::async_runtime::handle();
            let _in_runtime = runtime.inner().enter();
            let agent = headsup_client::spawn(launch.agent_config(&data_dir), shell);
            app.manage(agent);
            Ok(())
        })
}

/// Logs to stdout and to a per-profile file in the OS log folder. `tracing` events (ours and the
/// client's) reach it through tracing's `log` feature.
fn log_plugin<R: Runtime>(launch: &LaunchConfig) -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_log::{log::LevelFilter, Target, TargetKind};
    tauri_plugin_log::Builder::new()
        .level(LevelFilter::Info)
        .clear_targets()
        .targets([
            Target::new(TargetKind::Stdout),
            Target::new(TargetKind::LogDir {
                file_name: Some(format!("headsup-{}", launch.profile_slug())),
            }),
        ])
        .build()
}

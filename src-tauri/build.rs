//! Compiles `tauri.conf.json` (a symlink to the repository root's, see ARCHITECTURE.md), the
//! capabilities and the built UI (`ui/dist`) into the app, and reruns when any of them changes.

/// The app's own commands. Declaring them generates the `allow-<command>` permissions the
/// capability grants, and any command not listed here is compiled out of the IPC handler, so the
/// webview can call nothing else.
const COMMANDS: &[&str] = &[
    "view",
    "intent",
    "test_notification",
    "notification_status",
    "request_notification_permission",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS))
            .codegen(tauri_build::CodegenContext::new()),
    )
    .expect("tauri-build: invalid tauri.conf.json or capabilities");
}

//! Makes this crate a Tauri plugin with an Android library (`android/`): on an Android build,
//! tauri-plugin copies Tauri's own Android API next to it (`android/.tauri`, git-ignored) and
//! announces its path, which the app's tauri-build turns into a Gradle module of the app.

/// No command is callable from the webview: only the shell's Rust code starts and stops the
/// service, so the UI (or a script injected into it) cannot switch the agent's keep-alive off.
const COMMANDS: &[&str] = &[];

fn main() {
    tauri_plugin::Builder::new(COMMANDS)
        .android_path("android")
        .build();
}

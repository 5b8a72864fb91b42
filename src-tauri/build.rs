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

/// Where notifications go over the freedesktop D-Bus interface (see src/freedesktop.rs). Named
/// once here as the `freedesktop` cfg, so the code says `#[cfg(freedesktop)]` instead of
/// repeating the list (Cargo.toml's target tables cannot use custom cfgs and keep their own).
const FREEDESKTOP_OSES: &[&str] = &["linux", "dragonfly", "freebsd", "openbsd", "netbsd"];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(freedesktop)");
    // The target's OS, not the host's: build scripts run on the host.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if FREEDESKTOP_OSES.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=freedesktop");
    }
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS))
            .codegen(tauri_build::CodegenContext::new()),
    )
    .expect("tauri-build: invalid tauri.conf.json or capabilities");
}

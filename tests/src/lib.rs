//! Harness for the cross-crate and end-to-end tests: each module starts one real part.
//!
//! - [`lds`]: the `lds` binary on loopback with a fresh SQLite file, seeded through its CLI.
//! - [`bus`]: a watch on the session bus that records every `Notify` call the app makes, so a
//!   test can assert what reached the real notification daemon.
//! - [`app`]: the built Heads-Up app started through tauri-driver + WebKitWebDriver, driven with
//!   fantoccini.
//! - [`chromium`]: a customer's headless Chromium over chromedriver (the chat widget).
//! - [`agent`]: a headless agent (the client crate's real driver) as a second agent or device.
//! - [`daemon`]: the notification daemon's own controls (a click on a bubble).
//! - [`hostile`]: customer names a hostile visitor could type, and how they must read.
//! - [`team`]: the usual cast (an LDS with a team of two agents, and the bus watch).
//! - [`procs`]: CPU time, memory and start time of a process tree, from `/proc` (benchmarks).
//!
//! The parts the crates' own tests share (the LDS process, the recording shell, the in-memory
//! secret store, `eventually`) are in the test kit, `headsup-testkit`.
//!
//! The end-to-end tests need the desktop session `scripts/test.sh` builds (Xvfb, dbus-run-session,
//! dunst, gnome-keyring); outside it they fail with a message saying so, never pass vacuously.

pub mod agent;
pub mod app;
pub mod bus;
pub mod chromium;
pub mod daemon;
pub mod hostile;
pub mod lds;
pub mod procs;
pub mod team;
pub mod window_manager;

/// Reads a required environment variable or panics with a message telling how to get it.
pub fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: run the end-to-end tests through scripts/test.sh, which builds \
             the app and starts the desktop session they need"
        )
    })
}

/// Where tests leave screenshots and logs for a human to look at after a failure.
pub fn artifacts_dir() -> std::path::PathBuf {
    let dir = std::env::var("HEADSUP_ARTIFACTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir().join("headsup-artifacts"));
    std::fs::create_dir_all(&dir).expect("create artifacts dir");
    dir
}

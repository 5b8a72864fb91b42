//! Keeps the agent app alive in the background on Android while the agent is signed in.
//!
//! Android stops a backgrounded app's process (and with it the LDS WebSocket that the client runs
//! on Tauri's tokio runtime) unless the process hosts a foreground service. So, as ntfy does
//! without Firebase, a started foreground service with a persistent low-importance notification
//! ("Connected to LDS") runs for as long as the agent is signed in. The service holds no socket
//! itself: it keeps the process that holds it at foreground priority. The Kotlin side is in
//! `android/` (see docs/android.md for what it does and what must be verified on a device).
//!
//! The agent core decides "running (connected or not)" or "stopped" (`headsup_core::KeepAlive`);
//! the shell hands its latest wish to `follow` on every view update, and [`policy`] lets only a
//! change reach Android, in order, on a thread of its own so the client's run loop never waits
//! for the UI thread.
//!
//! The plugin exists on mobile targets only (desktop processes are not stopped in the background);
//! on iOS it registers nothing and does nothing (iOS allows no such service). On the build
//! machine's own target this crate is just [`policy`], which is where its tests are.

pub mod policy;

#[cfg(mobile)]
mod plugin;
#[cfg(mobile)]
pub use plugin::{follow, init, PLUGIN_NAME};

#[cfg(target_os = "android")]
mod android;

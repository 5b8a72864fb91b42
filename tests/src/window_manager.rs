//! A real X window manager (openbox) for the tests that need one: without a window manager an X
//! server has no notion of minimized, active or raised windows, so "the tap brings the window to
//! the front" could not fail. Started per test and stopped on drop, so the other tests keep the
//! bare Xvfb they were written for.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use headsup_testkit::eventually;

pub struct WindowManager {
    child: Child,
}

impl WindowManager {
    /// Starts openbox on `$DISPLAY` and waits until it manages the screen.
    pub async fn start() -> WindowManager {
        let child = Command::new("openbox")
            .arg("--sm-disable")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openbox (installed by scripts/setup.sh)");
        let wm = WindowManager { child };
        // An EWMH window manager announces itself on the root window.
        eventually("openbox to manage the screen", || async {
            xprop_root("_NET_SUPPORTING_WM_CHECK")
                .contains("window id")
                .then_some(())
        })
        .await;
        wm
    }
}

impl Drop for WindowManager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Let the X server drop the manager's properties before the next test starts.
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn xprop_root(property: &str) -> String {
    output(Command::new("xprop").args(["-root", property]))
}

fn output(cmd: &mut Command) -> String {
    cmd.output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// The X window id of the visible-or-not top-level window titled exactly `title`.
pub fn window_named(title: &str) -> Option<u64> {
    let ids = output(Command::new("xdotool").args(["search", "--name", &format!("^{title}$")]));
    // GTK makes more than one X window per toplevel; the managed one has a WM_STATE.
    ids.lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .find(|&id| wm_state(id).is_some())
}

/// The window's ICCCM state as the window manager set it: "Normal" or "Iconic" (minimized).
pub fn wm_state(window: u64) -> Option<String> {
    let out = output(Command::new("xprop").args(["-id", &window.to_string(), "WM_STATE"]));
    out.lines()
        .find_map(|l| l.trim().strip_prefix("window state: "))
        .map(str::to_owned)
}

/// The window the window manager considers active (has the focus), if any.
pub fn active_window() -> Option<u64> {
    let out = xprop_root("_NET_ACTIVE_WINDOW");
    let hex = out.rsplit("# ").next()?.trim();
    u64::from_str_radix(hex.trim_start_matches("0x"), 16)
        .ok()
        .filter(|&id| id != 0)
}

/// Asks the window manager to minimize `window` (as the agent would).
pub fn minimize(window: u64) {
    let _ = Command::new("xdotool")
        .args(["windowminimize", &window.to_string()])
        .status();
}

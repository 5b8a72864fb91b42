//! The notification daemon itself (dunst), through `dunstctl`: what an agent's click does.

use std::process::Command;

use headsup_testkit::{eventually, within_patience};

fn dunstctl(args: &[&str]) -> String {
    let out = Command::new("dunstctl")
        .args(args)
        .output()
        .expect("dunstctl (package dunst) must be installed");
    assert!(
        out.status.success(),
        "dunstctl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Closes every bubble, including those queued behind the screen's limit (closing the shown
/// ones brings the queued ones up), so the next one is the only one (position 0).
pub async fn clear() {
    eventually("the daemon to show no bubble", || async {
        dunstctl(&["close-all"]);
        (displayed() == 0 && count("waiting") == 0).then_some(())
    })
    .await
}

fn count(which: &str) -> usize {
    dunstctl(&["count", which]).parse().unwrap_or(usize::MAX)
}

/// How many bubbles are on screen.
pub fn displayed() -> usize {
    count("displayed")
}

/// The daemon's counters, as `dunstctl count` prints them (for failure messages).
pub fn counts() -> String {
    dunstctl(&["count"])
}

/// Does what a click on the body of the first bubble does: invokes its default action, which
/// the daemon reports to the app as `ActionInvoked(id, "default")`. Says whether dunst took it
/// (it refuses while it has no bubble at that position yet).
pub fn activate_first() -> bool {
    Command::new("dunstctl")
        .args(["action", "0"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Waits until exactly `n` bubbles are on screen.
pub async fn wait_displayed(n: usize) {
    let seen = within_patience(|| async { (displayed() == n).then_some(()) }).await;
    assert!(
        seen.is_some(),
        "expected {n} bubble(s) on screen; the daemon says: {}",
        counts()
    );
}

//! The test ring through a real notification server: the app's command raises a notification on
//! the session bus, dunst shows it, `dunstctl action 0` clicks it, and the tap comes back.
//!
//! Needs a private session bus with dunst on it, so it is ignored by a plain `cargo test`. Run:
//! `xvfb-run -a dbus-run-session -- bash scripts/desktop-session.sh
//!  cargo test -p headsup --test it notifications_on_bus -- --ignored`

use std::future::ready;
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use crate::common::{invoke, start};
use headsup_testkit::eventually;
use serde_json::{json, Value};
use tauri::async_runtime::block_on;

fn dunstctl(args: &[&str]) -> String {
    let out = Command::new("dunstctl")
        .args(args)
        .output()
        .expect("dunstctl (Debian package dunst)");
    assert!(out.status.success(), "dunstctl {args:?} failed: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn displayed() -> u32 {
    dunstctl(&["count", "displayed"]).parse().expect("a number")
}

/// Waits until dunst shows `n` bubbles (a wait for the daemon, not a timing assertion).
#[track_caller]
fn wait_displayed(what: &str, n: u32) {
    block_on(eventually(what, || ready((displayed() == n).then_some(()))));
}

/// One dunst for all tests: they take turns, or one's click lands on another's notification.
static DAEMON: Mutex<()> = Mutex::new(());

fn require_bus() -> MutexGuard<'static, ()> {
    let turn = DAEMON.lock().unwrap_or_else(|e| e.into_inner());
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "run inside dbus-run-session with dunst (see the module docs)"
    );
    dunstctl(&["close-all"]);
    turn
}

#[test]
#[ignore = "needs a session bus with dunst: see the module docs"]
fn test_ring_reports_its_tap() {
    let _turn = require_bus();
    let t = start();
    let window = t.main.clone();
    let ring =
        std::thread::spawn(move || invoke(&window, "test_notification", json!({"waitSecs": 60})));

    wait_displayed("dunst to show the test ring", 1);
    // The body click, as dunst reports it: ActionInvoked(id, "default") on the bus.
    dunstctl(&["action", "0"]);

    let report = ring.join().unwrap().expect("the command answers");
    assert_eq!(report, json!({"shown": true, "tapped": true}));
    wait_displayed("the test ring to be closed", 0);
}

#[test]
#[ignore = "needs a session bus with dunst: see the module docs"]
fn an_unanswered_test_ring_is_withdrawn() {
    let _turn = require_bus();
    let t = start();
    let report: Value =
        invoke(&t.main, "test_notification", json!({"waitSecs": 1})).expect("answers");
    assert_eq!(report, json!({"shown": true, "tapped": false}));
    // The server was asked to close it (CloseNotification): nothing stays on screen.
    wait_displayed("the test ring to be withdrawn", 0);
    let history = dunstctl(&["history"]);
    assert!(
        history.contains("Heads-Up test ring"),
        "dunst showed the test ring: {history}"
    );
}

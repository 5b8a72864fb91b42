//! One instance per profile, with the real binary: a second launch on the same profile hands over
//! to the first and exits; another profile runs beside it.
//!
//! Needs an X display and a session bus, so it is ignored by a plain `cargo test`. Run:
//! `xvfb-run -a dbus-run-session -- bash scripts/desktop-session.sh
//!  cargo test -p headsup --test it single_instance -- --ignored`

use std::future::ready;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use headsup_testkit::eventually;
use tauri::async_runtime::block_on;

fn launch(profile: &str, data: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_headsup"))
        // Nothing listens there: this test is about the process, not the agent.
        .env("HEADSUP_LDS_URL", "http://127.0.0.1:9")
        .env("HEADSUP_PROFILE", profile)
        .env("HEADSUP_DATA_DIR", data.join(profile))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the built app")
}

/// The bus name the single-instance plugin claims for `profile` (see `desktop.rs`).
fn claimed(profile: &str) -> bool {
    let name = format!("string:app.headsup.agent.profile_{profile}.SingleInstance");
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &name,
        ])
        .output()
        .expect("dbus-send");
    String::from_utf8_lossy(&out.stdout).contains("boolean true")
}

/// A wait, not a timing assertion: the bound turns a hang into a clear failure.
#[track_caller]
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    block_on(eventually(what, || ready(done().then_some(()))));
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
#[ignore = "needs an X display and a session bus: see the module docs"]
fn a_second_launch_of_a_profile_hands_over_and_exits() {
    assert!(std::env::var_os("DISPLAY").is_some(), "run under xvfb-run");
    let data = tempfile::tempdir().unwrap();

    let mut first = KillOnDrop(launch("alpha", data.path()));
    wait_until("the first instance to claim its profile", || {
        claimed("alpha")
    });

    let mut second = KillOnDrop(launch("alpha", data.path()));
    wait_until("the second launch to exit", || {
        matches!(second.0.try_wait(), Ok(Some(_)))
    });
    let status = second.0.wait().unwrap();
    assert!(
        status.success(),
        "the second launch exits cleanly: {status}"
    );
    assert!(
        first.0.try_wait().unwrap().is_none(),
        "the first instance keeps running"
    );

    let mut other = KillOnDrop(launch("beta", data.path()));
    wait_until("another profile to start beside it", || claimed("beta"));
    assert!(other.0.try_wait().unwrap().is_none());
    assert!(first.0.try_wait().unwrap().is_none());
}

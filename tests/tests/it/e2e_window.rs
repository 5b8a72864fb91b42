//! Issue 6, scenario 7 with a window manager: the agent minimized Heads-Up and works in another
//! window; tapping the notification brings Heads-Up back (unminimized, active) on that request.
//! The other e2e tests run on a bare X server, where "minimized" and "active" do not exist.

use headsup_protocol::model::RequestKind;
use headsup_testkit::eventually;
use headsup_tests::app::row;
use headsup_tests::daemon;
use headsup_tests::team::Team;
use headsup_tests::window_manager::{
    active_window, minimize, window_named, wm_state, WindowManager,
};

const TITLE: &str = "Heads-Up"; // tauri.conf.json

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver, openbox)"]
async fn a_tap_brings_the_minimized_window_back_active_on_its_request() {
    let _wm = WindowManager::start().await;
    let team = Team::start();
    let app = team.ana_app("e2e-window").await;
    let window = eventually("the app's managed window", || async { window_named(TITLE) }).await;
    daemon::clear().await;

    minimize(window);
    eventually("the window to be minimized", || async {
        (wm_state(window).as_deref() == Some("Iconic")).then_some(())
    })
    .await;
    assert_ne!(
        active_window(),
        Some(window),
        "a minimized window is not active"
    );

    let request = team
        .lds
        .post(&team.key, RequestKind::CallNow, "Wendy Window", None)
        .await;
    team.bus
        .wait_for_body("Wendy Window is waiting for a call")
        .await;
    // Arriving customers never pull the window up by themselves: only the agent's tap does.
    assert_eq!(wm_state(window).as_deref(), Some("Iconic"));

    eventually("the window to come back after the tap", || async {
        daemon::activate_first();
        (wm_state(window).as_deref() == Some("Normal")).then_some(())
    })
    .await;
    eventually("the window to be the active one", || async {
        (active_window() == Some(window)).then_some(())
    })
    .await;
    let target = row(request.id);
    app.class_until(&target, "blinking").await;
    assert!(!app.exists("#session").await, "a tap never accepts");
}

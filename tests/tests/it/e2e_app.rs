//! One agent and the app, end to end with real parts (the `lds` binary, the built app in the real
//! WebKitGTK webview, dunst on a private session bus, gnome-keyring): sign-in, the copy of each
//! kind of notification, the notifications setting, a restart, and the check screen.
//!
//! Notification texts are asserted as literal strings: they are what the agent reads, so a change
//! to `crates/core/src/copy.rs` must show up here as a deliberate change.

use headsup_client::{KeyringStore, SecretStore};
use headsup_protocol::model::{Customer, RequestKind};
use headsup_protocol::view::Intent;
use headsup_testkit::eventually;
use headsup_tests::agent::HeadlessAgent;
use headsup_tests::app::{row, App};
use headsup_tests::daemon;
use headsup_tests::team::{Team, ANA, PASSWORD};

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn two_step_sign_in_shows_a_wrong_password_inline_and_stores_nothing() {
    let team = Team::start();
    let profile = "e2e-sign-in";
    let app = App::start(&team.lds.base_url, profile).await.expect("app");

    app.find("#email").await;
    app.type_into("#email", ANA.email).await;
    app.click("#email-next").await;
    app.type_into("#password", "not the password").await;
    app.click("#connect").await;
    let error = app
        .text_until("#login-error", |t| !t.trim().is_empty())
        .await;
    assert_eq!(error.trim(), "Wrong e-mail or password.");
    // The password step with its inline error: the sign-in screenshot of the README.
    app.screenshot_for_docs("sign-in").await;
    // Still on the password step, and no token anywhere.
    app.find("#password").await;
    assert!(!app.exists("#agent-name").await, "not signed in");
    assert_eq!(
        KeyringStore::new(profile).load().expect("keyring readable"),
        None,
        "a failed sign-in stores no token"
    );

    // The right password on the same form signs in; the token goes to the keyring only.
    app.type_into("#password", PASSWORD).await;
    app.click("#connect").await;
    app.wait_synced().await;
    app.text_until("#agent-name", |t| t.contains(ANA.name))
        .await;
    let token = KeyringStore::new(profile)
        .load()
        .expect("keyring readable")
        .expect("the token is in the keyring after signing in");
    for entry in std::fs::read_dir(&app.data_dir).expect("data dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read(&path).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&text).contains(&token),
            "the token leaked into {}",
            path.display()
        );
    }
    app.quit().await;
}

/// Every request kind, as the LDS produces it, with the copy the agent reads for it.
struct Expected {
    kind: RequestKind,
    customer: &'static str,
    title: &'static str,
    body: &'static str,
}

const KINDS: [Expected; 6] = [
    Expected {
        kind: RequestKind::CallNow,
        customer: "Carla Now",
        title: "New customer request",
        body: "Carla Now is waiting for a call",
    },
    Expected {
        kind: RequestKind::InboundCall,
        customer: "Ines Inbound",
        title: "Incoming call",
        body: "Ines Inbound is calling in",
    },
    Expected {
        kind: RequestKind::ChatInbound,
        customer: "Chen Chat",
        title: "New chat",
        body: "Chen Chat started a chat",
    },
    Expected {
        kind: RequestKind::ScheduledByCustomer,
        customer: "Sofia Booked",
        title: "Booked call due now",
        body: "Sofia Booked booked a call for this time: call them now",
    },
    Expected {
        kind: RequestKind::CallMeBack,
        customer: "Bruno Callback",
        title: "Call-me-back request",
        body: "Bruno Callback asked to be called back",
    },
    Expected {
        kind: RequestKind::ScheduledByAgent,
        customer: "Sam Arranged",
        title: "Your scheduled call is due",
        body: "Time to call Sam Arranged, as you arranged",
    },
];

/// Seconds ahead the scheduled kinds are booked: long enough to see them waiting as scheduled,
/// short enough to keep the test quick (the LDS's clock checks every 500 ms).
const DUE_IN_SECS: i64 = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn each_request_kind_raises_its_own_notification_and_row() {
    let team = Team::start();
    let app = team.ana_app("e2e-kinds").await;
    // Ana's second device books the agent-scheduled call: only an agent can (over the socket).
    let phone = HeadlessAgent::sign_in(&team.lds.base_url, ANA.email, PASSWORD).await;

    let due_at = chrono::Utc::now() + chrono::Duration::seconds(DUE_IN_SECS);
    let mut ids = Vec::new();
    for expected in &KINDS {
        let id = match expected.kind {
            RequestKind::ScheduledByAgent => {
                phone.intent(Intent::ScheduleCall {
                    customer: Customer {
                        name: Some(expected.customer.into()),
                        phone: Some("+34 600 999 000".into()),
                    },
                    due_at: due_at.fixed_offset(),
                });
                let v = phone
                    .view_until("the agent's booking to be scheduled", |v| {
                        v.queue
                            .iter()
                            .chain(&v.scheduled)
                            .any(|r| r.label == expected.customer)
                    })
                    .await;
                v.queue
                    .iter()
                    .chain(&v.scheduled)
                    .find(|r| r.label == expected.customer)
                    .unwrap()
                    .id
            }
            kind if kind.is_scheduled() => {
                let due = Some(DUE_IN_SECS);
                team.lds
                    .post(&team.key, kind, expected.customer, due)
                    .await
                    .id
            }
            kind => {
                team.lds
                    .post(&team.key, kind, expected.customer, None)
                    .await
                    .id
            }
        };
        ids.push(id);
    }

    // Before they are due, the scheduled kinds wait in the scheduled list, not blinking.
    for (expected, id) in KINDS.iter().zip(&ids) {
        if expected.kind.is_scheduled() {
            app.find(&row(*id)).await;
            if chrono::Utc::now() < due_at - chrono::Duration::seconds(1) {
                let css = format!("#scheduled {}", row(*id));
                assert_eq!(
                    app.attr(&css, "data-status").await.as_deref(),
                    Some("scheduled")
                );
                assert_eq!(app.has_class(&css, "blinking").await, Some(false));
            }
        }
    }

    for (expected, id) in KINDS.iter().zip(&ids) {
        let shown = team.bus.wait_for_body(expected.body).await;
        assert_eq!(
            shown.summary, expected.title,
            "title for {:?}",
            expected.kind
        );
        if expected.kind.is_scheduled() {
            assert!(
                chrono::Utc::now() >= due_at,
                "{:?} was notified before it was due",
                expected.kind
            );
        }
        // Due scheduled calls join the requests, blinking, and still read "Scheduled 14:30".
        let status = if expected.kind.is_scheduled() {
            "scheduled"
        } else {
            "now"
        };
        let css = format!("#queue {}", row(*id));
        app.attr_until(&css, "data-kind", expected.kind.as_str())
            .await;
        app.attr_until(&css, "data-status", status).await;
        app.class_until(&css, "blinking").await;
        app.text_until(&css, |t| t.contains(expected.customer))
            .await;
    }
    // One first alert per request, whatever its kind.
    for expected in &KINDS {
        assert_eq!(
            team.bus.count_body(expected.body),
            1,
            "{}",
            expected.customer
        );
    }
    app.screenshot_for_docs("request-tab").await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn notifications_turned_off_in_settings_raise_nothing_until_turned_on() {
    let team = Team::start();
    let app = team.ana_app("e2e-settings").await;

    // Profile (agent name, top left) → Notifications → untick "Desktop notifications" → Save.
    app.click("#agent-name").await;
    app.click("#menu-notifications").await;
    app.find("#settings").await;
    app.screenshot_for_docs("settings").await;
    app.click("#settings-close").await;
    app.set_desktop_notifications(false).await;

    let quiet = team
        .lds
        .post(&team.key, RequestKind::CallNow, "Quinn Quiet", None)
        .await;
    // The row arriving means the core has handled the offer (and decided not to notify).
    app.class_until(&row(quiet.id), "blinking").await;

    app.set_desktop_notifications(true).await;
    let loud = team
        .lds
        .post(&team.key, RequestKind::CallNow, "Nora Noisy", None)
        .await;
    let shown = team
        .bus
        .wait_for_body("Nora Noisy is waiting for a call")
        .await;
    assert_eq!(shown.summary, "New customer request");
    app.class_until(&row(loud.id), "blinking").await;
    // The bus is ordered: had the quiet request been notified, it would have been seen first.
    assert_eq!(
        team.bus.count_mentioning("Quinn Quiet"),
        0,
        "a request that came while notifications were off raised one: {:?}",
        team.bus.shown()
    );
    // Saved settings survive restarts: they are in the profile's state file.
    assert!(
        app.saved_state()
            .expect("state file")
            .settings
            .notifications
    );
    app.quit().await;
}

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn a_restarted_app_is_still_signed_in_and_resyncs_the_queue() {
    let team = Team::start();
    let profile = "e2e-restart";
    let data = tempfile::tempdir().expect("data dir");

    let app = App::start_with_data(&team.lds.base_url, profile, data.path().to_path_buf())
        .await
        .expect("app");
    app.sign_in(ANA.email, PASSWORD).await;
    app.wait_synced().await;
    let before = team
        .lds
        .post(&team.key, RequestKind::CallNow, "Rita Restart", None)
        .await;
    team.bus
        .wait_for_body("Rita Restart is waiting for a call")
        .await;
    app.find(&row(before.id)).await;
    app.quit().await;

    // A customer arrives while the app is closed.
    let missed = team
        .lds
        .post(&team.key, RequestKind::CallNow, "Otto Offline", None)
        .await;

    let app = App::start_with_data(&team.lds.base_url, profile, data.path().to_path_buf())
        .await
        .expect("app again");
    // No sign-in form: the token came from the keyring.
    app.wait_synced().await;
    app.text_until("#agent-name", |t| t.contains(ANA.name))
        .await;
    assert!(!app.exists("#email").await, "the sign-in form is not shown");
    app.class_until(&row(before.id), "blinking").await;
    app.class_until(&row(missed.id), "blinking").await;
    team.bus
        .wait_for_body("Otto Offline is waiting for a call")
        .await;
    // The restart does not notify again what was notified before it.
    let shown = team.bus.shown();
    assert_eq!(
        team.bus.count_body("Rita Restart is waiting for a call"),
        1,
        "{shown:?}"
    );
    assert_eq!(
        team.bus.count_body("Otto Offline is waiting for a call"),
        1,
        "{shown:?}"
    );
    app.quit().await;
}

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn check_screen_shows_the_socket_state() {
    let team = Team::start();
    let app = team.ana_app("e2e-check-screen").await;
    app.click("#agent-name").await;
    app.click("#menu-check").await;
    app.find("#check").await;
    app.text_until("#check-socket", |t| !t.trim().is_empty())
        .await;
    app.text_until("#check-last-sync", |t| !t.trim().is_empty())
        .await;
    app.screenshot_for_docs("check").await;
    app.quit().await;
}

/// Fails today: the shell raises the test ring, but a click on it never reaches the waiting
/// `test_notification` command (it answers `tapped: false`), while clicks on customer
/// notifications do arrive (see e2e_team's tap test).
#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn check_screen_test_ring_reaches_the_daemon_and_reports_the_tap() {
    let team = Team::start();
    let app = team.ana_app("e2e-check").await;

    app.click("#agent-name").await;
    app.click("#menu-check").await;
    app.find("#check").await;
    app.text_until("#check-socket", |t| !t.trim().is_empty())
        .await;

    // Bubbles left by earlier tests share the daemon: clear them so position 0 is the ring.
    daemon::clear().await;
    app.click("#test-ring").await;
    let shown = team
        .bus
        .wait_for_body("Click this notification to finish the test.")
        .await;
    assert_eq!(shown.summary, "Heads-Up test ring");
    // Click the bubble until the app reports the tap (the bubble may take a moment to map).
    let result = eventually("the check screen to report the tap", || async {
        daemon::activate_first();
        let text = app.js("const r = document.getElementById('test-ring-result'); return r ? r.textContent : null;").await;
        text.as_str().filter(|t| t.contains("tapped")).map(str::to_string)
    })
    .await;
    let report: serde_json::Value =
        serde_json::from_str(result.trim()).expect("the check screen shows the command's JSON");
    assert_eq!(report["shown"], true, "{report}");
    assert_eq!(report["tapped"], true, "{report}");
    app.quit().await;
}

//! The agent's status in the real app: "Not ready: Lunch" in the header stops every
//! notification (the LDS offers nothing; the core alerts nothing), and "Available" brings what
//! waited back as one catch-up, with the row blinking; the LDS keeps the status across a restart
//! of the app.

use headsup_protocol::model::RequestKind;
use headsup_testkit::eventually;
use headsup_tests::{app::App, bus::NotifyWatch, lds::Lds};

async fn pick_status(app: &App, value: &str) {
    app.find("#status-select")
        .await
        .select_by_value(value)
        .await
        .expect("the status select takes the value");
}

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn not_ready_stops_notifications_and_available_brings_them_back_as_a_catch_up() {
    let lds = Lds::start().expect("lds starts");
    let key = lds.add_team("Support");
    lds.add_agent("ana@example.test", "Ana Agent", "Support", "correct horse");
    let bus = NotifyWatch::start();
    let data = tempfile::tempdir().expect("data dir");
    let app = App::start_with_data(&lds.base_url, "e2e-status", data.path().to_path_buf())
        .await
        .expect("app");
    app.sign_in("ana@example.test", "correct horse").await;
    app.wait_synced().await;

    pick_status(&app, "not_ready:lunch").await;
    app.class_until(".status-switch", "not-ready").await;
    app.text_until("#status-since", |t| t.starts_with("since "))
        .await;
    app.screenshot("status-not-ready").await;

    // While not ready the LDS offers Ana neither customer; if it had, the core would have alerted
    // each by name, which the bus check below would see.
    let first = lds
        .post(&key, RequestKind::CallNow, "Maria Lopez", None)
        .await;
    let second = lds
        .post(&key, RequestKind::InboundCall, "Chen Wei", None)
        .await;

    pick_status(&app, "available").await;
    app.class_until(".status-switch", "available").await;
    // Both arrive now, the first blinking, and one catch-up says so.
    let row = headsup_tests::app::row(first.id);
    app.class_until(&row, "blinking").await;
    app.find(&headsup_tests::app::row(second.id)).await;
    let summary = eventually("the catch-up notification", || async {
        bus.shown()
            .into_iter()
            .find(|n| n.body.starts_with("2 customers waiting"))
    })
    .await;
    assert!(!summary.summary.is_empty());
    let per_customer = bus
        .shown()
        .iter()
        .filter(|n| n.body.contains("Maria Lopez") || n.body.contains("Chen Wei"))
        .count();
    assert_eq!(per_customer, 0, "one summary, not an alert per customer");
    app.screenshot("status-available-again").await;

    // Not ready again, then a restart of the app: the LDS's status comes back with it.
    pick_status(&app, "not_ready:break").await;
    app.class_until(".status-switch", "not-ready").await;
    app.quit().await;
    let app = App::start_with_data(&lds.base_url, "e2e-status", data.path().to_path_buf())
        .await
        .expect("app again");
    app.wait_synced().await;
    app.class_until(".status-switch", "not-ready").await;
    let shown = app
        .js("return document.querySelector('#status-select').value")
        .await;
    assert_eq!(shown, "not_ready:break");
    app.quit().await;
}

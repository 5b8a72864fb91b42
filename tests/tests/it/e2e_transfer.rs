//! Transfers in the real app: Ana, in a session, picks Bo in the transfer picker; Bo's app (a
//! second instance) raises "Transfer from Ana…" with a countdown on the row, he takes it, and
//! Ana's app says he did. A transfer nobody takes comes back to Ana when its time is up.

use headsup_protocol::model::RequestKind;
use headsup_protocol::view::Intent;
use headsup_testkit::eventually;
use headsup_tests::agent::HeadlessAgent;
use headsup_tests::app::{row, App};
use headsup_tests::bus::NotifyWatch;
use headsup_tests::lds::Lds;

/// Ana takes Maria Lopez in the app, opens the picker and transfers her to `to` (its label).
async fn ana_transfers(app: &App, lds: &Lds, key: &str, to: &str) {
    let maria = lds
        .post(key, RequestKind::CallNow, "Maria Lopez", None)
        .await;
    app.class_until(&row(maria.id), "blinking").await;
    app.click(&format!("{} .row-main", row(maria.id))).await;
    app.find("#session").await;
    app.click("#transfer-open").await;
    app.text_until("#transfer-to", |t| t.contains(to)).await;
    app.find("#transfer-to")
        .await
        .select_by_label(to)
        .await
        .expect("the picker lists the colleague");
    app.screenshot("transfer-picked").await;
    app.click("#transfer-send").await;
    app.text_until("#transfer-status", |t| {
        t.starts_with("Waiting for Bo Agent…")
    })
    .await;
}

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn a_transfer_is_taken_in_a_second_app_instance() {
    let lds = Lds::start().expect("lds starts");
    let key = lds.add_team("Support");
    lds.add_agent("ana@example.test", "Ana Agent", "Support", "correct horse");
    lds.add_agent("bo@example.test", "Bo Agent", "Support", "battery staple");
    let bus = NotifyWatch::start();
    let ana = App::start(&lds.base_url, "e2e-transfer-ana")
        .await
        .expect("Ana's app");
    ana.sign_in("ana@example.test", "correct horse").await;
    ana.wait_synced().await;
    let bo = App::start(&lds.base_url, "e2e-transfer-bo")
        .await
        .expect("Bo's app");
    bo.sign_in("bo@example.test", "battery staple").await;
    bo.wait_synced().await;

    ana_transfers(&ana, &lds, &key, "Bo Agent (available)").await;
    ana.screenshot_for_docs("transfer-waiting").await;

    // Bo's app: a notification of its own kind, and the row counting down.
    let shown = eventually("Bo's transfer notification", || async {
        bus.shown()
            .into_iter()
            .find(|n| n.summary == "Transfer from Ana Agent")
    })
    .await;
    assert!(
        shown.body.starts_with("Maria Lopez, 4:5") || shown.body.starts_with("Maria Lopez, 5:00"),
        "{}",
        shown.body
    );
    let offer_row = ".request-row.blinking";
    let first = bo
        .text_until(&format!("{offer_row} .status"), |t| {
            t.starts_with("From Ana Agent, ")
        })
        .await;
    bo.text_until(&format!("{offer_row} .status"), |t| {
        t.starts_with("From Ana Agent, ") && t != first
    })
    .await;
    bo.screenshot_for_docs("transfer-offered").await;

    bo.click(&format!("{offer_row} .row-main")).await;
    bo.text_until("#session-title", |t| t == "Maria Lopez")
        .await;
    ana.wait_gone("#session").await;
    ana.text_until("#notice", |t| t.contains("Bo Agent took Maria Lopez."))
        .await;
    bo.quit().await;
    ana.quit().await;
}

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn a_transfer_nobody_takes_comes_back() {
    let lds = Lds::start().expect("lds starts");
    let key = lds.add_team("Support");
    lds.cli(
        &[
            "team",
            "set",
            "--name",
            "Support",
            "--transfer-timeout-secs",
            "10",
        ],
        None,
    );
    lds.add_agent("ana@example.test", "Ana Agent", "Support", "correct horse");
    lds.add_agent("bo@example.test", "Bo Agent", "Support", "battery staple");
    let bo = HeadlessAgent::sign_in(&lds.base_url, "bo@example.test", "battery staple").await;
    let ana = App::start(&lds.base_url, "e2e-transfer-back")
        .await
        .expect("Ana's app");
    ana.sign_in("ana@example.test", "correct horse").await;
    ana.wait_synced().await;

    ana_transfers(&ana, &lds, &key, "Bo Agent (available)").await;
    // Bo is told, and lets it be.
    eventually("Bo's core to alert the transfer", || async {
        bo.notifications()
            .into_iter()
            .find(|n| n.title == "Transfer from Ana Agent")
    })
    .await;
    ana.text_until("#transfer-status", |t| {
        t == "Came back to you: Bo Agent did not take it in time"
    })
    .await;
    ana.text_until("#notice", |t| t.contains("is back with you"))
        .await;
    // Ana still has Maria, and may try again.
    assert!(ana.exists("#transfer-open:not([disabled])").await);
    ana.click("#end-session").await;
    ana.wait_gone("#session").await;
    bo.intent(Intent::Logout);
    ana.quit().await;
}

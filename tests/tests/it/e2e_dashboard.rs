//! The queues desk in the real app: its counts move as customers arrive and are taken, and a
//! tapped queue lists who waits, with a way back.

use headsup_protocol::model::RequestKind;
use headsup_tests::{app::App, lds::Lds};

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn the_dashboard_counts_move_as_customers_arrive_and_are_taken() {
    let lds = Lds::start().expect("lds starts");
    let key = lds.add_team("Support");
    lds.add_agent("ana@example.test", "Ana Agent", "Support", "correct horse");
    let app = App::start(&lds.base_url, "e2e-dashboard")
        .await
        .expect("app");
    app.sign_in("ana@example.test", "correct horse").await;
    app.wait_synced().await;

    app.click("#desk-dashboard").await;
    app.attr_until("#desk-dashboard", "aria-current", "page")
        .await;
    let row = ".queue-row";
    app.text_until(row, |t| {
        t.contains("No customers waiting") && t.contains("1 available")
    })
    .await;

    // Two customers arrive: the count says so, with the oldest wait.
    let maria = lds
        .post(&key, RequestKind::CallNow, "Maria Lopez", None)
        .await;
    lds.post(&key, RequestKind::CallNow, "Chen Wei", None).await;
    app.text_until(row, |t| {
        t.contains("2 customers waiting") && t.contains("oldest under a minute")
    })
    .await;
    app.text_until("#desk-dashboard", |t| {
        t.contains("2 customers waiting in your queues")
    })
    .await;

    // Tapping the queue lists them, longest waiting first; back returns to the queues.
    app.click(row).await;
    app.text_until("#waiting-customers", |t| {
        t.find("Maria Lopez")
            .zip(t.find("Chen Wei"))
            .is_some_and(|(maria, chen)| maria < chen)
    })
    .await;
    app.click("#queue-back").await;
    app.find("#queues").await;

    // Ana takes Maria on the requests desk: one waits, and Ana is in a session.
    app.click("#desk-requests").await;
    app.click(&format!("{} .row-main", headsup_tests::app::row(maria.id)))
        .await;
    app.find("#session").await;
    app.click("#desk-dashboard").await;
    app.text_until(row, |t| {
        t.contains("1 customer waiting") && t.contains("1 in a session")
    })
    .await;
    app.quit().await;
}

//! The walking skeleton, end to end with real parts: a customer request posted to the LDS over
//! HTTP reaches the agent's app over the WebSocket, the core raises a real notification (seen on
//! the session bus going to dunst) and the request tab shows the request blinking in the real
//! WebKitGTK webview.

use headsup_protocol::lds::NewRequest;
use headsup_protocol::model::{Customer, RequestKind};
use headsup_testkit::eventually;
use headsup_tests::{app::App, bus::NotifyWatch, lds::Lds};

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn customer_request_reaches_agent_as_notification_and_blinking_row() {
    let lds = Lds::start().expect("lds starts");
    let key = lds.add_team("Support");
    lds.add_agent("ana@example.test", "Ana Agent", "Support", "correct horse");
    let bus = NotifyWatch::start();

    let app = App::start(&lds.base_url, "e2e-skeleton")
        .await
        .expect("app");
    app.sign_in("ana@example.test", "correct horse").await;
    app.wait_synced().await;
    app.text_until("#agent-name", |t| t.contains("Ana Agent"))
        .await;
    app.screenshot("skeleton-signed-in").await;

    let created = lds
        .post_request(
            &key,
            &NewRequest {
                kind: RequestKind::CallNow,
                customer: Customer {
                    name: Some("Maria Lopez".into()),
                    phone: Some("+34 600 111 222".into()),
                },
                due_at: None,
                queue: None,
            },
        )
        .await
        .expect("intake accepts the request");
    let id = created.request.id;

    // (a) the row appears in the real webview, blinking.
    let row = format!("#queue .request-row[data-request-id=\"{id}\"]");
    app.find(&row).await;
    app.screenshot("skeleton-request-arrived").await;
    eventually("the new request's row to blink", || async {
        let class = app.attr(&row, "class").await?;
        class
            .split_whitespace()
            .any(|c| c == "blinking")
            .then_some(())
    })
    .await;
    app.text_until(&row, |t| t.contains("Maria Lopez")).await;
    app.screenshot("skeleton-request-blinking").await;

    // (b) the notification reached the daemon, with the copy for a new call request.
    let shown = eventually(
        "a Notify call for the request on the session bus",
        || async {
            bus.shown()
                .into_iter()
                .find(|n| n.body.contains("Maria Lopez"))
        },
    )
    .await;
    assert_eq!(shown.summary, "New customer request");
    assert_eq!(shown.body, "Maria Lopez is waiting for a call");
    // Exactly one notification for this request.
    let count = bus
        .shown()
        .iter()
        .filter(|n| n.body.contains("Maria Lopez"))
        .count();
    assert_eq!(count, 1, "one notification per request");

    app.quit().await;
}

//! The contacts desk in the real app: the customer of a session has their card on the session
//! panel, edited there, and one tap away on the desk with their journey; a card is edited, a
//! contact added, found by search and merged; and a masked queue's customer never reaches the
//! webview whole.

use headsup_protocol::model::RequestKind;
use headsup_testkit::eventually;
use headsup_tests::app::{row, App};
use headsup_tests::bus::NotifyWatch;
use headsup_tests::lds::Lds;

/// An LDS with the team Support, set up by one `lds` command, and Ana's app signed in to it.
async fn ana_signed_in(profile: &str, setup: &[&str]) -> (Lds, String, App) {
    let lds = Lds::start().expect("lds starts");
    let key = lds.add_team("Support");
    lds.cli(setup, None);
    lds.add_agent("ana@example.test", "Ana Agent", "Support", "correct horse");
    let app = App::start(&lds.base_url, profile).await.expect("app");
    app.sign_in("ana@example.test", "correct horse").await;
    app.wait_synced().await;
    (lds, key, app)
}

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn a_served_customer_is_searched_edited_merged_and_has_a_journey() {
    let region = ["team", "set", "--name", "Support", "--phone-region", "ES"];
    let (lds, key, app) = ana_signed_in("e2e-contacts", &region).await;

    // Maria booked a call for later (intake makes her contact, the first), then calls now; Ana
    // takes the call: the session names her contact, lists the booking as what came before,
    // and her card is one tap away.
    lds.post(
        &key,
        RequestKind::ScheduledByCustomer,
        "Maria Lopez",
        Some(3_600),
    )
    .await;
    let maria = lds
        .post(&key, RequestKind::CallNow, "Maria Lopez", None)
        .await;
    app.text_until(&row(maria.id), |t| t.contains("Maria Lopez"))
        .await;
    app.click(&format!("{} .row-main", row(maria.id))).await;
    app.find("#session").await;
    app.text_until("#session-contact", |t| t.contains("Maria Lopez"))
        .await;
    app.text_until("#session-recent", |t| t.contains("request: scheduled"))
        .await;
    // Her card is on the session panel, and is edited there, by keyboard: the form opens
    // with the focus in it, and Enter saves.
    app.text_until("#session-card", |t| {
        t.contains("Maria Lopez") && t.contains("+34600111222")
    })
    .await;
    app.click("#session-card-edit").await;
    eventually("the focus in the card's form", || async {
        let id = app.js("return document.activeElement.id").await;
        (id.as_str() == Some("session-card-first-name")).then_some(())
    })
    .await;
    app.type_into("#session-card-tags", "vip, regular\u{E007}")
        .await;
    app.text_until("#session-card", |t| {
        t.contains("vip") && t.contains("regular") && !t.contains("Save")
    })
    .await;
    eventually("the focus back on Edit contact", || async {
        let id = app.js("return document.activeElement.id").await;
        (id.as_str() == Some("session-card-edit")).then_some(())
    })
    .await;
    app.click("#session-contact").await;
    app.attr_until("#desk-contacts", "aria-current", "page")
        .await;
    app.text_until("#contact-title", |t| t.contains("Maria Lopez"))
        .await;
    app.text_until("#contact-panel", |t| {
        t.contains("+34600111222") && t.contains("regular")
    })
    .await;

    // Her journey: the request and the session Ana took.
    app.click("#contact-tab-journey").await;
    app.text_until("#contact-journey", |t| t.contains("Ana Agent"))
        .await;

    // Edit: a company, saved on the version read.
    app.click("#contact-tab-details").await;
    app.click("#contact-edit").await;
    app.type_into("#contact-company", "Acme Foods").await;
    app.click("#contact-save").await;
    app.text_until("#contact-panel", |t| t.contains("Acme Foods"))
        .await;

    // Add a second contact for her, typed as a national number.
    app.click("#contact-back").await;
    app.click("#contact-add").await;
    app.type_into("#contact-first-name", "Maria").await;
    app.type_into("#contact-last-name", "L.").await;
    app.type_into("#contact-phones", "600 99 98 88").await;
    app.click("#contact-save").await;
    app.text_until("#contact-panel", |t| t.contains("+34600999888"))
        .await;
    app.click("#contact-back").await;

    // Search finds both; merge the new one into Maria Lopez: one card with both numbers.
    app.type_into("#contact-search", "maria").await;
    app.click("#contact-search-go").await;
    app.text_until("#contact-results", |t| {
        t.contains("Maria Lopez") && t.contains("Maria L.")
    })
    .await;
    app.click("#contact-1").await;
    app.text_until("#contact-title", |t| t.contains("Maria Lopez"))
        .await;
    app.click("#contact-merge").await;
    app.text_until("#contact-panel", |t| {
        t.contains("+34600111222") && t.contains("+34600999888") && t.contains("Acme Foods")
    })
    .await;
    app.click("#contact-back").await;
    app.type_into("#contact-search", "maria").await;
    app.click("#contact-search-go").await;
    app.text_until("#contact-results", |t| {
        t.contains("Maria Lopez") && !t.contains("Maria L.")
    })
    .await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn a_masked_customer_never_reaches_the_webview_whole() {
    let mask = [
        "mask", "set", "--team", "Support", "--name", "partial", "--phone", "partial",
    ];
    let bus = NotifyWatch::start();
    let (lds, key, app) = ana_signed_in("e2e-contacts-masked", &mask).await;

    let maria = lds
        .post(&key, RequestKind::CallNow, "Maria Lopez", None)
        .await;
    app.text_until(&row(maria.id), |t| t.contains("M••• L•••"))
        .await;
    // The notification (what a lock screen shows) names her as masked, too.
    let shown = eventually("Maria's notification", || async {
        bus.shown()
            .into_iter()
            .find(|n| n.body.contains("M••• L•••") || n.summary.contains("M••• L•••"))
    })
    .await;
    for hidden in ["Lopez", "Maria", "111"] {
        let text = format!("{} {}", shown.summary, shown.body);
        assert!(!text.contains(hidden), "{hidden:?} in {text:?}");
    }
    app.click(&format!("{} .row-main", row(maria.id))).await;
    app.find("#session").await;
    app.text_until("#session-title", |t| t == "M••• L•••").await;
    // The session panel's card: masked as the LDS sent it, the hidden parts read-only.
    app.text_until("#session-card", |t| t.contains("+34 6•• ••• •22"))
        .await;
    app.click("#session-card-edit").await;
    // The form comes with the core's next view: wait for it before reading it.
    app.find("#session-card-phones").await;
    assert_eq!(
        app.attr("#session-card-phones", "readonly")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        app.attr("#session-card-first-name", "readonly")
            .await
            .as_deref(),
        Some("true")
    );
    app.click("#session-card-cancel").await;
    app.find("#session-card-edit").await;
    app.click("#session-contact").await;
    app.text_until("#contact-panel", |t| t.contains("+34 6•• ••• •22"))
        .await;
    // Editing: the hidden parts are read-only.
    app.click("#contact-edit").await;
    app.find("#contact-phones").await;
    assert_eq!(
        app.attr("#contact-phones", "readonly").await.as_deref(),
        Some("true")
    );
    app.click("#contact-cancel").await;

    // Nowhere in the page — text, attributes, hidden nodes — is the name or a hidden digit.
    let page = app
        .js("return document.documentElement.outerHTML")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string();
    for hidden in [
        "Lopez",
        "Maria",
        "600111222",
        "600 111 222",
        "111222",
        "111 222",
    ] {
        assert!(!page.contains(hidden), "{hidden:?} is in the page");
    }
    app.quit().await;
}

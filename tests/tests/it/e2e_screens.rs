//! Every screen at a phone's width (360 px) and a desktop's (1280 px), in the light and the dark
//! theme, in the real WebKitGTK webview: nothing scrolls sideways, the desks' navigation is a
//! bottom bar on the phone and a side rail on the desktop, what a thumb taps is at least 44 px,
//! and axe-core (from npm, run inside the page) finds no violation.

use headsup_protocol::model::RequestKind;
use headsup_testkit::lds::customer;
use headsup_tests::{agent::HeadlessAgent, app::App, lds::Lds};
use serde_json::Value;

/// Phone and desktop viewports, in CSS pixels.
const PHONE: (u32, u32) = (360, 740);
const DESKTOP: (u32, u32) = (1280, 800);

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn every_screen_fits_a_phone_and_a_desktop_in_the_light_theme() {
    every_screen("e2e-screens-light", false).await;
}

#[tokio::test]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn every_screen_fits_a_phone_and_a_desktop_in_the_dark_theme() {
    // nextest runs each test in its own process, so the theme is this app's alone. WebKitGTK
    // answers `prefers-color-scheme` from the GTK theme.
    std::env::set_var("GTK_THEME", "Adwaita:dark");
    every_screen("e2e-screens-dark", true).await;
}

async fn every_screen(profile: &str, dark: bool) {
    let axe = axe_source();
    let lds = Lds::start().expect("lds starts");
    let key = lds.add_team("Support");
    lds.add_agent("ana@example.test", "Ana Agent", "Support", "correct horse");
    lds.add_agent("bo@example.test", "Bo Agent", "Support", "battery staple");
    // Bo is signed in elsewhere, so Ana can transfer to him; he takes nothing.
    let _bo = HeadlessAgent::sign_in(&lds.base_url, "bo@example.test", "battery staple").await;
    // A session of this queue ends in a wrap-up with a disposition to pick.
    let queue = ["--team", "Support", "--name", "default"];
    lds.cli(
        &[
            &["queue", "set"],
            &queue[..],
            &["--wrap-up", "required", "--channels", "voice,chat"],
        ]
        .concat(),
        None,
    );
    for (code, label) in [("sale", "Sale"), ("call_back", "Call back later")] {
        let disposition = ["--code", code, "--label", label];
        lds.cli(
            &[&["queue", "add-disposition"], &queue[..], &disposition[..]].concat(),
            None,
        );
    }
    let app = App::start(&lds.base_url, profile).await.expect("app");
    app.find("#email").await;
    let theme = app
        .js("return matchMedia('(prefers-color-scheme: dark)').matches")
        .await;
    assert_eq!(theme, Value::Bool(dark), "the webview's colour scheme");
    let theme = if dark { "dark" } else { "light" };

    let audit = |screen: &'static str| {
        let (app, axe) = (&app, &axe);
        async move {
            for (width, height) in [PHONE, DESKTOP] {
                app.set_viewport(width, height).await;
                let name = format!("{screen}-{theme}-{width}");
                if matches!(
                    screen,
                    "requests"
                        | "not-ready"
                        | "wrap-up"
                        | "dashboard"
                        | "contacts"
                        | "contact-card"
                        | "transfer-picker"
                        | "transfer-waiting"
                        | "chats"
                ) {
                    // The README's pictures of the phone and the desktop layout.
                    app.screenshot_for_docs(&name).await;
                } else {
                    app.screenshot(&name).await;
                }
                assert_no_sideways_scroll(app, &name).await;
                assert_no_axe_violation(app, axe, &name).await;
            }
        }
    };

    audit("sign-in-email").await;
    app.type_into("#email", "ana@example.test").await;
    app.click("#email-next").await;
    app.find("#password").await;
    audit("sign-in-password").await;

    app.type_into("#password", "correct horse").await;
    app.click("#connect").await;
    app.wait_synced().await;
    let first = lds
        .post(&key, RequestKind::CallNow, "Maria Lopez", None)
        .await;
    lds.post(
        &key,
        RequestKind::ScheduledByCustomer,
        "Chen Wei",
        Some(3_600),
    )
    .await;
    app.find(&headsup_tests::app::row(first.id)).await;
    audit("requests").await;
    for (width, height) in [PHONE, DESKTOP] {
        app.set_viewport(width, height).await;
        assert_desk_nav_placement(&app, width, height).await;
        if width == PHONE.0 {
            assert_thumb_sized_targets(&app).await;
        }
    }

    // The queues desk, and one queue's waiting customers.
    app.click("#desk-dashboard").await;
    app.text_until(".queue-row", |t| t.contains("1 customer waiting"))
        .await;
    audit("dashboard").await;
    app.click(".queue-row").await;
    app.text_until("#waiting-customers", |t| t.contains("Maria Lopez"))
        .await;
    audit("queue-waiting").await;
    app.click("#queue-back").await;

    // The contacts desk: the search and its results, a card, its edit form.
    app.click("#desk-contacts").await;
    app.click("#contact-search-go").await;
    app.text_until("#contact-results", |t| t.contains("Maria Lopez"))
        .await;
    audit("contacts").await;
    app.click("#contact-1").await;
    app.find("#contact-card").await;
    audit("contact-card").await;
    app.click("#contact-edit").await;
    app.find("#contact-save").await;
    audit("contact-form").await;
    app.click("#contact-cancel").await;
    app.click("#contact-back").await;

    app.click("#desk-requests").await;
    app.find("#queue").await;

    // The agent on a break: the status switch says so, the rows neither blink nor take.
    app.find("#status-select")
        .await
        .select_by_value("not_ready:lunch")
        .await
        .expect("the status select takes the value");
    app.class_until(".status-switch", "not-ready").await;
    audit("not-ready").await;
    app.find("#status-select")
        .await
        .select_by_value("available")
        .await
        .expect("the status select takes the value");
    app.class_until(".status-switch", "available").await;

    app.click("#agent-name").await;
    app.find("#profile-menu").await;
    audit("profile-menu").await;
    app.click("#menu-notifications").await;
    app.find("#settings").await;
    audit("settings").await;

    // The desk's tab leaves settings for the desk, and is then the current page.
    app.click("#desk-requests").await;
    app.find("#queue").await;
    app.attr_until("#desk-requests", "aria-current", "page")
        .await;

    app.click("#agent-name").await;
    app.click("#menu-check").await;
    app.find("#check").await;
    audit("check").await;

    // The agent takes the waiting customer: the session panel over the desk.
    app.click("#desk-requests").await;
    app.click(&format!("{} .row-main", headsup_tests::app::row(first.id)))
        .await;
    app.find("#session").await;
    app.text_until("#session-card", |t| t.contains("Maria Lopez"))
        .await;
    audit("session").await;
    // The customer's card edited in the session panel.
    app.click("#session-card-edit").await;
    app.find("#session-card-save").await;
    audit("session-contact-form").await;
    app.click("#session-card-cancel").await;
    app.find("#session-card-edit").await;

    // A transfer to Bo (a colleague signed in elsewhere): the picker, then the countdown.
    app.click("#transfer-open").await;
    app.text_until("#transfer-to", |t| t.contains("Bo Agent"))
        .await;
    audit("transfer-picker").await;
    app.find("#transfer-to")
        .await
        .select_by_label("Bo Agent (available)")
        .await
        .expect("the picker lists Bo");
    app.click("#transfer-send").await;
    app.text_until("#transfer-status", |t| {
        t.starts_with("Waiting for Bo Agent")
    })
    .await;
    audit("transfer-waiting").await;

    // The session ends: the wrap-up form, which only a disposition closes.
    app.click("#end-session").await;
    app.find("#wrap-up").await;
    app.class_until(".status-switch", "in-wrap-up").await;
    audit("wrap-up").await;
    app.find("#wrap-up-disposition")
        .await
        .select_by_value("sale")
        .await
        .expect("the disposition select takes the value");
    app.type_into("#wrap-up-note", "Wants the premium plan")
        .await;
    app.click("#wrap-up-done").await;
    app.wait_gone("#wrap-up").await;
    app.class_until(".status-switch", "available").await;

    chats_desk(&app, &lds, &key, &audit).await;
    app.quit().await;
}

/// A web chat taken in the app: the Chats desk opens on it; the customer's message, the agent's
/// answer and a note are audited, then the list alone.
async fn chats_desk<F, Fut>(app: &App, lds: &Lds, key: &str, audit: &F)
where
    F: Fn(&'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    app.click("#desk-requests").await;
    app.find("#queue").await;
    let started = customer::started(
        &lds.base_url,
        key,
        "Aiko Tanaka",
        Some("Hi! My parcel has not arrived yet."),
    )
    .await;
    app.text_until("#queue", |t| t.contains("Aiko Tanaka"))
        .await;
    let id = app
        .js(
            "return [...document.querySelectorAll('#queue .request-row')]
                .find((r) => r.textContent.includes('Aiko Tanaka')).dataset.requestId",
        )
        .await;
    let id = id.as_str().expect("the chat's row names its request");
    app.click(&format!(".request-row[data-request-id=\"{id}\"] .row-main"))
        .await;
    app.find("#chat-pane").await;
    app.text_until(".chat-log", |t| t.contains("My parcel has not arrived"))
        .await;
    app.type_into("#chat-text", "Hello Aiko, let me look it up.")
        .await;
    app.click("#chat-send").await;
    app.text_until(".chat-messages", |t| t.contains("let me look it up"))
        .await;
    app.click("#chat-note").await;
    app.type_into("#chat-text", "Courier says: delayed at the depot.")
        .await;
    app.click("#chat-send").await;
    app.text_until(".chat-messages", |t| t.contains("delayed at the depot"))
        .await;
    app.click("#chat-note").await;
    audit("chats").await;
    let row = format!("#chat-{}", started.conversation.0);
    app.set_viewport(PHONE.0, PHONE.1).await;
    app.click("#chat-back").await;
    app.wait_gone("#chat-pane").await;
    app.find(&row).await;
    audit("chat-list").await;
    // The filters go through the core to the LDS: the open chat is not among the closed ones.
    let pick = |css: &'static str, value: &'static str| async move {
        app.find(css)
            .await
            .select_by_value(value)
            .await
            .expect("the filter takes the value");
    };
    pick("#chat-filter-state", "closed").await;
    app.text_until("#chat-status", |t| t.contains("No conversations match"))
        .await;
    app.wait_gone(&row).await;
    pick("#chat-filter-state", "open").await;
    app.find(&row).await;
}

/// axe-core's script, installed from npm by scripts/setup.sh.
fn axe_source() -> String {
    let path = std::env::var("HEADSUP_AXE_JS").expect(
        "HEADSUP_AXE_JS names axe.min.js (scripts/lib.sh sets it; scripts/setup.sh installs it)",
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

async fn assert_no_sideways_scroll(app: &App, name: &str) {
    // With the widths, the elements that stick out (the deepest ones name the culprit).
    let widths = app
        .js(r#"const w = window.innerWidth;
            const out = [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > w + 0.5)
                .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (e.className && typeof e.className === 'string'
                        ? '.' + e.className.trim().split(/\s+/).join('.') : '')
                    + ' → ' + Math.round(e.getBoundingClientRect().right))
                .slice(-8);
            return [document.documentElement.scrollWidth, w, out]"#)
        .await;
    assert!(
        widths[0].as_u64() <= widths[1].as_u64(),
        "{name}: the page is wider than the window (scrollWidth, innerWidth, what sticks out) = \
         {widths}"
    );
}

/// Runs axe-core's WCAG 2.x A/AA rules and best practices on the page as it is.
async fn assert_no_axe_violation(app: &App, axe: &str, name: &str) {
    if app.js("return typeof window.axe").await != "object" {
        // Defines `window.axe` (axe.min.js is a UMD bundle).
        app.js(axe).await;
    }
    let violations = app
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
                resultTypes: ['violations'],
            }).then(
                (r) => done(r.violations.map((v) => v.id + ' (' + v.impact + '): '
                    + v.nodes.map((n) => n.target.join(' ') + ' — ' + n.failureSummary).join(' | '))),
                (e) => done(['axe failed: ' + e]));"#,
            Vec::new(),
        )
        .await
        .expect("axe runs");
    let violations = violations.as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "{name}: axe-core found {} violation(s):\n{}",
        violations.len(),
        violations
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The phone's bar spans the bottom of the window; the desktop's rail runs down the left edge.
async fn assert_desk_nav_placement(app: &App, width: u32, height: u32) {
    let rect = app
        .js(
            "const r = document.querySelector('#desk-nav').getBoundingClientRect();
             return [r.left, r.top, r.width, r.height]",
        )
        .await;
    let [left, top, w, h] = [0, 1, 2, 3].map(|i| rect[i].as_f64().expect("a number"));
    if width == PHONE.0 {
        assert!(
            left.abs() < 1.0 && (w - f64::from(width)).abs() < 1.0,
            "on a phone the desks' bar spans the width: {rect}"
        );
        assert!(
            (top + h - f64::from(height)).abs() < 1.0,
            "on a phone the desks' bar sits at the bottom of the window: {rect}"
        );
    } else {
        assert!(
            left.abs() < 1.0 && h > w && w < 200.0,
            "on a desktop the desks are a rail at the left: {rect}"
        );
    }
}

/// Every button and field on the requests desk is at least 44 × 44 px at a phone's width.
async fn assert_thumb_sized_targets(app: &App) {
    let small = app
        .js(
            "return [...document.querySelectorAll('.app button, .app input, .app a')]
                .filter((e) => e.offsetParent !== null)
                .map((e) => [e.id || e.className || e.tagName, e.getBoundingClientRect()])
                .filter(([, r]) => r.width < 44 || r.height < 44)
                .map(([n, r]) => n + ' ' + Math.round(r.width) + '×' + Math.round(r.height))",
        )
        .await;
    assert_eq!(
        small,
        Value::Array(vec![]),
        "targets smaller than 44 px on a phone"
    );
}

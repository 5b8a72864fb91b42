//! The app among colleagues, end to end with real parts: a request taken by another agent, the
//! quiet rules of a session, and a tap on a notification. The other agent is the client crate's
//! real driver without a window ([`HeadlessAgent`]): same core, same socket, same protocol.

use chrono::Utc;
use headsup_core::copy;
use headsup_protocol::model::{LegState, RequestKind};
use headsup_protocol::view::Intent;
use headsup_protocol::RequestId;
use headsup_testkit::eventually;
use headsup_tests::agent::HeadlessAgent;
use headsup_tests::app::row;
use headsup_tests::daemon;
use headsup_tests::team::{Team, ANA, BO, PASSWORD};

/// Whether the headless agent sees request `id` as an offer it can take now (blinking: a due
/// scheduled call still reads "scheduled").
fn offered(view: &headsup_protocol::view::ViewState, id: RequestId) -> bool {
    view.queue.iter().any(|r| r.id == id && r.blinking)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn a_request_taken_by_another_agent_shows_taken_and_its_notification_is_closed() {
    let team = Team::start();
    let app = team.ana_app("e2e-taken").await;
    let bo = HeadlessAgent::sign_in(&team.lds.base_url, BO.email, PASSWORD).await;

    let request = team
        .lds
        .post(&team.key, RequestKind::CallNow, "Tara Taken", None)
        .await;
    let daemon_id = team
        .bus
        .wait_for_id("Tara Taken is waiting for a call")
        .await;
    app.class_until(&row(request.id), "blinking").await;
    bo.view_until("Bo to be offered the request", |v| offered(v, request.id))
        .await;

    bo.intent(Intent::Accept {
        request: request.id,
    });
    bo.view_until("Bo's session to start", |v| v.session.is_some())
        .await;

    app.attr_until(&row(request.id), "data-status", "taken")
        .await;
    app.text_until(&row(request.id), |t| t.contains(BO.name))
        .await;
    assert_eq!(
        app.has_class(&row(request.id), "blinking").await,
        Some(false)
    );
    // Withdrawn from the screen: the app closed exactly the bubble the daemon gave it.
    team.bus.wait_closed(daemon_id).await;

    // A customer still waiting sits above it: open requests first, the history under its own
    // heading.
    let open = team
        .lds
        .post(&team.key, RequestKind::CallNow, "Olga Open", None)
        .await;
    app.class_until(&format!("#queue {}", row(open.id)), "blinking")
        .await;
    app.find(&format!("#history {}", row(request.id))).await;
    app.text_until("#history-title", |t| t.contains("Earlier requests"))
        .await;
    let in_order = app
        .js("const q = document.querySelector('#queue'), \
                   t = document.querySelector('#history-title'), \
                   h = document.querySelector('#history'); \
             const after = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING); \
             return after(q, t) && after(t, h);")
        .await;
    assert_eq!(
        in_order,
        serde_json::json!(true),
        "queue, then heading, then history"
    );
    app.screenshot("taken-by-bo").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn no_inbound_or_scheduled_notification_during_a_session_and_one_catch_up_after_it() {
    let team = Team::start();
    let app = team.ana_app("e2e-busy").await;
    // Ana's second device: it tells the test the session id the telephony simulator needs.
    let ana_phone = HeadlessAgent::sign_in(&team.lds.base_url, ANA.email, PASSWORD).await;
    let bo = HeadlessAgent::sign_in(&team.lds.base_url, BO.email, PASSWORD).await;

    // Ana takes a customer by tapping the blinking row.
    let first = team
        .lds
        .post(&team.key, RequestKind::CallNow, "Pia Pending", None)
        .await;
    app.class_until(&row(first.id), "blinking").await;
    app.click(&format!("{} .row-main", row(first.id))).await;
    app.find("#session").await;
    let session = ana_phone
        .view_until("the session on Ana's other device", |v| v.session.is_some())
        .await
        .session
        .unwrap();
    app.text_until("#agent-leg", |t| t.contains("Ringing"))
        .await;
    for leg in ["agent", "customer"] {
        team.lds
            .set_leg(&team.key, session.id, leg, LegState::Answered)
            .await
            .expect("telephony reports the leg answered");
    }
    app.attr_until("#session", "data-state", "bridged").await;
    app.text_until("#session-state", |t| t.contains("Bridged"))
        .await;
    app.text_until("#customer-leg", |t| t.contains("Answered"))
        .await;
    app.screenshot_for_docs("session").await;

    // During the session: an inbound call, and a scheduled call that falls due.
    let inbound = team
        .lds
        .post(&team.key, RequestKind::InboundCall, "Ivo Inbound", None)
        .await;
    let scheduled = team
        .lds
        .post(
            &team.key,
            RequestKind::ScheduledByCustomer,
            "Sara Scheduled",
            Some(2),
        )
        .await;
    // Bo is free, so both reach him as offers: they are live, and Ana is the one held back.
    bo.view_until("Bo to be offered the inbound call and the due call", |v| {
        offered(v, inbound.id) && offered(v, scheduled.id)
    })
    .await;
    // A plain call-now request still notifies during a session (the team must see it): once its
    // Notify is on the bus, anything raised for the quiet ones before it would be there too.
    let marker = team
        .lds
        .post(&team.key, RequestKind::CallNow, "Mark Marker", None)
        .await;
    team.bus
        .wait_for_body("Mark Marker is waiting for a call")
        .await;
    assert_eq!(
        team.bus.count_mentioning("Ivo Inbound"),
        0,
        "{:?}",
        team.bus.shown()
    );
    assert_eq!(
        team.bus.count_mentioning("Sara Scheduled"),
        0,
        "{:?}",
        team.bus.shown()
    );
    // Bo takes the marker, so only the held-back requests wait when Ana is free. His core refuses
    // an accept for a request it has not been offered yet, so wait for his offer first.
    bo.view_until("Bo to be offered the marker", |v| offered(v, marker.id))
        .await;
    bo.intent(Intent::Accept { request: marker.id });
    app.attr_until(&row(marker.id), "data-status", "taken")
        .await;

    let ending_at = Utc::now();
    app.click("#end-session").await;
    app.wait_gone("#session").await;
    // Now free: the held-back requests are offered to Ana. The server sends their offers before
    // the session's end, so the app, still busy when they arrive, keeps them quiet and then
    // raises ONE catch-up summary for both instead of a burst of one alert each.
    app.class_until(&format!("#queue {}", row(inbound.id)), "blinking")
        .await;
    app.class_until(&format!("#queue {}", row(scheduled.id)), "blinking")
        .await;
    let (catch_up_title, _) = copy::catch_up(2, ending_at, ending_at);
    let summary = eventually("the catch-up summary", || async {
        team.bus
            .shown()
            .into_iter()
            .find(|n| n.summary == catch_up_title)
    })
    .await;
    let shown_by = Utc::now();
    // The body says how long the oldest has waited, as of the moment the app handled the end:
    // somewhere between the click and now, so any second in between gives an acceptable text.
    let oldest = inbound
        .created_at
        .min(scheduled.due_at.expect("a scheduled call has a due time"));
    let mut acceptable: Vec<String> = (0..=(shown_by - ending_at).num_seconds() + 1)
        .map(|s| copy::catch_up(2, oldest, ending_at + chrono::Duration::seconds(s)).1)
        .collect();
    acceptable.dedup();
    assert!(
        acceptable.contains(&summary.body),
        "catch-up body {:?}, expected one of {acceptable:?}",
        summary.body
    );
    // The summary is on the bus, so everything the app did for the offers before it is too:
    // exactly one summary and not a single alert naming a held-back customer.
    let shown = team.bus.shown();
    assert_eq!(
        shown.iter().filter(|n| n.summary == catch_up_title).count(),
        1,
        "{shown:?}"
    );
    assert_eq!(team.bus.count_mentioning("Ivo Inbound"), 0, "{shown:?}");
    assert_eq!(team.bus.count_mentioning("Sara Scheduled"), 0, "{shown:?}");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn tapping_a_notification_brings_its_request_into_view_without_accepting_it() {
    let team = Team::start();
    let app = team.ana_app("e2e-tap").await;
    let bo = HeadlessAgent::sign_in(&team.lds.base_url, BO.email, PASSWORD).await;

    // Enough customers that the newest (listed last: oldest first) is below the fold.
    let mut fillers = Vec::new();
    for n in 1..=24 {
        let name = format!("Filler {n:02}");
        fillers.push(
            team.lds
                .post(&team.key, RequestKind::CallNow, &name, None)
                .await,
        );
    }
    app.find(&row(fillers.last().unwrap().id)).await;
    team.bus
        .wait_for_body("Filler 24 is waiting for a call")
        .await;
    daemon::clear().await;

    let tapped = team
        .lds
        .post(&team.key, RequestKind::CallNow, "Tom Tapped", None)
        .await;
    let target = row(tapped.id);
    team.bus
        .wait_for_body("Tom Tapped is waiting for a call")
        .await;
    app.class_until(&target, "blinking").await;
    let in_view = format!(
        "const r = document.querySelector('{}').getBoundingClientRect();
         return r.top >= 0 && r.bottom <= window.innerHeight;",
        target.replace('\'', "\\'")
    );
    assert_eq!(
        app.js(&in_view).await,
        serde_json::json!(false),
        "the test needs Tom's row out of view before the tap"
    );

    // The agent clicks the bubble (the daemon's default action, as a left click does); again
    // until the app reacts, since the bubble may take a moment to map.
    eventually("Tom's row scrolled into view", || async {
        daemon::activate_first();
        (app.js(&in_view).await == serde_json::json!(true)).then_some(())
    })
    .await;
    let focused_row =
        "const row = document.activeElement && document.activeElement.closest('.request-row');
         return row ? row.getAttribute('data-request-id') : null;";
    eventually("Tom's row to have the keyboard focus", || async {
        (app.js(focused_row).await == serde_json::json!(tapped.id.0.to_string())).then_some(())
    })
    .await;
    assert_eq!(app.has_class(&target, "blinking").await, Some(true));
    assert_eq!(
        app.attr(&target, "data-status").await.as_deref(),
        Some("now")
    );
    assert!(!app.exists("#session").await, "a tap never accepts");
    app.screenshot_for_docs("notification-tap").await;

    // Proof that the tap did not take the customer: a colleague still can.
    bo.intent(Intent::Accept { request: tapped.id });
    let view = bo
        .view_until("Bo's session with Tom", |v| v.session.is_some())
        .await;
    assert_eq!(view.session.unwrap().request, tapped.id);
    app.attr_until(&target, "data-status", "taken").await;
    app.quit().await;
}

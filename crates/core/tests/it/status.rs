//! The agent's status: nothing notified or taken while not ready, one catch-up when available
//! again, the switch's view and its local refusals.

use chrono::Duration;
use headsup_core::Output;
use headsup_protocol::lds::{ClientFrame, Event};
use headsup_protocol::model::{AgentStatus, Availability, RequestKind};
use headsup_protocol::view::Intent;

use crate::support::*;

fn not_ready(reason: &str) -> AgentStatus {
    AgentStatus {
        availability: Availability::NotReady,
        reason: Some(reason.into()),
        since: Some(t0()),
        wrap_up: None,
    }
}

fn available() -> AgentStatus {
    AgentStatus {
        availability: Availability::Available,
        reason: None,
        since: Some(t0()),
        wrap_up: None,
    }
}

#[test]
fn not_ready_withdraws_alerts_and_notifies_nothing_until_available_again() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    assert_eq!(notifications(&h.offer(1, RequestKind::CallNow)).len(), 1);
    let out = h.event(Event::StatusChanged {
        status: not_ready("lunch"),
    });
    assert_eq!(
        withdrawn(&out).len(),
        1,
        "the offer's alert leaves the screen"
    );
    let view = h.core.view(h.now);
    assert_eq!(view.status.label, "Not ready: Lunch");
    assert!(!view.attend_next.allowed);
    assert!(view
        .queue
        .iter()
        .all(|r| !r.actions.can_take && !r.blinking));
    // An offer that was already in flight, and any re-alert, stay quiet.
    assert!(notifications(&h.offer(2, RequestKind::CallNow)).is_empty());
    assert!(notifications(&h.advance(Duration::minutes(10))).is_empty());
    // Back: one summary for the two that wait, not one each.
    let out = h.event(Event::StatusChanged {
        status: available(),
    });
    let shown = notifications(&out);
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].request.is_none(), "a catch-up, not an offer");
    assert!(h.core.view(h.now).attend_next.allowed);
}

#[test]
fn taking_a_customer_while_not_ready_is_refused_locally() {
    let mut h = Harness::new();
    h.sign_in(vec![request(1, RequestKind::CallNow, t0())]);
    h.event(Event::StatusChanged {
        status: not_ready("break"),
    });
    let out = h.intent(Intent::Accept {
        request: headsup_protocol::RequestId(1),
    });
    assert!(sent(&out).is_empty());
    let notice = h.core.view(h.now).notice.expect("told why");
    assert!(notice.text.contains("not ready"), "{}", notice.text);
}

#[test]
fn the_switch_sends_set_status_and_needs_a_known_reason_for_not_ready() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    assert_eq!(h.core.view(h.now).status.reasons.len(), 2);
    let out = h.intent(Intent::SetStatus {
        availability: Availability::NotReady,
        reason: None,
    });
    assert!(sent(&out).is_empty(), "no reason: refused before sending");
    let out = h.intent(Intent::SetStatus {
        availability: Availability::NotReady,
        reason: Some("nap".into()),
    });
    assert!(sent(&out).is_empty(), "not on the team's list");
    let out = h.intent(Intent::SetStatus {
        availability: Availability::NotReady,
        reason: Some("break".into()),
    });
    assert!(matches!(
        sent(&out).as_slice(),
        [ClientFrame::SetStatus {
            availability: Availability::NotReady,
            reason: Some(r),
            ..
        }] if r == "break"
    ));
    // The switch shows the LDS's status, not the intent: nothing changed yet.
    assert_eq!(
        h.core.view(h.now).status.availability,
        Availability::Available
    );
}

#[test]
fn a_session_ending_while_not_ready_raises_no_catch_up() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.event(Event::Assigned {
        request: request(50, RequestKind::CallNow, h.now),
        session: session(1, 50, headsup_protocol::model::SessionState::Connecting),
    });
    h.event(Event::StatusChanged {
        status: not_ready("break"),
    });
    h.offer(2, RequestKind::InboundCall);
    let out = h.event(Event::SessionUpdated {
        session: session(1, 50, headsup_protocol::model::SessionState::Ended),
    });
    assert!(notifications(&out).is_empty());
    let out = h.event(Event::StatusChanged {
        status: available(),
    });
    assert_eq!(notifications(&out).len(), 1);
    assert!(out.iter().any(|o| matches!(o, Output::ViewChanged)));
}

#[test]
fn the_lds_setting_missed_offers_reads_as_such_and_is_not_a_pick() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.event(Event::StatusChanged {
        status: not_ready(headsup_protocol::model::MISSED_OFFERS),
    });
    let view = h.core.view(h.now).status;
    assert_eq!(view.label, "Not ready: Missed offers");
    assert!(view
        .reasons
        .iter()
        .all(|r| r.code != headsup_protocol::model::MISSED_OFFERS));
}

#[test]
fn a_ring_that_passed_on_leaves_the_screen_and_the_list() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    assert_eq!(notifications(&h.offer(1, RequestKind::CallNow)).len(), 1);
    let out = h.event(Event::Passed {
        request: headsup_protocol::RequestId(1),
    });
    assert_eq!(withdrawn(&out).len(), 1);
    assert!(h.core.view(h.now).queue.is_empty());
}

#[test]
fn a_required_wrap_up_is_closed_only_by_a_disposition() {
    use headsup_protocol::model::{Disposition, WrapUp};
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.event(Event::StatusChanged {
        status: AgentStatus {
            availability: Availability::WrapUp,
            reason: None,
            since: Some(t0()),
            wrap_up: Some(WrapUp {
                session: headsup_protocol::SessionId(3),
                until: t0() + Duration::seconds(60),
                required: true,
                dispositions: vec![Disposition {
                    code: "sale".into(),
                    label: "Sale\u{202e}".into(),
                }],
            }),
        },
    });
    let view = h.core.view(h.now).status;
    assert_eq!(view.label, "Wrap-up");
    let form = view.wrap_up.expect("the wrap-up form");
    assert!(form.required);
    assert_eq!(form.dispositions[0].label, "Sale", "bidi controls dropped");
    assert_eq!(
        form.closes_text, "Closes by itself in 1:00 (at 10:01:00)",
        "Madrid time"
    );
    // The countdown moves on by itself.
    h.advance(Duration::seconds(15));
    let form = h.core.view(h.now).status.wrap_up.unwrap();
    assert_eq!(form.closes_text, "Closes by itself in 0:45 (at 10:01:00)");
    // Nothing alerts during wrap-up.
    assert!(notifications(&h.offer(1, RequestKind::CallNow)).is_empty());
    // Neither a status nor an empty Done closes it.
    let out = h.intent(Intent::SetStatus {
        availability: Availability::Available,
        reason: None,
    });
    assert!(sent(&out).is_empty());
    let out = h.intent(Intent::FinishWrapUp {
        disposition: None,
        note: None,
    });
    assert!(sent(&out).is_empty());
    let out = h.intent(Intent::FinishWrapUp {
        disposition: Some("sale".into()),
        note: Some("  ".into()),
    });
    assert!(matches!(
        sent(&out).as_slice(),
        [ClientFrame::FinishWrapUp { disposition: Some(d), note: None, .. }] if d == "sale"
    ));
}

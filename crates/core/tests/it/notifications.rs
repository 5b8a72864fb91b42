//! The seeds' notification rules plus the re-alert and catch-up this product adds.

use crate::support::*;
use chrono::Duration;
use headsup_core::{notification_id, Core, Input, Output, CATCH_UP_ID};
use headsup_protocol::lds::{Event, ServerFrame, Snapshot};
use headsup_protocol::model::{RequestKind, SessionState};
use headsup_protocol::view::{Intent, Settings};
use headsup_protocol::RequestId;

fn nid(id: i64) -> headsup_core::NotificationId {
    notification_id(RequestId(id))
}

#[test]
fn an_offer_raises_one_notification_with_its_kinds_copy() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let n = notifications(&h.offer(1, RequestKind::CallNow));
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].title, "New customer request");
    assert_eq!(n[0].body, "Customer 1 is waiting for a call");
    assert_eq!(
        (n[0].id, n[0].request, n[0].sound, n[0].urgency),
        (nid(1), Some(RequestId(1)), true, 0)
    );

    let n = notifications(&h.offer(2, RequestKind::ChatInbound));
    assert_eq!(n[0].title, "New chat");
}

#[test]
fn nothing_when_notifications_are_off_and_no_sound_when_muted() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let off = Settings {
        notifications: false,
        ..Settings::default()
    };
    h.intent(Intent::SaveSettings { settings: off });
    assert!(notifications(&h.offer(1, RequestKind::CallNow)).is_empty());

    let muted = Settings {
        sound: false,
        ..Settings::default()
    };
    h.intent(Intent::SaveSettings { settings: muted });
    assert!(!notifications(&h.offer(2, RequestKind::CallNow))[0].sound);
}

#[test]
fn nothing_while_signed_out() {
    let mut h = Harness::new();
    h.input(Input::TokenLoaded(None));
    // Frames cannot arrive without a connection, but a stray one must not notify either.
    let out = h.frame(ServerFrame::Snapshot(Snapshot {
        seq: 1,
        requests: vec![request(1, RequestKind::CallNow, h.now)],
        session: None,
        status: Default::default(),
    }));
    assert!(notifications(&out).is_empty());
}

#[test]
fn inbound_and_scheduled_kinds_are_quiet_while_busy_but_call_now_is_not() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.event(Event::Assigned {
        request: request(50, RequestKind::CallNow, h.now),
        session: session(1, 50, SessionState::Connecting),
    });
    assert!(h.core.busy());
    for (id, kind) in [
        (2, RequestKind::InboundCall),
        (3, RequestKind::ChatInbound),
        (4, RequestKind::ScheduledByCustomer),
        (5, RequestKind::ScheduledByAgent),
        (6, RequestKind::CallMeBack),
    ] {
        assert!(
            notifications(&h.offer(id, kind)).is_empty(),
            "{kind:?} notified while busy"
        );
    }
    assert_eq!(notifications(&h.offer(7, RequestKind::CallNow)).len(), 1);
}

#[test]
fn never_two_for_one_request_across_replays_reconnects_and_restarts() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.offer(1, RequestKind::CallNow);
    let seq = h.core.last_seq().unwrap();
    // The same event replayed (overlap after resume) is ignored.
    let r = request(1, RequestKind::CallNow, h.now);
    assert!(notifications(&h.event_at(seq, Event::Offered { request: r.clone() })).is_empty());
    // Offered again with a new sequence (after the agent became free) does not notify again.
    assert!(notifications(&h.event(Event::Offered { request: r.clone() })).is_empty());
    // A reconnect with a snapshot that still has it.
    h.input(Input::Disconnected {
        reason: "cut".into(),
    });
    h.advance(Duration::seconds(5)); // The first retry comes within two seconds.
    let seq = h.core.last_seq().unwrap() + 1;
    assert!(notifications(&h.connect_with_snapshot(seq, vec![r.clone()])).is_empty());
    // A restart from the saved state: the queue is gone from memory, so the hello asks for a
    // snapshot, and the saved set keeps the request from notifying again.
    let mut again = Harness::with_saved(h.core.saved_state());
    again.input(Input::TokenLoaded(Some(TOKEN.into())));
    let out = again.connect_with_snapshot(seq, vec![r]);
    assert!(notifications(&out).is_empty());
    let hello = sent(&out).remove(0);
    assert!(matches!(
        hello,
        headsup_protocol::lds::ClientFrame::Hello { last_seq: None, .. }
    ));
}

#[test]
fn withdrawn_when_taken_cancelled_timed_out_rejected_or_accepted_elsewhere() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    for id in 1..=5 {
        h.offer(id, RequestKind::CallNow);
    }
    let cases = [
        Event::Taken {
            request: RequestId(1),
            by: bo(),
        },
        Event::Cancelled {
            request: RequestId(2),
        },
        Event::TimedOut {
            request: RequestId(3),
        },
        Event::Rejected {
            request: RequestId(4),
        },
        Event::Assigned {
            request: request(5, RequestKind::CallNow, h.now),
            session: session(1, 5, SessionState::Connecting),
        },
    ];
    for (i, event) in cases.into_iter().enumerate() {
        let out = h.event(event);
        assert_eq!(withdrawn(&out), vec![nid(i as i64 + 1)]);
    }
    assert_eq!(
        h.core.view(h.now).notice.unwrap().text,
        "Bo took Customer 1."
    );
}

#[test]
fn re_alerts_rise_in_urgency_every_30_s_at_most_3_times() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.offer(1, RequestKind::CallNow);
    let mut urgencies = Vec::new();
    for _ in 0..6 {
        let out = h.advance(Duration::seconds(30));
        urgencies.extend(notifications(&out).into_iter().map(|n| (n.id, n.urgency)));
    }
    assert_eq!(urgencies, vec![(nid(1), 1), (nid(1), 2), (nid(1), 3)]);
    let last = notifications(&h.log).pop().unwrap();
    assert_eq!(last.title, "Still waiting: New customer request");
    assert_eq!(last.body, "Customer 1 has been waiting 1 min");
}

#[test]
fn re_alerts_stop_the_moment_the_request_is_taken() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.offer(1, RequestKind::CallNow);
    assert_eq!(notifications(&h.advance(Duration::seconds(30))).len(), 1);
    h.event(Event::Taken {
        request: RequestId(1),
        by: bo(),
    });
    assert!(notifications(&h.advance(Duration::minutes(5))).is_empty());
}

#[test]
fn re_alert_interval_and_count_come_from_settings() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.intent(Intent::SaveSettings {
        settings: Settings {
            realert_secs: 10,
            realert_max: 1,
            ..Settings::default()
        },
    });
    h.offer(1, RequestKind::CallNow);
    let out = h.advance(Duration::seconds(10));
    assert_eq!(notifications(&out).len(), 1);
    assert!(notifications(&h.advance(Duration::minutes(2))).is_empty());

    h.intent(Intent::SaveSettings {
        settings: Settings {
            realert_max: 0,
            ..Settings::default()
        },
    });
    h.offer(2, RequestKind::CallNow);
    assert!(notifications(&h.advance(Duration::minutes(2))).is_empty());
}

#[test]
fn one_catch_up_instead_of_a_burst_when_the_agent_becomes_free() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.event(Event::Assigned {
        request: request(50, RequestKind::CallNow, h.now),
        session: session(1, 50, SessionState::Bridged),
    });
    h.offer(1, RequestKind::InboundCall);
    h.advance(Duration::minutes(1));
    h.offer(2, RequestKind::ChatInbound);
    h.offer(3, RequestKind::ScheduledByCustomer);
    h.advance(Duration::minutes(3));
    let out = h.event(Event::SessionUpdated {
        session: session(1, 50, SessionState::Ended),
    });
    let n = notifications(&out);
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(n[0].id, CATCH_UP_ID);
    assert_eq!(n[0].request, None);
    assert_eq!(n[0].body, "3 customers waiting, oldest 4 min");
    // None of them notifies on its own afterwards.
    assert!(notifications(&h.advance(Duration::minutes(3))).is_empty());
    // The summary goes once nobody waits any more.
    h.event(Event::Taken {
        request: RequestId(1),
        by: bo(),
    });
    h.event(Event::Cancelled {
        request: RequestId(2),
    });
    let out = h.event(Event::TimedOut {
        request: RequestId(3),
    });
    assert_eq!(withdrawn(&out), vec![CATCH_UP_ID]);
}

#[test]
fn phone_numbers_can_be_masked_in_notifications() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.intent(Intent::SaveSettings {
        settings: Settings {
            mask_phone: true,
            ..Settings::default()
        },
    });
    let mut r = request(1, RequestKind::InboundCall, h.now);
    r.customer.name = None;
    let n = notifications(&h.event(Event::Offered { request: r }));
    assert_eq!(n[0].body, "+34 ••• ••• •56 is calling in");
    assert_eq!(h.core.view(h.now).queue[0].label, "+34 ••• ••• •56");
}

#[test]
fn a_tap_only_brings_the_request_into_view() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.offer(1, RequestKind::CallNow);
    let out = h.input(Input::NotificationTapped(Some(RequestId(1))));
    assert!(sent(&out).is_empty());
    assert_eq!(h.core.view(h.now).focus, Some(RequestId(1)));
}

#[test]
fn several_offers_found_after_a_reconnect_give_one_summary() {
    let mut h = Harness::new();
    let _ = Core::new("x", Default::default(), 1); // constructible without I/O
    let reqs = (1..=4)
        .map(|i| request(i, RequestKind::CallNow, h.now))
        .collect();
    let out = h.sign_in(reqs);
    let n = notifications(&out);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].body, "4 customers waiting, oldest 0 s");
    assert!(!out
        .iter()
        .any(|o| matches!(o, Output::Notify(n) if n.id != CATCH_UP_ID)));
}

#[test]
fn re_alerts_stop_when_the_request_is_cancelled_times_out_or_is_rejected() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    for id in 1..=3 {
        h.offer(id, RequestKind::CallNow);
    }
    assert_eq!(
        notifications(&h.advance(Duration::seconds(30))).len(),
        3,
        "each re-alerts once after 30 s"
    );
    h.event(Event::Cancelled {
        request: RequestId(1),
    });
    h.event(Event::TimedOut {
        request: RequestId(2),
    });
    h.event(Event::Rejected {
        request: RequestId(3),
    });
    assert!(notifications(&h.advance(Duration::minutes(5))).is_empty());
}

#[test]
fn each_of_the_six_kinds_raises_one_notification_with_its_own_title() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let kinds = [
        RequestKind::CallNow,
        RequestKind::ScheduledByCustomer,
        RequestKind::ScheduledByAgent,
        RequestKind::CallMeBack,
        RequestKind::InboundCall,
        RequestKind::ChatInbound,
    ];
    let mut titles = std::collections::BTreeSet::new();
    for (i, kind) in kinds.into_iter().enumerate() {
        let id = i as i64 + 1;
        let n = notifications(&h.offer(id, kind));
        assert_eq!(n.len(), 1, "{kind:?}");
        assert_eq!(n[0].request, Some(RequestId(id)));
        assert!(n[0].body.contains(&format!("Customer {id}")), "{:?}", n[0]);
        titles.insert(n[0].title.clone());
    }
    assert_eq!(titles.len(), 6, "{titles:?}");
}

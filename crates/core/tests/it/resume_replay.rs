//! A resume's replay is one batch: the missed events are applied first, and only what is still
//! open at its end alerts — one each for a few, one catch-up for more. Live events after the
//! batch alert one each again.

use crate::support::*;
use chrono::Duration;
use headsup_core::{notification_id, Input, Output, CATCH_UP_ID};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{RequestKind, SessionState};
use headsup_protocol::RequestId;

/// Signed in, one offer notified (seq 2), then the connection is cut and reopened: the core
/// resumes from seq 2 and the server welcomes it with `head_seq`.
fn back_from_offline(head_seq: u64) -> Harness {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    assert_eq!(notifications(&h.offer(1, RequestKind::CallNow)).len(), 1);
    h.input(Input::Disconnected {
        reason: "cut".into(),
    });
    h.now += Duration::seconds(48);
    h.advance(Duration::seconds(1));
    h.input(Input::Connected);
    h.welcome(head_seq, true);
    h
}

/// The missed events: `offers` offers (ids 100…), then the first `closed` of them taken,
/// cancelled or timed out in turn.
fn missed(offers: i64, closed: i64) -> Vec<Event> {
    let t = crate::support::t0();
    let mut events: Vec<Event> = (0..offers)
        .map(|i| Event::Offered {
            request: request(100 + i, RequestKind::CallNow, t),
        })
        .collect();
    events.extend((0..closed).map(|i| {
        let request = RequestId(100 + i);
        match i % 3 {
            0 => Event::Taken { request, by: bo() },
            1 => Event::Cancelled { request },
            _ => Event::TimedOut { request },
        }
    }));
    events
}

#[test]
fn a_replayed_burst_alerts_once_for_what_is_still_open_at_its_end() {
    let events = missed(120, 80);
    let head = 2 + events.len() as u64;
    let mut h = back_from_offline(head);
    let mut during = Vec::new();
    let last = events.len() - 1;
    for (i, event) in events.into_iter().enumerate() {
        let out = h.event(event);
        if i < last {
            during.extend(out);
        } else {
            assert!(
                notifications(&during).is_empty(),
                "nothing raised before the batch ended: {:?}",
                notifications(&during)
            );
            let n = notifications(&out);
            assert_eq!(n.len(), 1, "one catch-up: {n:?}");
            assert_eq!(n[0].id, CATCH_UP_ID);
            // 40 replayed offers still open, and the one from before the cut.
            assert_eq!(n[0].body, "41 customers waiting, oldest 49 s");
        }
    }
    assert_eq!(h.core.last_seq(), Some(head));
    // No withdrawn customer ever got a notification of its own.
    let raised: Vec<_> = notifications(&h.log).into_iter().map(|n| n.id).collect();
    for id in 100..180 {
        assert!(!raised.contains(&notification_id(RequestId(id))), "{id}");
    }
    // Every open one is remembered as notified: nothing more for them later.
    let out = h.advance(Duration::minutes(5));
    assert!(notifications(&out)
        .iter()
        .all(|n| n.id == notification_id(RequestId(1))));

    // Live events after the batch alert one each again.
    let n = notifications(&h.offer(500, RequestKind::CallNow));
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].id, notification_id(RequestId(500)));
    let n = notifications(&h.offer(501, RequestKind::ChatInbound));
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].title, "New chat");
}

#[test]
fn a_batch_leaving_one_customer_open_alerts_for_that_one() {
    let events = missed(10, 9);
    let head = 2 + events.len() as u64;
    let mut h = back_from_offline(head);
    let mut out = Vec::new();
    for event in events {
        out.extend(h.event(event));
    }
    let n = notifications(&out);
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(n[0].id, notification_id(RequestId(109)));
    assert_eq!(n[0].body, "Customer 109 is waiting for a call");
}

#[test]
fn a_batch_where_everything_was_withdrawn_raises_nothing() {
    let events = missed(30, 30);
    let head = 2 + events.len() as u64;
    let mut h = back_from_offline(head);
    let mut out = Vec::new();
    for event in events {
        out.extend(h.event(event));
    }
    assert!(notifications(&out).is_empty(), "{:?}", notifications(&out));
}

#[test]
fn a_replay_that_stops_short_alerts_at_its_deadline() {
    let mut h = back_from_offline(100); // The server promises 98 events, sends 3.
    let mut out = Vec::new();
    for event in missed(3, 0) {
        out.extend(h.event(event));
    }
    assert!(notifications(&out).is_empty());
    let deadline = h.core.poll_timeout().expect("a wake-up for the replay");
    assert!(deadline <= h.now + Duration::seconds(5), "{deadline}");
    let out = h.advance(Duration::seconds(5));
    let n = notifications(&out);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].id, CATCH_UP_ID);
    assert_eq!(n[0].body, "4 customers waiting, oldest 54 s");
}

#[test]
fn a_replay_cut_by_another_drop_goes_on_with_the_next_connection() {
    let events = missed(20, 18);
    let head = 2 + events.len() as u64;
    let mut h = back_from_offline(head);
    let mut events = events.into_iter();
    let mut out = Vec::new();
    for event in events.by_ref().take(25) {
        out.extend(h.event(event));
    }
    out.extend(h.input(Input::Disconnected {
        reason: "cut again".into(),
    }));
    out.extend(h.advance(Duration::seconds(2)));
    out.extend(h.input(Input::Connected));
    out.extend(h.welcome(head, true));
    for event in events {
        out.extend(h.event(event));
    }
    let n = notifications(&out);
    assert_eq!(n.len(), 1, "one catch-up for the two left open: {n:?}");
    assert_eq!(n[0].id, CATCH_UP_ID);
    assert_eq!(n[0].body, "3 customers waiting, oldest 51 s");
}

#[test]
fn a_session_that_ended_within_the_batch_gives_one_catch_up_at_its_end() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.event(Event::Assigned {
        request: request(1, RequestKind::CallNow, h.now),
        session: session(1, 1, SessionState::Bridged),
    });
    h.input(Input::Disconnected {
        reason: "cut".into(),
    });
    h.advance(Duration::seconds(3));
    h.input(Input::Connected);
    h.welcome(2 + 4, true);
    let mut out = h.offer(2, RequestKind::InboundCall);
    out.extend(h.event(Event::SessionUpdated {
        session: session(1, 1, SessionState::Ended),
    }));
    out.extend(h.offer(3, RequestKind::CallNow));
    assert!(notifications(&out).is_empty(), "{:?}", notifications(&out));
    let out = h.offer(4, RequestKind::ChatInbound);
    let n = notifications(&out);
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(n[0].id, CATCH_UP_ID);
    assert!(
        n[0].body.starts_with("3 customers waiting"),
        "{}",
        n[0].body
    );
    assert!(!out.contains(&Output::Disconnect));
}

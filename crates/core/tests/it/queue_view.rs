//! What the request tab shows: order, status, blinking, the scheduled timeline, and the
//! accept/reject/attend-next/end-session commands with their local refusals.

use crate::support::*;
use chrono::Duration;
use headsup_core::Output;
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, ServerFrame};
use headsup_protocol::model::{RequestKind, RequestState, SessionState};
use headsup_protocol::view::{Intent, NoticeLevel, RowSection, RowStatus};
use headsup_protocol::{ErrorCode, RequestId, SessionId};

fn ids(rows: &[headsup_protocol::view::QueueRow]) -> Vec<i64> {
    rows.iter().map(|r| r.id.0).collect()
}

#[test]
fn open_requests_oldest_first_then_history_and_scheduled_calls_as_a_timeline() {
    let mut h = Harness::new();
    let t = h.now;
    let mut later = request(10, RequestKind::ScheduledByCustomer, t - Duration::hours(1));
    later.state = RequestState::Scheduled;
    later.due_at = Some(t + Duration::hours(2));
    let mut sooner = request(11, RequestKind::ScheduledByAgent, t - Duration::hours(1));
    sooner.state = RequestState::Scheduled;
    sooner.due_at = Some(t + Duration::minutes(30));
    let mut timed_out = request(3, RequestKind::CallNow, t - Duration::minutes(20));
    timed_out.state = RequestState::TimedOut;
    h.sign_in(vec![
        request(2, RequestKind::CallNow, t - Duration::minutes(1)),
        request(1, RequestKind::InboundCall, t - Duration::minutes(5)),
        later,
        sooner,
        timed_out,
    ]);
    let view = h.core.view(h.now);
    // The customers still waiting come first, in the order "Attend next customer" takes them;
    // the timed-out one (older than both) sits under them, in the history.
    assert_eq!(ids(&view.queue), vec![1, 2, 3]);
    let sections: Vec<_> = view.queue.iter().map(|r| r.section).collect();
    assert_eq!(
        sections,
        vec![RowSection::Open, RowSection::Open, RowSection::History]
    );
    assert_eq!(view.queue[2].status, RowStatus::TimedOut);
    assert!(
        !view.queue[2].blinking,
        "a timed-out request does not blink"
    );
    assert!(
        view.queue[0].blinking && view.queue[1].blinking,
        "offers the agent can take blink"
    );
    assert_eq!(view.queue[0].status_text, "Calling now");
    assert_eq!(
        view.queue[2].status_text, "Timed out",
        "history rows say what happened"
    );
    assert_eq!(ids(&view.scheduled), vec![11, 10]);
    assert!(view
        .scheduled
        .iter()
        .all(|r| !r.blinking && r.status == RowStatus::Scheduled));
    // 09:30 UTC in Madrid (CET in March) is 10:30.
    assert_eq!(
        view.scheduled[0].due_local.as_deref(),
        Some("Mon 2 Mar, 10:30")
    );

    // When its time comes, the scheduled call moves to the requests and blinks.
    h.advance(Duration::minutes(31));
    let view = h.core.view(h.now);
    assert_eq!(ids(&view.scheduled), vec![10]);
    let due = view.queue.iter().find(|r| r.id == RequestId(11)).unwrap();
    assert!(due.blinking);
    assert_eq!(due.section, RowSection::Open);
    assert_eq!(due.status_text, "Your call, due now");
    assert_eq!(view.scheduled[0].status_text, "Booked for Mon 2 Mar, 12:00");
}

#[test]
fn history_is_newest_first_under_every_open_request() {
    let mut h = Harness::new();
    let t = h.now;
    h.sign_in(
        (1..=5)
            .map(|i| request(i, RequestKind::CallNow, t + Duration::seconds(i)))
            .collect(),
    );
    h.now += Duration::seconds(10);
    h.event(Event::TimedOut {
        request: RequestId(1),
    });
    h.now += Duration::seconds(1);
    h.event(Event::Taken {
        request: RequestId(3),
        by: bo(),
    });
    h.now += Duration::seconds(1);
    h.event(Event::Cancelled {
        request: RequestId(2),
    });
    h.offer(6, RequestKind::CallNow);
    let view = h.core.view(h.now);
    assert_eq!(ids(&view.queue), vec![4, 5, 6, 2, 3, 1]);
    assert!(view.queue[..3]
        .iter()
        .all(|r| r.section == RowSection::Open));
    assert!(view.queue[3..]
        .iter()
        .all(|r| r.section == RowSection::History));
}

#[test]
fn a_scheduled_call_offered_when_due_reads_as_scheduled_and_blinks() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let mut r = request(
        1,
        RequestKind::ScheduledByCustomer,
        h.now - Duration::hours(1),
    );
    r.due_at = Some(h.now);
    let out = h.event(Event::Offered { request: r });
    assert_eq!(notifications(&out)[0].title, "Booked call due now");
    assert_eq!(
        notifications(&out)[0].body,
        "Customer 1 booked a call for this time: call them now"
    );
    let row = &h.core.view(h.now).queue[0];
    assert_eq!(row.status, RowStatus::Scheduled);
    assert!(row.blinking);
    assert_eq!(row.due_local.as_deref(), Some("Mon 2 Mar, 10:00"));
}

#[test]
fn nothing_blinks_while_busy() {
    let mut h = Harness::new();
    h.sign_in(vec![request(1, RequestKind::CallNow, h.now)]);
    h.event(Event::Assigned {
        request: request(2, RequestKind::CallNow, h.now),
        session: session(1, 2, SessionState::Bridged),
    });
    let view = h.core.view(h.now);
    assert!(view.busy);
    assert!(view.queue.iter().all(|r| !r.blinking));
}

#[test]
fn taken_and_cancelled_rows_show_why_then_go() {
    let mut h = Harness::new();
    h.sign_in(vec![
        request(1, RequestKind::CallNow, h.now),
        request(2, RequestKind::CallNow, h.now),
    ]);
    h.event(Event::Taken {
        request: RequestId(1),
        by: bo(),
    });
    h.event(Event::Cancelled {
        request: RequestId(2),
    });
    let view = h.core.view(h.now);
    // Closed at the same moment: the later id counts as the newer.
    assert_eq!(view.queue[0].status, RowStatus::Cancelled);
    assert_eq!(view.queue[1].status, RowStatus::Taken { by: "Bo".into() });
    let out = h.advance(headsup_core::LINGER);
    assert!(out.contains(&Output::ViewChanged));
    assert!(h.core.view(h.now).queue.is_empty());
}

#[test]
fn accept_reject_and_attend_next_send_commands_when_free() {
    let mut h = Harness::new();
    h.sign_in(vec![
        request(1, RequestKind::CallNow, h.now),
        request(2, RequestKind::CallNow, h.now),
    ]);
    let out = h.intent(Intent::Accept {
        request: RequestId(1),
    });
    assert!(matches!(
        sent(&out)[..],
        [ClientFrame::Accept {
            request: RequestId(1),
            ..
        }]
    ));
    let out = h.intent(Intent::Reject {
        request: RequestId(2),
    });
    assert!(matches!(
        sent(&out)[..],
        [ClientFrame::Reject {
            request: RequestId(2),
            ..
        }]
    ));
    let out = h.intent(Intent::AttendNext);
    assert!(matches!(sent(&out)[..], [ClientFrame::AttendNext { .. }]));
}

#[test]
fn accepting_while_in_a_session_is_refused_locally_with_a_reason() {
    let mut h = Harness::new();
    h.sign_in(vec![request(1, RequestKind::CallNow, h.now)]);
    h.event(Event::Assigned {
        request: request(2, RequestKind::CallNow, h.now),
        session: session(1, 2, SessionState::Connecting),
    });
    for intent in [
        Intent::Accept {
            request: RequestId(1),
        },
        Intent::AttendNext,
    ] {
        let out = h.intent(intent);
        assert!(sent(&out).is_empty());
        let notice = h.core.view(h.now).notice.unwrap();
        assert_eq!(notice.level, NoticeLevel::Warning);
        assert_eq!(
            notice.text,
            "You are in a session with Bea. End it before taking another customer."
        );
    }
    let out = h.intent(Intent::EndSession);
    assert!(matches!(
        sent(&out)[..],
        [ClientFrame::EndSession {
            session: SessionId(1),
            ..
        }]
    ));
    h.intent(Intent::DismissNotice);
    assert!(h.core.view(h.now).notice.is_none());
}

#[test]
fn accepting_a_request_that_is_gone_or_while_offline_is_refused() {
    let mut h = Harness::new();
    h.sign_in(vec![request(1, RequestKind::CallNow, h.now)]);
    h.event(Event::TimedOut {
        request: RequestId(1),
    });
    assert!(sent(&h.intent(Intent::Accept {
        request: RequestId(1)
    }))
    .is_empty());
    assert_eq!(
        h.core.view(h.now).notice.unwrap().text,
        "This customer is no longer waiting."
    );

    h.offer(2, RequestKind::CallNow);
    h.input(headsup_core::Input::Disconnected {
        reason: "cut".into(),
    });
    assert!(sent(&h.intent(Intent::Accept {
        request: RequestId(2)
    }))
    .is_empty());
    assert!(h
        .core
        .view(h.now)
        .notice
        .unwrap()
        .text
        .starts_with("Not connected"));
}

#[test]
fn a_refusal_from_the_server_is_explained() {
    let mut h = Harness::new();
    h.sign_in(vec![request(1, RequestKind::CallNow, h.now)]);
    let out = h.intent(Intent::Accept {
        request: RequestId(1),
    });
    let [ClientFrame::Accept { cid, .. }] = sent(&out)[..] else {
        panic!("{out:?}");
    };
    h.frame(ServerFrame::Error(ErrorFrame {
        cid: Some(cid),
        code: ErrorCode::AlreadyTaken,
        message: "taken".into(),
    }));
    assert_eq!(
        h.core.view(h.now).notice.unwrap().text,
        "Another agent took this customer first."
    );
}

#[test]
fn scheduling_a_call_needs_a_customer_and_a_future_time() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let due = (h.now + Duration::hours(1)).fixed_offset();
    let past = (h.now - Duration::minutes(1)).fixed_offset();
    let nobody = headsup_protocol::model::Customer::default();
    assert!(sent(&h.intent(Intent::ScheduleCall {
        customer: nobody,
        due_at: due
    }))
    .is_empty());
    assert!(sent(&h.intent(Intent::ScheduleCall {
        customer: customer("Ines"),
        due_at: past
    }))
    .is_empty());
    assert_eq!(
        h.core.view(h.now).notice.unwrap().text,
        "Pick a time in the future."
    );
    let out = h.intent(Intent::ScheduleCall {
        customer: customer("Ines"),
        due_at: due,
    });
    assert!(matches!(&sent(&out)[..], [ClientFrame::Schedule { due_at, .. }] if *due_at == due));
}

#[test]
fn waiting_counts_offers_and_due_scheduled_calls_only() {
    let mut h = Harness::new();
    let t = h.now;
    let mut booked = request(10, RequestKind::ScheduledByAgent, t - Duration::hours(1));
    booked.state = RequestState::Scheduled;
    booked.due_at = Some(t + Duration::minutes(10));
    let mut timed_out = request(3, RequestKind::CallNow, t - Duration::minutes(20));
    timed_out.state = RequestState::TimedOut;
    h.sign_in(vec![
        request(1, RequestKind::CallNow, t),
        request(2, RequestKind::InboundCall, t),
        request(4, RequestKind::CallNow, t),
        booked,
        timed_out,
    ]);
    assert_eq!(
        h.core.view(h.now).waiting,
        3,
        "three offers; not the timed-out one, not the booked call"
    );

    h.event(Event::Taken {
        request: RequestId(1),
        by: bo(),
    });
    h.event(Event::Cancelled {
        request: RequestId(2),
    });
    let view = h.core.view(h.now);
    assert_eq!(
        view.queue.len(),
        4,
        "closed rows still shown while they linger"
    );
    assert_eq!(view.waiting, 1, "but they no longer wait");

    h.advance(Duration::minutes(11));
    assert_eq!(h.core.view(h.now).waiting, 2, "the booked call fell due");

    // Busy: nothing blinks, yet the customers still wait (for a colleague, or for later).
    h.event(Event::Assigned {
        request: request(5, RequestKind::CallNow, h.now),
        session: session(1, 5, SessionState::Bridged),
    });
    let view = h.core.view(h.now);
    assert!(view.busy && view.queue.iter().all(|r| !r.blinking));
    assert_eq!(view.waiting, 2);
}

#[test]
fn a_due_scheduled_call_cannot_be_accepted_while_busy() {
    let mut h = Harness::new();
    let mut booked = request(7, RequestKind::ScheduledByAgent, h.now - Duration::hours(1));
    booked.state = RequestState::Scheduled;
    booked.due_at = Some(h.now);
    h.sign_in(vec![booked]);
    h.event(Event::Assigned {
        request: request(8, RequestKind::CallNow, h.now),
        session: session(1, 8, SessionState::Bridged),
    });
    let out = h.intent(Intent::Accept {
        request: RequestId(7),
    });
    assert!(sent(&out).is_empty(), "refused locally: {out:?}");
    assert_eq!(
        h.core.view(h.now).notice.unwrap().level,
        NoticeLevel::Warning
    );
}

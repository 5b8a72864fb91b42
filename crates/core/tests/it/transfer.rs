//! Transfers in the core: the offer to the target (its own notification, a countdown on the
//! row), and the owner's side (the picker, "waiting for Bo… 4:58 left", then who took it or that
//! the customer came back).

use chrono::Duration;
use headsup_protocol::lds::{ClientFrame, Event, Reply, ServerFrame};
use headsup_protocol::model::{
    AgentRef, Availability, Colleague, RequestKind, SessionState, SessionTransfer, TransferOutcome,
    TransferTarget, TransferTargets,
};
use headsup_protocol::view::{Intent, NoticeLevel, ViewUpdate};
use headsup_protocol::{AgentId, RequestId};

use crate::support::*;

#[test]
fn a_transfer_offer_says_who_sends_it_and_counts_down() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let mut offer = request(5, RequestKind::Transfer, h.now);
    offer.customer = customer("Maria Lopez");
    offer.transfer_from = Some(AgentRef {
        id: AgentId(3),
        // A colleague's name is still text from elsewhere: one plain line on screen.
        name: "Ana\u{202e}\n".into(),
    });
    offer.expires_at = Some(h.now + Duration::seconds(300));
    let out = h.event(Event::Offered { request: offer });
    let shown = notifications(&out);
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].title, "Transfer from Ana");
    assert_eq!(shown[0].body, "Maria Lopez, 5:00 left");
    h.core.view_update(h.now);
    let row = |h: &Harness| h.core.view(h.now).queue[0].status_text.clone();
    assert_eq!(row(&h), "From Ana, 5:00 left");
    assert_eq!(h.core.view(h.now).queue[0].kind_label, "Transfer");

    // The row counts down by itself, one patch a second, and the LDS ends it.
    h.advance(Duration::milliseconds(2_000));
    assert_eq!(row(&h), "From Ana, 4:58 left");
    assert!(
        matches!(h.core.view_update(h.now), Some(ViewUpdate::Patch { .. })),
        "the countdown reaches the UI as a patch"
    );
    h.event(Event::TimedOut {
        request: RequestId(5),
    });
    assert_ne!(row(&h), "From Ana, 4:58 left");
}

fn in_session(h: &mut Harness) {
    h.sign_in(vec![]);
    h.offer(1, RequestKind::CallNow);
    h.event(Event::Assigned {
        request: request(1, RequestKind::CallNow, h.now),
        session: session(11, 1, SessionState::Bridged),
    });
}

fn transferred(h: &Harness, outcome: TransferOutcome) -> Event {
    let mut s = session(11, 1, SessionState::Bridged);
    s.transfer = Some(SessionTransfer {
        request: RequestId(20),
        to: "Bo".into(),
        until: h.now + Duration::seconds(300),
        outcome,
    });
    if matches!(
        s.transfer.as_ref().unwrap().outcome,
        TransferOutcome::Taken { .. }
    ) {
        s.state = SessionState::Ended;
    }
    Event::SessionUpdated { session: s }
}

#[test]
fn the_owner_picks_a_colleague_and_sees_the_transfer_through() {
    let mut h = Harness::new();
    in_session(&mut h);
    assert!(h.core.view(h.now).session.unwrap().can_transfer);

    let out = h.intent(Intent::OpenTransfer);
    assert!(matches!(
        sent(&out)[..],
        [ClientFrame::TransferTargets { .. }]
    ));
    let picker = h.core.view(h.now).session.unwrap().transfer_picker.unwrap();
    assert!(picker.loading);
    h.frame(ServerFrame::Reply(Reply {
        transfer_targets: Some(TransferTargets {
            agents: vec![Colleague {
                id: AgentId(9),
                name: "Bo".into(),
                availability: Availability::Available,
                in_session: false,
            }],
            queues: vec!["Billing".into()],
        }),
        ..Reply::new(99)
    }));
    let picker = h.core.view(h.now).session.unwrap().transfer_picker.unwrap();
    let labels: Vec<_> = picker.options.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(labels, ["Bo (available)", "Queue: Billing"]);

    let out = h.intent(Intent::Transfer {
        to: TransferTarget::Agent(AgentId(9)),
    });
    assert!(matches!(
        &sent(&out)[..],
        [ClientFrame::Transfer { session, to: TransferTarget::Agent(AgentId(9)), timeout_secs: None, .. }]
            if session.0 == 11
    ));
    h.event(transferred(&h, TransferOutcome::Waiting));
    let panel = h.core.view(h.now).session.unwrap();
    assert_eq!(
        panel.transfer_text.as_deref(),
        Some("Waiting for Bo… 5:00 left")
    );
    assert!(!panel.can_transfer, "one transfer at a time");
    assert!(panel.transfer_picker.is_none());
    h.advance(Duration::seconds(2));
    let panel = h.core.view(h.now).session.unwrap();
    assert_eq!(
        panel.transfer_text.as_deref(),
        Some("Waiting for Bo… 4:58 left")
    );

    h.event(transferred(&h, TransferOutcome::Taken { by: bo() }));
    let view = h.core.view(h.now);
    assert!(view.session.is_none(), "Bo has the customer now");
    let notice = view.notice.unwrap();
    assert_eq!(
        (notice.level, notice.text.as_str()),
        (NoticeLevel::Info, "Bo took Bea.")
    );
}

#[test]
fn a_transfer_that_comes_back_says_so_and_may_be_tried_again() {
    let mut h = Harness::new();
    in_session(&mut h);
    h.event(transferred(&h, TransferOutcome::Waiting));
    h.event(transferred(&h, TransferOutcome::CameBack));
    let view = h.core.view(h.now);
    let panel = view.session.unwrap();
    assert_eq!(
        panel.transfer_text.as_deref(),
        Some("Came back to you: Bo did not take it in time")
    );
    assert!(panel.can_transfer);
    assert_eq!(view.notice.unwrap().level, NoticeLevel::Warning);
    // Replaying the same state (a resume) says nothing again.
    h.intent(Intent::DismissNotice);
    h.event(transferred(&h, TransferOutcome::CameBack));
    assert!(h.core.view(h.now).notice.is_none());
}

//! The navigation the core publishes: which desks exist, their badges, which one is open.

use crate::support::*;
use headsup_core::{Input, Output};
use headsup_protocol::model::RequestKind;
use headsup_protocol::view::{DeskId, Intent};
use headsup_protocol::RequestId;

#[test]
fn the_requests_desk_badge_counts_waiting_customers() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let view = h.core.view(h.now);
    assert_eq!(view.desks.len(), 4, "only built desks are listed");
    assert_eq!(view.desks[1].id, DeskId::Dashboard);
    assert_eq!(view.desks[2].id, DeskId::Chats);
    assert_eq!(view.desks[3].id, DeskId::Contacts);
    assert_eq!(view.desks[0].id, DeskId::Requests);
    assert_eq!(view.desks[0].badge, None);
    assert_eq!(view.desks[0].badge_label, "No customers waiting");

    h.offer(1, RequestKind::CallNow);
    h.offer(2, RequestKind::CallNow);
    let view = h.core.view(h.now);
    assert_eq!(view.desks[0].badge, Some(view.waiting));
    assert_eq!(view.desks[0].badge, Some(2));
    assert_eq!(view.desks[0].badge_label, "2 customers waiting");
}

#[test]
fn opening_a_desk_is_the_cores_decision_and_a_tap_opens_the_desk_of_its_item() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.offer(1, RequestKind::CallNow);
    let out = h.intent(Intent::OpenDesk {
        desk: DeskId::Requests,
    });
    assert!(out.contains(&Output::ViewChanged));
    assert_eq!(h.core.view(h.now).open_desk, DeskId::Requests);

    let out = h.input(Input::NotificationTapped(Some(RequestId(1))));
    assert!(out.contains(&Output::ViewChanged));
    let view = h.core.view(h.now);
    assert_eq!(view.open_desk, DeskId::Requests);
    assert_eq!(view.focus, Some(RequestId(1)));
}

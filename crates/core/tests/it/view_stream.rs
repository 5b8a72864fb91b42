//! The view stream: the first full slice with every later patch applied always equals a fresh
//! full view, whatever happened in between (many random sequences of events, intents and time).

use crate::support::*;
use chrono::Duration;
use headsup_core::{Input, Output};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{RequestKind, RequestState, SessionState};
use headsup_protocol::view::{DeskId, Intent, Settings, ViewReplica, ViewUpdate};
use headsup_protocol::RequestId;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Offer(i64, usize),
    Book { id: i64, minutes: i64 },
    Taken(i64),
    Cancelled(i64),
    TimedOut(i64),
    Rejected(i64),
    Assign(i64),
    EndSession(i64),
    Advance(i64),
    MaskPhone(bool),
    Snapshot(Vec<i64>),
    Tap(i64),
    OpenRequests,
    Accept(i64),
    Disconnect,
    Reconnect,
}

const KINDS: [RequestKind; 4] = [
    RequestKind::CallNow,
    RequestKind::InboundCall,
    RequestKind::CallMeBack,
    RequestKind::ChatInbound,
];

fn step() -> impl Strategy<Value = Step> {
    let id = 1i64..25;
    prop_oneof![
        6 => (id.clone(), 0..KINDS.len()).prop_map(|(id, k)| Step::Offer(id, k)),
        2 => (id.clone(), -5i64..30).prop_map(|(id, minutes)| Step::Book { id, minutes }),
        2 => id.clone().prop_map(Step::Taken),
        2 => id.clone().prop_map(Step::Cancelled),
        2 => id.clone().prop_map(Step::TimedOut),
        1 => id.clone().prop_map(Step::Rejected),
        1 => id.clone().prop_map(Step::Assign),
        1 => id.clone().prop_map(Step::EndSession),
        3 => (0i64..120).prop_map(Step::Advance),
        1 => any::<bool>().prop_map(Step::MaskPhone),
        1 => proptest::collection::vec(id.clone(), 0..8).prop_map(Step::Snapshot),
        1 => id.clone().prop_map(Step::Tap),
        1 => Just(Step::OpenRequests),
        1 => id.clone().prop_map(Step::Accept),
        1 => Just(Step::Disconnect),
        1 => Just(Step::Reconnect),
    ]
}

fn run(h: &mut Harness, step: &Step) {
    let t = h.now;
    match *step {
        Step::Offer(id, kind) => {
            h.offer(id, KINDS[kind]);
        }
        Step::Book { id, minutes } => {
            let mut r = request(id, RequestKind::ScheduledByCustomer, t);
            r.state = RequestState::Scheduled;
            r.due_at = Some(t + Duration::minutes(minutes));
            h.event(Event::Scheduled { request: r });
        }
        Step::Taken(id) => {
            h.event(Event::Taken {
                request: RequestId(id),
                by: bo(),
            });
        }
        Step::Cancelled(id) => {
            h.event(Event::Cancelled {
                request: RequestId(id),
            });
        }
        Step::TimedOut(id) => {
            h.event(Event::TimedOut {
                request: RequestId(id),
            });
        }
        Step::Rejected(id) => {
            h.event(Event::Rejected {
                request: RequestId(id),
            });
        }
        Step::Assign(id) => {
            h.event(Event::Assigned {
                request: request(id, RequestKind::CallNow, t),
                session: session(id, id, SessionState::Bridged),
            });
        }
        Step::EndSession(id) => {
            h.event(Event::SessionUpdated {
                session: session(id, id, SessionState::Ended),
            });
        }
        Step::Advance(secs) => {
            h.advance(Duration::seconds(secs));
        }
        Step::MaskPhone(mask_phone) => {
            h.intent(Intent::SaveSettings {
                settings: Settings {
                    mask_phone,
                    ..Settings::default()
                },
            });
        }
        Step::Snapshot(ref ids) => {
            let seq = h.core.last_seq().unwrap_or(0) + 1;
            let requests = ids
                .iter()
                .map(|&id| request(id, RequestKind::CallNow, t - Duration::minutes(id)))
                .collect();
            h.connect_with_snapshot(seq, requests);
        }
        Step::Tap(id) => {
            h.input(Input::NotificationTapped(Some(RequestId(id))));
        }
        Step::OpenRequests => {
            h.intent(Intent::OpenDesk {
                desk: DeskId::Requests,
            });
        }
        Step::Accept(id) => {
            h.intent(Intent::Accept {
                request: RequestId(id),
            });
        }
        Step::Disconnect => {
            h.input(Input::Disconnected {
                reason: "test".into(),
            });
        }
        Step::Reconnect => {
            h.advance(Duration::seconds(60));
        }
    }
}

/// Takes the core's next update into `replica`, as the driver and the UI do.
fn follow(h: &mut Harness, replica: &mut ViewReplica, wire: bool) {
    if let Some(update) = h.core.view_update(h.now) {
        // Half the runs go through JSON, as the webview receives them.
        let update = if wire {
            let json = serde_json::to_string(&update).unwrap();
            serde_json::from_str::<ViewUpdate>(&json).unwrap()
        } else {
            update
        };
        replica
            .receive(update)
            .expect("each update follows the last");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn patches_applied_to_the_first_full_slice_equal_a_fresh_full_view(
        steps in proptest::collection::vec(step(), 1..40),
        wire in any::<bool>(),
    ) {
        let mut h = Harness::new();
        let mut replica = ViewReplica::default();
        follow(&mut h, &mut replica, wire);
        h.sign_in(vec![]);
        follow(&mut h, &mut replica, wire);
        for step in &steps {
            run(&mut h, step);
            follow(&mut h, &mut replica, wire);
            prop_assert_eq!(&replica.view, &h.core.view(h.now), "after {:?}", step);
        }
        prop_assert_eq!(replica.full(), h.core.full_view());
    }
}

#[test]
fn the_first_update_is_a_full_slice_then_patches_carry_only_what_changed() {
    let mut h = Harness::new();
    h.sign_in(vec![
        request(1, RequestKind::CallNow, h.now),
        request(2, RequestKind::CallNow, h.now),
    ]);
    let first = h.core.view_update(h.now).expect("a first update");
    assert!(matches!(first, ViewUpdate::Full { version: 1, .. }));
    assert_eq!(h.core.view_update(h.now), None, "nothing changed");

    h.offer(3, RequestKind::CallNow);
    let Some(ViewUpdate::Patch { version, patches }) = h.core.view_update(h.now) else {
        panic!("a patch");
    };
    assert_eq!(version, 2);
    let json = serde_json::to_string(&patches).unwrap();
    assert!(json.contains("Customer 3"), "{json}");
    assert!(
        !json.contains("Customer 1") && !json.contains("Customer 2"),
        "unchanged rows are not sent again: {json}"
    );
}

#[test]
fn a_patch_among_thousands_of_rows_stays_small() {
    let mut h = Harness::new();
    let t = h.now;
    let requests = (1..=5_000)
        .map(|id| request(id, RequestKind::CallNow, t - Duration::seconds(10_000 - id)))
        .collect();
    h.sign_in(requests);
    let full = serde_json::to_string(&h.core.view_update(h.now).unwrap()).unwrap();
    h.offer(5_001, RequestKind::CallNow);
    let patch = serde_json::to_string(&h.core.view_update(h.now).unwrap()).unwrap();
    assert!(
        patch.len() * 100 < full.len(),
        "a new row among 5,000: {} bytes against a full slice of {}",
        patch.len(),
        full.len()
    );
}

#[test]
fn the_core_asks_the_shell_for_keep_alive_and_permission() {
    let mut h = Harness::new();
    let out = h.input(Input::TokenLoaded(None));
    assert!(out.contains(&Output::KeepAlive(headsup_core::KeepAlive::Stopped)));
    h.sign_in(vec![]);
    let asked = h
        .log
        .iter()
        .filter(|o| **o == Output::AskNotificationPermission);
    assert_eq!(asked.count(), 1, "{:?}", h.log);
    assert!(h
        .log
        .contains(&Output::KeepAlive(headsup_core::KeepAlive::Running {
            connected: true
        })));
}

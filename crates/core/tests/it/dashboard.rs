//! The queues desk: the LDS's live numbers worded by the core, ages refreshed by the core's own
//! minute deadline, and a queue's waiting customers (cleaned and masked) on a tap.

use crate::support::*;
use chrono::Duration;
use headsup_core::Output;
use headsup_protocol::lds::{ClientFrame, Dashboard, ErrorFrame, QueueStats, Reply, ServerFrame};
use headsup_protocol::model::{Customer, RequestKind};
use headsup_protocol::view::{DeskId, Intent, Settings};
use headsup_protocol::{ErrorCode, QueueId};

fn stats(id: i64, name: &str, waiting: u32, oldest_secs_ago: Option<i64>) -> QueueStats {
    QueueStats {
        id: QueueId(id),
        name: name.into(),
        waiting,
        oldest_since: oldest_secs_ago.map(|s| t0() - Duration::seconds(s)),
        available: 2,
        in_session: 1,
        not_ready: 0,
        wrap_up: 1,
    }
}

fn dashboard(h: &mut Harness, queues: Vec<QueueStats>) -> Vec<Output> {
    let at = h.now;
    h.frame(ServerFrame::Dashboard(Dashboard { at, queues }))
}

#[test]
fn queues_are_worded_and_counted_on_the_tab() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let view = h.core.view(h.now);
    assert!(view.dashboard.queues.is_empty());
    assert_eq!(
        view.dashboard.empty_text,
        "Waiting for the server's numbers…"
    );

    let out = dashboard(
        &mut h,
        vec![
            stats(2, "Billing", 0, None),
            stats(1, "Sales\u{202e}\n", 3, Some(185)),
        ],
    );
    assert!(out.contains(&Output::ViewChanged));
    let view = h.core.view(h.now);
    let rows = &view.dashboard.queues;
    assert_eq!(rows[0].name, "Billing");
    assert_eq!(rows[0].waiting_text, "No customers waiting");
    assert_eq!(rows[0].oldest_text, None);
    // The bidi override and the line break an admin typed are gone.
    assert_eq!(rows[1].name, "Sales");
    assert_eq!(rows[1].waiting_text, "3 customers waiting");
    assert_eq!(rows[1].oldest_text.as_deref(), Some("oldest 3 min"));
    assert_eq!(
        rows[1].members_text,
        "2 available · 1 in a session · 1 in wrap-up"
    );
    assert_eq!(rows[1].tap_hint, "Show who is waiting");
    let tab = view
        .desks
        .iter()
        .find(|d| d.id == DeskId::Dashboard)
        .unwrap();
    assert_eq!(tab.label, "Queues");
    assert_eq!(tab.badge, Some(3));
    assert_eq!(tab.badge_label, "3 customers waiting in your queues");
}

#[test]
fn the_oldest_wait_is_refreshed_once_a_minute_by_the_core() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    dashboard(&mut h, vec![stats(1, "Sales", 1, Some(185))]);
    let oldest = |h: &Harness| h.core.view(h.now).dashboard.queues[0].oldest_text.clone();
    assert_eq!(oldest(&h).as_deref(), Some("oldest 3 min"));
    // The next minute starts 55 s later: the core wakes for it and says so.
    let deadline = h.core.poll_timeout().unwrap();
    assert!(deadline <= h.now + Duration::seconds(55));
    let out = h.advance(Duration::seconds(55));
    assert!(out.contains(&Output::ViewChanged), "{out:?}");
    assert_eq!(oldest(&h).as_deref(), Some("oldest 4 min"));
    h.advance(Duration::minutes(60));
    assert_eq!(oldest(&h).as_deref(), Some("oldest 1 h 4 min"));
}

#[test]
fn ages_follow_the_servers_clock_not_the_devices() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    // The server counted 10 minutes "ahead" of this device's clock; its oldest wait began 2 min
    // before it counted. The age is 2 min, not 12.
    let at = h.now + Duration::minutes(10);
    let mut q = stats(1, "Sales", 1, None);
    q.oldest_since = Some(at - Duration::minutes(2));
    h.frame(ServerFrame::Dashboard(Dashboard {
        at,
        queues: vec![q],
    }));
    let view = h.core.view(h.now);
    assert_eq!(
        view.dashboard.queues[0].oldest_text.as_deref(),
        Some("oldest 2 min")
    );
}

#[test]
fn a_tapped_queue_lists_its_customers_cleaned_and_masked_and_relists_when_it_moves() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.intent(Intent::SaveSettings {
        settings: Settings {
            mask_phone: true,
            ..Settings::default()
        },
    });
    dashboard(&mut h, vec![stats(1, "Sales", 2, Some(60))]);
    let out = h.intent(Intent::OpenQueue { queue: QueueId(1) });
    let [ClientFrame::QueueWaiting { cid, queue }] = sent(&out)[..] else {
        panic!("{out:?}");
    };
    assert_eq!(queue, QueueId(1));
    let open = h.core.view(h.now).dashboard.open.unwrap();
    assert_eq!(open.title, "Waiting in Sales");
    assert_eq!(open.empty_text, "Loading…");

    let mut evil = request(7, RequestKind::CallNow, h.now - Duration::minutes(1));
    evil.customer = Customer {
        name: Some("<b>Ann</b>\u{1b}[31m\nCEO".into()),
        phone: None,
    };
    let mut phone_only = request(8, RequestKind::ChatInbound, h.now);
    phone_only.customer = Customer {
        name: None,
        phone: Some("+34 600 123 456".into()),
    };
    h.frame(ServerFrame::Reply(Reply {
        waiting: Some(vec![evil, phone_only]),
        ..Reply::new(cid)
    }));
    let open = h.core.view(h.now).dashboard.open.unwrap();
    let names: Vec<_> = open.customers.iter().map(|c| c.customer.as_str()).collect();
    // Markup stays text (the UI never parses it), the escape and the break are gone, the phone
    // is masked as in the request rows.
    assert_eq!(names, ["<b>Ann</b>[31m CEO", "+34 ••• ••• •56"]);
    assert_eq!(open.customers[0].waiting_text, "waiting 1 min");
    assert_eq!(open.customers[1].kind_label, "Chat");

    // Someone else took one: the numbers move, and the open list is asked for again.
    let out = dashboard(&mut h, vec![stats(1, "Sales", 1, Some(60))]);
    assert!(matches!(
        sent(&out)[..],
        [ClientFrame::QueueWaiting {
            queue: QueueId(1),
            ..
        }]
    ));
    // The same numbers again: nothing to ask.
    let out = dashboard(&mut h, vec![stats(1, "Sales", 1, Some(60))]);
    assert!(sent(&out).is_empty());

    h.intent(Intent::CloseQueue);
    assert!(h.core.view(h.now).dashboard.open.is_none());
}

#[test]
fn a_queue_that_is_no_longer_the_agents_closes() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    dashboard(&mut h, vec![stats(1, "Sales", 2, Some(60))]);
    let out = h.intent(Intent::OpenQueue { queue: QueueId(1) });
    let [ClientFrame::QueueWaiting { cid, .. }] = sent(&out)[..] else {
        panic!("{out:?}");
    };
    h.frame(ServerFrame::Error(ErrorFrame {
        cid: Some(cid),
        code: ErrorCode::NotFound,
        message: "no queue 1 of yours".into(),
    }));
    assert!(h.core.view(h.now).dashboard.open.is_none());

    // Open again, then the agent is taken out of the queue: the dashboard drops it.
    h.intent(Intent::OpenQueue { queue: QueueId(1) });
    dashboard(&mut h, vec![stats(2, "Billing", 0, None)]);
    assert!(h.core.view(h.now).dashboard.open.is_none());
}

#[test]
fn a_queue_left_open_is_listed_again_after_a_reconnect() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    dashboard(&mut h, vec![stats(1, "Sales", 2, Some(60))]);
    h.intent(Intent::OpenQueue { queue: QueueId(1) });
    // The socket drops before the answer; the next welcome asks again on the new one.
    h.input(headsup_core::Input::Disconnected {
        reason: "gone".into(),
    });
    h.input(headsup_core::Input::Connected);
    let out = h.welcome(1, true);
    // The other desks' reads on a welcome (the chats list) are theirs.
    let frames: Vec<_> = sent(&out)
        .into_iter()
        .filter(|f| {
            !matches!(
                f,
                ClientFrame::Conversations { .. } | ClientFrame::ConversationFilters { .. }
            )
        })
        .collect();
    assert!(
        matches!(
            frames[..],
            [ClientFrame::QueueWaiting {
                queue: QueueId(1),
                ..
            }]
        ),
        "{out:?}"
    );
}

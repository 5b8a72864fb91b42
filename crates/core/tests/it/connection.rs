//! Reconnects with backoff, resume from the last processed sequence, dead-connection detection,
//! and the connection bar.

use crate::support::*;
use chrono::Duration;
use headsup_core::{Input, Output};
use headsup_protocol::lds::{ClientFrame, Event};
use headsup_protocol::model::RequestKind;
use headsup_protocol::view::ConnectionView;
use headsup_protocol::RequestId;

fn hello_last_seq(out: &[Output]) -> Option<Option<u64>> {
    sent(out).into_iter().find_map(|f| match f {
        ClientFrame::Hello { last_seq, .. } => Some(last_seq),
        _ => None,
    })
}

#[test]
fn a_live_connection_is_pinged_and_stays_up() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let out = h.advance(Duration::minutes(5));
    assert!(out.contains(&Output::Ping));
    assert!(!out.contains(&Output::Disconnect));
}

#[test]
fn a_silent_connection_is_dropped_within_35_s_and_retried_with_backoff() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let lost_at = h.now;
    h.server_alive = false;
    let out = h.advance(Duration::seconds(30));
    assert!(out.contains(&Output::Disconnect), "{out:?}");
    let ConnectionView::Offline {
        since,
        retry_at: Some(retry_at),
    } = h.core.view(h.now).connection
    else {
        panic!("expected offline");
    };
    assert_eq!(since, lost_at + Duration::seconds(30));
    let first_delay = retry_at - since;
    assert!(
        first_delay >= Duration::seconds(1) && first_delay <= Duration::seconds(2),
        "{first_delay}"
    );

    // Each failed attempt waits longer, up to the cap.
    let mut delays = vec![first_delay];
    for _ in 0..8 {
        let out = h.advance(retry_at_of(&h) - h.now);
        assert!(out.contains(&Output::Connect), "{out:?}");
        h.input(Input::Disconnected {
            reason: "refused".into(),
        });
        delays.push(retry_at_of(&h) - h.now);
    }
    assert!(delays[3] > delays[0] * 4, "{delays:?}");
    assert!(
        delays.iter().all(|d| *d <= Duration::seconds(30)),
        "{delays:?}"
    );
    // The bar still says since when we are offline.
    assert!(
        matches!(h.core.view(h.now).connection, ConnectionView::Offline { since: s, .. } if s == since)
    );
}

fn retry_at_of(h: &Harness) -> chrono::DateTime<chrono::Utc> {
    match h.core.view(h.now).connection {
        ConnectionView::Offline {
            retry_at: Some(at), ..
        } => at,
        other => panic!("expected offline, got {other:?}"),
    }
}

#[test]
fn reconnect_resumes_from_the_last_processed_sequence() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.offer(1, RequestKind::CallNow); // seq 2
    h.input(Input::Disconnected {
        reason: "cut".into(),
    });
    let out = h.advance(Duration::seconds(5));
    assert!(out.contains(&Output::Connect));
    let out = h.input(Input::Connected);
    assert_eq!(hello_last_seq(&out), Some(Some(2)));
    h.welcome(3, true);
    assert_eq!(h.core.view(h.now).connection, ConnectionView::Connecting);
    h.event(Event::Taken {
        request: RequestId(1),
        by: bo(),
    });
    assert_eq!(
        h.core.view(h.now).connection,
        ConnectionView::Synced { at: h.now }
    );
}

#[test]
fn a_gap_in_sequence_numbers_forces_a_resync() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let out = h.event_at(
        5,
        Event::Cancelled {
            request: RequestId(9),
        },
    );
    assert_eq!(
        out.iter()
            .filter(|o| **o == Output::Disconnect || **o == Output::Connect)
            .count(),
        2
    );
    assert_eq!(
        h.core.last_seq(),
        Some(1),
        "the event after the gap is not processed"
    );
    let out = h.input(Input::Connected);
    assert_eq!(hello_last_seq(&out), Some(Some(1)));
}

#[test]
fn a_clock_jump_reconnects_and_resumes() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.now += Duration::hours(8); // The lid was closed overnight.
    let out = h.input(Input::ClockJumped);
    assert_eq!(
        out.iter()
            .filter(|o| **o == Output::Disconnect || **o == Output::Connect)
            .count(),
        2
    );
    assert_eq!(hello_last_seq(&h.input(Input::Connected)), Some(Some(1)));
}

#[test]
fn a_connect_that_hangs_is_given_up_after_the_dead_time() {
    let mut h = Harness::new();
    h.input(Input::TokenLoaded(Some(TOKEN.into())));
    let out = h.advance(Duration::seconds(30));
    assert!(out.contains(&Output::Disconnect));
    assert!(matches!(
        h.core.view(h.now).connection,
        ConnectionView::Offline { .. }
    ));
}

/// The first reconnect delays after the LDS drops every agent at once, for one jitter seed.
fn first_retry_delays(seed: u64) -> Vec<chrono::Duration> {
    let mut h = Harness::with_saved_and_seed(headsup_core::SavedState::default(), seed);
    h.sign_in(vec![]);
    h.input(Input::Disconnected {
        reason: "LDS restarted".into(),
    });
    let mut delays = vec![retry_at_of(&h) - h.now];
    for _ in 0..3 {
        h.advance(retry_at_of(&h) - h.now);
        h.input(Input::Disconnected {
            reason: "refused".into(),
        });
        delays.push(retry_at_of(&h) - h.now);
    }
    delays
}

#[test]
fn reconnect_jitter_spreads_agents_apart_but_is_reproducible() {
    assert_eq!(
        first_retry_delays(7),
        first_retry_delays(7),
        "same seed, same schedule: the core stays deterministic"
    );
    let fleet: std::collections::BTreeSet<_> = (1..=8).map(first_retry_delays).collect();
    assert!(
        fleet.len() > 1,
        "agents with different seeds must not reconnect in step: {fleet:?}"
    );
}

//! Wrap-up after a session, as its queue says: the agent is offered nothing until they finish
//! it (with a disposition when the queue requires one) or its time runs out; the disposition is
//! stored with the session.

use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, ServerFrame};
use headsup_protocol::model::{Availability, SessionState};
use headsup_protocol::{ErrorCode, SessionId};
use headsup_testkit::lds::{AgentConn, TestServer};
use lds::admin::queues::{self, QueueSettings, WrapUpRule};
use sqlx::Row;

fn refused(frame: &ServerFrame) -> Option<ErrorCode> {
    match frame {
        ServerFrame::Error(ErrorFrame { code, .. }) => Some(*code),
        _ => None,
    }
}

async fn desk(s: &TestServer, rule: WrapUpRule, secs: i64) -> String {
    let (_, key) = s.team("Desk", 3600).await;
    let db = s.server.db();
    let settings = QueueSettings {
        wrap_up: Some(rule),
        wrap_up_secs: Some(secs),
        ..QueueSettings::default()
    };
    queues::set_queue(db, "Desk", "default", settings)
        .await
        .unwrap();
    for (code, label) in [("sale", "Sale"), ("no_answer", "No answer")] {
        queues::put_disposition(db, "Desk", "default", code, label)
            .await
            .unwrap();
    }
    key
}

/// Takes a customer and ends the session; returns it.
async fn serve_one(s: &TestServer, key: &str, ana: &mut AgentConn) -> SessionId {
    let request = s.call_now(key, "Maria").await;
    ana.wait_event(|e| matches!(e, Event::Offered { request: r } if r.id == request.id))
        .await
        .unwrap();
    let session = ana.accept_session(request.id).await;
    let end = ana
        .command(|cid| ClientFrame::EndSession { cid, session })
        .await
        .unwrap();
    assert_eq!(refused(&end), None);
    session
}

async fn stored_disposition(
    s: &TestServer,
    session: SessionId,
) -> (Option<String>, Option<String>) {
    let row = sqlx::query("SELECT disposition, disposition_note FROM sessions WHERE id = $1")
        .bind(session.0)
        .fetch_one(&s.server.db().pool)
        .await
        .unwrap();
    (row.try_get(0).unwrap(), row.try_get(1).unwrap())
}

#[tokio::test]
async fn a_required_wrap_up_holds_offers_until_a_disposition_closes_it() {
    let s = TestServer::start().await;
    let key = desk(&s, WrapUpRule::Required, 600).await;
    let (_, token) = s.agent("Desk", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    let session = serve_one(&s, &key, &mut ana).await;
    // The wrap-up starts before the session's end is told, with its form.
    let log = crate::status::whole_log(&s, &token).await;
    let tail: Vec<_> = log.iter().rev().take(2).rev().collect();
    let [Event::StatusChanged { status }, Event::SessionUpdated { session: ended }] =
        tail.as_slice()
    else {
        panic!("wrap-up, then the session's end: {tail:?}")
    };
    assert_eq!(ended.state, SessionState::Ended);
    assert_eq!(status.availability, Availability::WrapUp);
    let form = status.wrap_up.as_ref().expect("the wrap-up");
    assert!(form.required && form.session == session);
    assert_eq!(form.dispositions.len(), 2);

    // Nothing offered, nothing taken, no status change, no Done without a disposition.
    let waiting = s.call_now(&key, "Jon").await;
    assert_eq!(
        refused(&ana.accept(waiting.id).await),
        Some(ErrorCode::NotAvailable)
    );
    assert_eq!(
        refused(&ana.set_status(Availability::Available, None).await),
        Some(ErrorCode::DispositionRequired)
    );
    for (disposition, code) in [
        (None, ErrorCode::DispositionRequired),
        (Some("<b>won</b>"), ErrorCode::UnknownDisposition),
    ] {
        let answer = ana
            .command(|cid| ClientFrame::FinishWrapUp {
                cid,
                disposition: disposition.map(str::to_string),
                note: None,
            })
            .await
            .unwrap();
        assert_eq!(refused(&answer), Some(code));
    }
    let done = ana
        .command(|cid| ClientFrame::FinishWrapUp {
            cid,
            disposition: Some("sale".into()),
            note: Some("  wants the\u{7} premium plan\n".into()),
        })
        .await
        .unwrap();
    assert_eq!(refused(&done), None, "{done:?}");
    // Available again: Jon, who waited, is offered first, then the status says so.
    let log = crate::status::whole_log(&s, &token).await;
    let tail: Vec<_> = log.iter().rev().take(2).rev().collect();
    assert!(
        matches!(
            tail.as_slice(),
            [Event::Offered { request }, Event::StatusChanged { status }]
                if request.id == waiting.id && status.is_available()
        ),
        "{tail:?}"
    );
    assert_eq!(
        stored_disposition(&s, session).await,
        (Some("sale".into()), Some("wants the  premium plan".into()))
    );
    // Finishing twice: not in a wrap-up any more.
    let again = ana
        .command(|cid| ClientFrame::FinishWrapUp {
            cid,
            disposition: Some("sale".into()),
            note: None,
        })
        .await
        .unwrap();
    assert_eq!(refused(&again), Some(ErrorCode::UnknownDisposition));
}

#[tokio::test]
async fn a_wrap_up_whose_time_runs_out_is_closed_by_the_lds() {
    let s = TestServer::start().await;
    let key = desk(&s, WrapUpRule::Required, 1).await;
    let (_, token) = s.agent("Desk", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    let session = serve_one(&s, &key, &mut ana).await;
    ana.wait_event(|e| matches!(e, Event::StatusChanged { status } if status.is_available()))
        .await
        .unwrap();
    assert_eq!(
        stored_disposition(&s, session).await,
        (Some("timeout".into()), None)
    );
}

#[tokio::test]
async fn an_optional_wrap_up_closes_with_a_status_or_an_empty_done() {
    let s = TestServer::start().await;
    let key = desk(&s, WrapUpRule::Optional, 600).await;
    let (_, token) = s.agent("Desk", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    let first = serve_one(&s, &key, &mut ana).await;
    assert_eq!(
        refused(&ana.set_status(Availability::NotReady, Some("lunch")).await),
        None
    );
    assert_eq!(stored_disposition(&s, first).await, (None, None));
    ana.set_status(Availability::Available, None).await;
    let second = serve_one(&s, &key, &mut ana).await;
    let done = ana
        .command(|cid| ClientFrame::FinishWrapUp {
            cid,
            disposition: None,
            note: None,
        })
        .await
        .unwrap();
    assert_eq!(refused(&done), None);
    assert_eq!(stored_disposition(&s, second).await, (None, None));
}

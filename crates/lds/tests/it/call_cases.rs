//! Call cases over the agents' WebSocket: the handling rule (a table of cases, then through the
//! server), the missed-offer rule, the fallback to the pool, one open case per number, the claim
//! race (≥ 1,000 trials), a due time across the spring daylight-saving change, the sources
//! (missed, dropped), the CSV import (all or nothing), assisted callback and who may see what.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use futures_util::future::join;
use headsup_protocol::call_cases::{
    CallCase, CaseAssignee, CaseClosure, CaseQuery, CaseSource, CaseStatus, CaseUpdate, CodeEffect,
    NewCallCase,
};
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame};
use headsup_protocol::model::Session;
use headsup_protocol::{CallCaseId, CallListId, ErrorCode};
use headsup_testkit::lds::{AgentConn, TestServer};
use lds::admin::call_cases::{self as admin, ListSettings, Worker};
use lds::call_case_rules::{after_call, Limits, Next};
use serde_json::json;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn the_handling_rule_as_a_table() {
    let now = t("2027-01-10T10:00:00Z");
    let week = t("2027-01-17T10:00:00Z");
    let soon = t("2027-01-10T10:30:00Z");
    let at = |s| Next::DueAt(t(s));
    let close = Next::Close;
    use CodeEffect::*;
    // effect, attempts made (this call included), max, delay (s), expires, call back at → next
    let table = [
        (
            ClosedSuccessfully,
            1,
            3,
            600,
            week,
            None,
            close(CaseClosure::Successful),
        ),
        (
            ClosedSuccessfully,
            3,
            3,
            600,
            week,
            None,
            close(CaseClosure::Successful),
        ),
        (
            ClosedWrongNumber,
            1,
            3,
            600,
            week,
            None,
            close(CaseClosure::WrongNumber),
        ),
        (Retry, 1, 3, 600, week, None, at("2027-01-10T10:10:00Z")),
        (Retry, 2, 3, 3600, week, None, at("2027-01-10T11:00:00Z")),
        (
            Retry,
            3,
            3,
            600,
            week,
            None,
            close(CaseClosure::Unreachable),
        ),
        (
            Retry,
            5,
            3,
            600,
            week,
            None,
            close(CaseClosure::Unreachable),
        ),
        (
            Retry,
            1,
            1,
            600,
            week,
            None,
            close(CaseClosure::Unreachable),
        ),
        // The retry would fall after the expiry: it would never be called.
        (Retry, 1, 3, 3600, soon, None, close(CaseClosure::Expired)),
        (Retry, 1, 3, 1800, soon, None, close(CaseClosure::Expired)),
        (Retry, 1, 3, 1799, soon, None, at("2027-01-10T10:29:59Z")),
        // The customer's own time is no failed attempt: no maximum applies.
        (
            CallBackAt,
            3,
            3,
            600,
            week,
            Some(t("2027-01-12T09:00:00Z")),
            at("2027-01-12T09:00:00Z"),
        ),
        (
            CallBackAt,
            1,
            3,
            600,
            soon,
            Some(t("2027-01-12T09:00:00Z")),
            close(CaseClosure::Expired),
        ),
    ];
    for (i, (effect, attempts, max, delay, expires, back, want)) in table.into_iter().enumerate() {
        let limits = Limits {
            max_attempts: max,
            retry_delay_secs: delay,
        };
        let got = after_call(effect, attempts, limits, now, expires, back);
        assert_eq!(got, want, "row {i}: {effect:?} after {attempts}/{max}");
    }
}

/// A team "Desk" with a call list "Callbacks" its default queue works, and two agents.
async fn desk(s: &TestServer, settings: ListSettings) -> (CallListId, AgentConn, AgentConn) {
    s.team("Desk", 3600).await;
    let (_, ana) = s.agent("Desk", "Ana").await;
    let (_, bo) = s.agent("Desk", "Bo").await;
    let db = s.server.db();
    let list = admin::add_list(db, "Desk", "Callbacks", settings)
        .await
        .unwrap();
    assert!(
        admin::grant(db, "Desk", "Callbacks", Worker::Queue("default"), true)
            .await
            .unwrap()
    );
    (
        list,
        s.connect(&ana, None).await,
        s.connect(&bo, None).await,
    )
}

async fn reply(conn: &mut AgentConn, make: impl FnOnce(u64) -> ClientFrame) -> Reply {
    match conn.command(make).await.unwrap() {
        ServerFrame::Reply(r) => r,
        other => panic!("refused: {other:?}"),
    }
}

async fn refusal(conn: &mut AgentConn, make: impl FnOnce(u64) -> ClientFrame) -> ErrorCode {
    match conn.command(make).await.unwrap() {
        ServerFrame::Error(ErrorFrame { code, .. }) => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn new_case(list: CallListId, phone: &str) -> NewCallCase {
    NewCallCase {
        list,
        phone: phone.into(),
        due_at: None,
        due_local: None,
        time_zone: None,
        assign_to_me: false,
        note: None,
    }
}

async fn create(conn: &mut AgentConn, case: NewCallCase) -> CallCase {
    *reply(conn, |cid| ClientFrame::CreateCallCase { cid, case })
        .await
        .call_case
        .unwrap()
}

async fn call(conn: &mut AgentConn, case: CallCaseId) -> CallCase {
    *reply(conn, |cid| ClientFrame::CallCallCase { cid, case })
        .await
        .call_case
        .unwrap()
}

async fn get(conn: &mut AgentConn, case: CallCaseId) -> CallCase {
    *reply(conn, |cid| ClientFrame::GetCallCase { cid, case })
        .await
        .call_case
        .unwrap()
}

async fn handle(conn: &mut AgentConn, case: CallCaseId, code: &str) -> CallCase {
    *reply(conn, |cid| ClientFrame::HandleCallCase {
        cid,
        case,
        code: code.into(),
        call_back_at: None,
        note: None,
    })
    .await
    .call_case
    .unwrap()
}

async fn open_cases(conn: &mut AgentConn, query: CaseQuery) -> Vec<CallCase> {
    reply(conn, |cid| ClientFrame::CallCases { cid, query })
        .await
        .call_cases
        .unwrap()
        .cases
}

/// The history's kinds, without `due` (which the server's own timer may add at any time).
fn kinds(case: &CallCase) -> Vec<&str> {
    let kinds = case.history.iter().map(|h| h.kind.as_str());
    kinds.filter(|k| *k != "due").collect()
}

fn dues(case: &CallCase) -> usize {
    case.history.iter().filter(|h| h.kind == "due").count()
}

#[tokio::test]
async fn handling_codes_close_or_offer_again_by_the_lists_rule() {
    let s = TestServer::start().await;
    let settings = ListSettings {
        max_attempts: 2,
        retry_delay_secs: 600,
        ..ListSettings::default()
    };
    let (list, mut ana, _bo) = desk(&s, settings).await;

    let case = create(&mut ana, new_case(list, "+34 600 111 222")).await;
    assert_eq!((case.phone.as_str(), case.attempts), ("+34600111222", 0));
    assert_eq!(case.source, CaseSource::Manual);

    // Busy: one attempt, offered again after the delay.
    let called = call(&mut ana, case.id).await;
    assert_eq!(called.attempts, 1);
    assert_eq!(
        called.calling.as_ref().map(|a| a.name.as_str()),
        Some("Ana")
    );
    let busy = handle(&mut ana, case.id, "busy").await;
    assert_eq!(
        (busy.status, busy.calling.is_none()),
        (CaseStatus::Open, true)
    );
    let delay = busy.due_at - case.due_at;
    assert!(
        delay >= Duration::seconds(600),
        "due again after the delay: {delay}"
    );

    // No answer on the last attempt: unreachable.
    call(&mut ana, case.id).await;
    let last = handle(&mut ana, case.id, "no_answer").await;
    assert_eq!(last.status, CaseStatus::Closed);
    assert_eq!(
        (last.closure, last.attempts),
        (Some(CaseClosure::Unreachable), 2)
    );
    assert_eq!(
        kinds(&last),
        ["created", "called", "handled", "called", "handled", "closed"]
    );
    assert_eq!(
        refusal(&mut ana, |cid| ClientFrame::CallCallCase {
            cid,
            case: case.id
        })
        .await,
        ErrorCode::NotPending
    );

    // Success and wrong number close at once; an unknown code and handling without a call are
    // refused.
    for (code, closure) in [
        ("success", CaseClosure::Successful),
        ("wrong_number", CaseClosure::WrongNumber),
    ] {
        let c = create(&mut ana, new_case(list, "+34 600 111 333")).await;
        let refused = refusal(&mut ana, |cid| ClientFrame::HandleCallCase {
            cid,
            case: c.id,
            code: code.into(),
            call_back_at: None,
            note: None,
        })
        .await;
        assert_eq!(refused, ErrorCode::NotOffered, "not calling it yet");
        call(&mut ana, c.id).await;
        let refused = refusal(&mut ana, |cid| ClientFrame::HandleCallCase {
            cid,
            case: c.id,
            code: "<b>dance</b>".into(),
            call_back_at: None,
            note: None,
        })
        .await;
        assert_eq!(refused, ErrorCode::BadRequest);
        assert_eq!(handle(&mut ana, c.id, code).await.closure, Some(closure));
    }

    // Call back at a time the customer gave: due then, with the note kept as plain text.
    let c = create(&mut ana, new_case(list, "+34 600 111 444")).await;
    call(&mut ana, c.id).await;
    let back = Utc::now() + Duration::days(2);
    let r = reply(&mut ana, |cid| ClientFrame::HandleCallCase {
        cid,
        case: c.id,
        code: "call_back".into(),
        call_back_at: Some(back.fixed_offset()),
        note: Some("after\u{202e} 5 pm\n<script>".into()),
    })
    .await;
    let c = r.call_case.unwrap();
    assert_eq!(
        (c.status, c.due_at.timestamp()),
        (CaseStatus::Open, back.timestamp())
    );
    let note = c.history.iter().find(|h| h.kind == "handled").unwrap();
    assert_eq!(note.text.as_deref(), Some("after 5 pm\n<script>"));
}

#[tokio::test]
async fn a_case_offered_and_not_taken_costs_no_attempt() {
    let s = TestServer::start().await;
    let (list, mut ana, _bo) = desk(&s, ListSettings::default()).await;
    let probe = s.store();
    let case = create(&mut ana, new_case(list, "+34 600 222 111")).await;
    // Due now: announced once, however often the scan runs (this one or the server's timer).
    for _ in 0..3 {
        probe.scan_call_cases().await.unwrap();
    }
    // Nobody calls it for days (before its expiry): still no attempt.
    probe.advance_clock(Duration::days(3));
    probe.scan_call_cases().await.unwrap();
    let after = get(&mut ana, case.id).await;
    assert_eq!((after.status, after.attempts), (CaseStatus::Open, 0));
    assert_eq!((kinds(&after), dues(&after)), (vec!["created"], 1));
    assert_eq!(call(&mut ana, case.id).await.attempts, 1);
}

#[tokio::test]
async fn an_assigned_case_overdue_past_grace_goes_to_the_pool() {
    let s = TestServer::start().await;
    let settings = ListSettings {
        grace_secs: 1800,
        ..ListSettings::default()
    };
    let (list, mut ana, mut bo) = desk(&s, settings).await;
    let probe = s.store();
    let mine = create(
        &mut ana,
        NewCallCase {
            assign_to_me: true,
            ..new_case(list, "+34 600 333 111")
        },
    )
    .await;
    assert_eq!(mine.assignee.as_ref().map(|a| a.name.as_str()), Some("Ana"));
    // Ana's while within grace: Bo may not call it, and her "me" filter holds it.
    assert_eq!(
        refusal(&mut bo, |cid| ClientFrame::CallCallCase {
            cid,
            case: mine.id
        })
        .await,
        ErrorCode::NotOffered
    );
    let me = CaseQuery {
        assignee: Some(CaseAssignee::Me),
        ..CaseQuery::default()
    };
    assert_eq!(open_cases(&mut ana, me.clone()).await.len(), 1);
    // The server's timer scans too: what is asserted is the case, not who moved it.
    probe.advance_clock(Duration::minutes(29));
    probe.scan_call_cases().await.unwrap();
    assert!(
        get(&mut ana, mine.id).await.assignee.is_some(),
        "within grace"
    );
    probe.advance_clock(Duration::minutes(2));
    probe.scan_call_cases().await.unwrap();

    let pooled = get(&mut ana, mine.id).await;
    assert!(pooled.assignee.is_none());
    let told = pooled.history.iter().find(|h| h.kind == "to_pool").unwrap();
    assert_eq!(told.agent.as_ref().map(|a| a.name.as_str()), Some("Ana"));
    assert!(open_cases(&mut ana, me).await.is_empty());
    let pool = CaseQuery {
        assignee: Some(CaseAssignee::Pool),
        ..CaseQuery::default()
    };
    assert_eq!(open_cases(&mut bo, pool).await.len(), 1);
    assert_eq!(call(&mut bo, mine.id).await.attempts, 1);
}

#[tokio::test]
async fn an_open_case_past_its_expiry_closes_expired() {
    let s = TestServer::start().await;
    let settings = ListSettings {
        expiry_secs: 3600,
        ..ListSettings::default()
    };
    let (list, mut ana, _bo) = desk(&s, settings).await;
    let probe = s.store();
    let case = create(&mut ana, new_case(list, "+34 600 444 111")).await;
    probe.advance_clock(Duration::minutes(59));
    probe.scan_call_cases().await.unwrap();
    assert_eq!(get(&mut ana, case.id).await.status, CaseStatus::Open);
    probe.advance_clock(Duration::minutes(2));
    probe.scan_call_cases().await.unwrap();
    let c = get(&mut ana, case.id).await;
    assert_eq!(
        (c.status, c.closure),
        (CaseStatus::Closed, Some(CaseClosure::Expired))
    );
}

#[tokio::test]
async fn one_open_case_per_number_per_list() {
    let s = TestServer::start().await;
    let (list, mut ana, mut bo) = desk(&s, ListSettings::default()).await;
    let first = create(&mut ana, new_case(list, "+34 600 555 111")).await;
    // The same number written differently, by someone else: the same case, linked.
    let again = create(&mut bo, new_case(list, "0034 (600) 555-111")).await;
    assert_eq!(again.id, first.id);
    assert_eq!(kinds(&again), ["created", "linked"]);
    assert_eq!(open_cases(&mut ana, CaseQuery::default()).await.len(), 1);

    // The database refuses a second open row even if the rule were bypassed.
    let db = s.server.db();
    let dup = sqlx::query(
        "INSERT INTO call_cases (team_id, list_id, phone, source, due_at, expires_at, created_at) \
         SELECT team_id, list_id, phone, source, due_at, expires_at, created_at FROM call_cases \
         WHERE id = $1",
    )
    .bind(first.id.0)
    .execute(&db.pool)
    .await;
    assert!(dup.is_err(), "the partial unique index holds");

    // Once closed, the number may have a new case.
    let closed = reply(&mut ana, |cid| ClientFrame::UpdateCallCases {
        cid,
        cases: vec![first.id],
        update: CaseUpdate::Close,
    })
    .await;
    assert_eq!(closed.call_cases.unwrap().cases.len(), 1);
    let next = create(&mut ana, new_case(list, "+34600555111")).await;
    assert_ne!(next.id, first.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_calling_one_case_exactly_one_wins_over_a_thousand_trials() {
    let trials: usize = std::env::var("LDS_RACE_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let s = TestServer::start().await;
    let (list, mut ana, mut bo) = desk(&s, ListSettings::default()).await;
    let (mut ana_won, mut bo_won) = (0, 0);
    for trial in 0..trials {
        let phone = format!("+34 611 {:06}", trial);
        let case = create(&mut ana, new_case(list, &phone)).await.id;
        let a = ana
            .send_command(|cid| ClientFrame::CallCallCase { cid, case })
            .await
            .unwrap();
        let b = bo
            .send_command(|cid| ClientFrame::CallCallCase { cid, case })
            .await
            .unwrap();
        let (a, b) = join(ana.answer(a), bo.answer(b)).await;
        let won = |f: &ServerFrame| match f {
            ServerFrame::Reply(_) => true,
            ServerFrame::Error(ErrorFrame { code, .. }) => {
                assert_eq!(*code, ErrorCode::AlreadyTaken, "trial {trial}");
                false
            }
            other => panic!("trial {trial}: {other:?}"),
        };
        match (won(&a.unwrap()), won(&b.unwrap())) {
            (true, false) => ana_won += 1,
            (false, true) => bo_won += 1,
            other => panic!("trial {trial}: winners {other:?}"),
        }
        ana.forget_pending();
        bo.forget_pending();
    }
    assert_eq!(ana_won + bo_won, trials, "exactly one winner each time");
    let cases = open_cases(
        &mut ana,
        CaseQuery {
            limit: Some(200),
            ..CaseQuery::default()
        },
    )
    .await;
    assert!(
        cases.iter().all(|c| c.attempts == 1),
        "one attempt per case"
    );
    println!("{trials} trials: Ana won {ana_won}, Bo won {bo_won}");
}

/// The last Sunday of March after `now` (the day Europe/Madrid moves from +01:00 to +02:00).
fn next_spring_change(now: DateTime<Utc>) -> NaiveDate {
    let mut year = now.year();
    loop {
        let mut day = NaiveDate::from_ymd_opt(year, 3, 31).unwrap();
        while day.weekday() != Weekday::Sun {
            day = day.pred_opt().unwrap();
        }
        if day.and_hms_opt(0, 0, 0).unwrap().and_utc() > now + Duration::days(1) {
            return day;
        }
        year += 1;
    }
}

#[tokio::test]
async fn a_due_time_on_the_customers_clock_across_the_spring_change() {
    let s = TestServer::start().await;
    let (list, mut ana, _bo) = desk(&s, ListSettings::default()).await;
    let sunday = next_spring_change(Utc::now());
    let saturday = sunday.pred_opt().unwrap();
    // Created before the change (today is on +01:00 or earlier), due after it.
    let local = |day: NaiveDate, h, m| NewCallCase {
        due_local: Some(day.and_hms_opt(h, m, 0).unwrap()),
        time_zone: Some("Europe/Madrid".into()),
        ..new_case(list, &format!("+34 6{:02} {h:02}{m:02} 00", day.day()))
    };
    let before = create(&mut ana, local(saturday, 10, 0)).await;
    let after = create(&mut ana, local(sunday, 10, 0)).await;
    assert_eq!(
        before.due_at,
        Utc.from_utc_datetime(&saturday.and_hms_opt(9, 0, 0).unwrap())
    );
    assert_eq!(
        after.due_at,
        Utc.from_utc_datetime(&sunday.and_hms_opt(8, 0, 0).unwrap())
    );
    assert_eq!(after.time_zone.as_deref(), Some("Europe/Madrid"));
    // 02:30 does not exist that night in Madrid.
    let skipped = local(sunday, 2, 30);
    assert_eq!(
        refusal(&mut ana, |cid| ClientFrame::CreateCallCase {
            cid,
            case: skipped
        })
        .await,
        ErrorCode::InvalidDueAt
    );
    let bad_zone = NewCallCase {
        time_zone: Some("Europe/Atlantis".into()),
        ..local(sunday, 10, 0)
    };
    assert_eq!(
        refusal(&mut ana, |cid| ClientFrame::CreateCallCase {
            cid,
            case: bad_zone
        })
        .await,
        ErrorCode::BadRequest
    );
    // Due today first: the Saturday case comes before the Sunday one, a case due now first.
    let now_case = create(&mut ana, new_case(list, "+34 600 666 999")).await;
    let order: Vec<_> = open_cases(&mut ana, CaseQuery::default())
        .await
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(order, [now_case.id, before.id, after.id]);
}

#[tokio::test]
async fn a_missed_inbound_call_becomes_a_case_and_a_second_one_is_linked() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 1).await;
    let (_, ana) = s.agent("Desk", "Ana").await;
    let db = s.server.db();
    admin::add_list(db, "Desk", "Missed", ListSettings::default())
        .await
        .unwrap();
    admin::route(db, "Desk", "default", Some("Missed"))
        .await
        .unwrap();
    let mut ana = s.connect(&ana, None).await;
    for _ in 0..2 {
        let body = json!({"kind": "inbound_call",
                          "customer": {"name": "Maria Lopez", "phone": "+34 600 777 111"}});
        let resp = s.post(&key, &body).await;
        assert_eq!(resp.status(), 201);
        ana.wait_event(|e| matches!(e, Event::TimedOut { .. }))
            .await
            .unwrap();
    }
    let cases = open_cases(&mut ana, CaseQuery::default()).await;
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert_eq!(cases[0].source, CaseSource::MissedCall);
    assert_eq!(cases[0].list_name, "Missed");
    let full = get(&mut ana, cases[0].id).await;
    let linked = full.history.iter().filter(|h| h.kind == "linked");
    let codes: Vec<_> = linked.map(|h| h.code.as_deref()).collect();
    assert_eq!(codes, [Some("missed_call")]);
}

#[tokio::test]
async fn a_call_whose_customer_hangs_up_first_is_a_dropped_call_and_assisted_next_time() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    let (_, ana) = s.agent("Desk", "Ana").await;
    let db = s.server.db();
    admin::add_list(db, "Desk", "Dropped", ListSettings::default())
        .await
        .unwrap();
    admin::route(db, "Desk", "default", Some("Dropped"))
        .await
        .unwrap();
    let mut ana = s.connect(&ana, None).await;
    let request = s.call_now(&key, "Maria Lopez").await;
    let session = ana.accept_session(request.id).await;
    let resp = headsup_testkit::lds::http()
        .post(format!(
            "{}/api/v1/sim/sessions/{session}/legs/customer",
            s.base
        ))
        .bearer_auth(&key)
        .json(&json!({"state": "hung_up"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let ended: Session = resp.json().await.unwrap();
    let cases = open_cases(&mut ana, CaseQuery::default()).await;
    assert_eq!(cases.len(), 1);
    assert_eq!(
        (cases[0].source, cases[0].phone.as_str()),
        (CaseSource::DroppedCall, "+34600000000")
    );
    // The customer calls again: the agent's session shows the open callback, and closes it.
    let _ = ended;
    let request = s.call_now(&key, "Maria Lopez").await;
    let session = ana.accept_session(request.id).await;
    let open = reply(&mut ana, |cid| ClientFrame::SessionCallCases {
        cid,
        session,
    })
    .await
    .call_cases
    .unwrap()
    .cases;
    assert_eq!(open.iter().map(|c| c.id).collect::<Vec<_>>(), [cases[0].id]);
    reply(&mut ana, |cid| ClientFrame::UpdateCallCases {
        cid,
        cases: vec![cases[0].id],
        update: CaseUpdate::Close,
    })
    .await;
    let open = reply(&mut ana, |cid| ClientFrame::SessionCallCases {
        cid,
        session,
    })
    .await
    .call_cases
    .unwrap()
    .cases;
    assert!(open.is_empty());
}

#[tokio::test]
async fn a_csv_import_is_all_or_nothing_and_says_which_lines_are_wrong() {
    let s = TestServer::start().await;
    let (list, mut ana, _bo) = desk(&s, ListSettings::default()).await;
    let db = s.server.db();
    let bad = "phone,due_local,time_zone,name\n\
               +34 600 888 001,,,Ana\n\
               not a phone,,,x\n\
               \"+34 600 888 002\",2030-13-01 10:00,Europe/Madrid,\"a, b\"\n\
               +34 600 888 003,,,\"=cmd|' /C calc'!A0\"\n\
               +1,,,\n";
    let err = admin::import(db, "Desk", "Callbacks", bad)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("line 3:") && text.contains("line 4:") && text.contains("line 6:"),
        "{text}"
    );
    assert!(
        !text.contains("line 2:") && !text.contains("line 5:"),
        "{text}"
    );
    assert!(
        open_cases(&mut ana, CaseQuery::default()).await.is_empty(),
        "nothing imported"
    );

    let good = "phone,due_local,time_zone\n\
                +34 600 888 001,,\n\
                0034600888001,,\n\
                +34 600 888 002,,\n";
    let done = admin::import(db, "Desk", "Callbacks", good).await.unwrap();
    assert_eq!((done.opened, done.linked), (2, 1));
    let cases = open_cases(
        &mut ana,
        CaseQuery {
            list: Some(list),
            ..CaseQuery::default()
        },
    )
    .await;
    assert_eq!(cases.len(), 2);
    assert!(cases.iter().all(|c| c.source == CaseSource::Imported));
}

#[tokio::test]
async fn cases_of_lists_an_agent_may_not_work_are_not_found() {
    let s = TestServer::start().await;
    let (list, mut ana, _bo) = desk(&s, ListSettings::default()).await;
    let case = create(&mut ana, new_case(list, "+34 600 999 111")).await;
    s.team("Other", 3600).await;
    let (_, eve) = s.agent("Other", "Eve").await;
    let mut eve = s.connect(&eve, None).await;
    assert_eq!(
        refusal(&mut eve, |cid| ClientFrame::GetCallCase {
            cid,
            case: case.id
        })
        .await,
        ErrorCode::NotFound
    );
    assert_eq!(
        refusal(&mut eve, |cid| ClientFrame::CallCallCase {
            cid,
            case: case.id
        })
        .await,
        ErrorCode::NotFound
    );
    assert_eq!(
        refusal(&mut eve, |cid| ClientFrame::CreateCallCase {
            cid,
            case: new_case(list, "+34 600 999 112"),
        })
        .await,
        ErrorCode::NotFound
    );
    let page = reply(&mut eve, |cid| ClientFrame::CallCases {
        cid,
        query: CaseQuery::default(),
    })
    .await
    .call_cases
    .unwrap();
    assert!(page.cases.is_empty() && page.lists.is_empty());
    // A phone that is not one is refused as such.
    assert_eq!(
        refusal(&mut ana, |cid| ClientFrame::CreateCallCase {
            cid,
            case: new_case(list, "+34 600\u{0}<b>"),
        })
        .await,
        ErrorCode::InvalidPhone
    );
}

#[test]
fn lds_cases_import_from_the_command_line_reports_wrong_lines_and_imports_nothing() {
    use headsup_testkit::lds::process;
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("lds.db").display());
    process::cli(&db, &["team", "add", "--name", "Desk"], None);
    let added = process::cli(
        &db,
        &["cases", "add-list", "--team", "Desk", "--name", "Imported"],
        None,
    );
    assert_eq!(added, "call list Imported added to Desk");
    let run = |csv: &str| {
        let file = dir.path().join("cases.csv");
        std::fs::write(&file, csv).unwrap();
        let out = Command::new(process::bin())
            .args(["cases", "import", "--team", "Desk", "--list", "Imported"])
            .arg(&file)
            .args(["--database-url", &db])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    let (ok, text) = run("phone\n+34 600 123 456\n\u{1b}[31m+34 600\n\"unclosed\n");
    assert!(
        !ok && text.contains("line 4: a quoted field is not closed"),
        "{text}"
    );
    let (ok, text) = run("phone\n+34 600 123 456\n\u{1b}[31m+34 600\n");
    assert!(
        !ok && text.contains("line 3:") && !text.contains("line 2:"),
        "{text}"
    );
    let (ok, text) = run("phone,time_zone,due_local\n+34 600 123 456,,\n");
    assert!(ok, "{text}");
    assert!(text.contains("1 cases opened, 0 rows joined"), "{text}");
}

#[tokio::test]
async fn a_voicemail_is_stored_and_fetched_only_by_agents_who_may_work_the_case() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    let (_, ana_token) = s.agent("Desk", "Ana").await;
    let (_, cy_token) = s.agent("Desk", "Cy").await;
    let db = s.server.db();
    admin::add_list(db, "Desk", "Private", ListSettings::default())
        .await
        .unwrap();
    admin::grant(
        db,
        "Desk",
        "Private",
        Worker::Agent("ana@test.example"),
        true,
    )
    .await
    .unwrap();
    let mut ana = s.connect(&ana_token, None).await;
    let list = open_cases(&mut ana, CaseQuery::default()).await;
    assert!(list.is_empty());
    let lists = reply(&mut ana, |cid| ClientFrame::CallCases {
        cid,
        query: CaseQuery::default(),
    })
    .await
    .call_cases
    .unwrap()
    .lists;
    let case = create(&mut ana, new_case(lists[0].id, "+34 600 121 212")).await;
    assert!(!case.has_voicemail);

    let http = headsup_testkit::lds::http();
    let leave = |key: &str| {
        http.post(format!(
            "{}/api/v1/sim/call-cases/{}/voicemail",
            s.base, case.id
        ))
        .bearer_auth(key)
        .send()
    };
    assert_eq!(leave("not-the-key").await.unwrap().status(), 401);
    assert_eq!(leave(&key).await.unwrap().status(), 204);
    assert!(get(&mut ana, case.id).await.has_voicemail);

    let url = format!("{}/api/v1/call-cases/{}/voicemail", s.base, case.id);
    let fetch = |token: &str| http.get(&url).bearer_auth(token).send();
    let got = fetch(&ana_token).await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "audio/wav");
    let audio = got.bytes().await.unwrap();
    assert!(
        audio.starts_with(b"RIFF") && audio.len() > 1000,
        "a WAV file"
    );
    // Cy is in the team but may not work the list; no token at all is unauthorized.
    assert_eq!(fetch(&cy_token).await.unwrap().status(), 404);
    assert_eq!(http.get(&url).send().await.unwrap().status(), 401);
    // Another team's key cannot leave one.
    let (_, other) = s.team("Other", 3600).await;
    assert_eq!(leave(&other).await.unwrap().status(), 404);
}

#[tokio::test]
async fn colleagues_hear_of_new_changed_due_and_pooled_cases_and_busy_ones_are_not_told_due() {
    use headsup_protocol::call_cases::CaseChange;
    use headsup_protocol::model::Availability;
    let s = TestServer::start().await;
    let settings = ListSettings {
        grace_secs: 60,
        ..ListSettings::default()
    };
    let (list, mut ana, mut bo) = desk(&s, settings).await;
    let probe = s.store();
    let is = |change: CaseChange, id: CallCaseId| {
        move |n: &headsup_protocol::call_cases::CaseNotice| n.change == change && n.case.id == id
    };

    // A new case reaches every colleague who may work the list; a call on it too.
    let case = create(&mut ana, new_case(list, "+34 600 131 313")).await;
    bo.wait_case_notice(is(CaseChange::New, case.id))
        .await
        .unwrap();
    call(&mut ana, case.id).await;
    let called = bo
        .wait_case_notice(is(CaseChange::Changed, case.id))
        .await
        .unwrap();
    assert_eq!(called.case.calling.map(|a| a.name), Some("Ana".into()));
    handle(&mut ana, case.id, "success").await;

    // Due for the pool: only agents available and free are told.
    let set = bo.set_status(Availability::NotReady, Some("break")).await;
    assert!(matches!(set, ServerFrame::Reply(_)), "{set:?}");
    let due = create(&mut ana, new_case(list, "+34 600 131 314")).await;
    probe.scan_call_cases().await.unwrap();
    ana.wait_case_notice(is(CaseChange::Due, due.id))
        .await
        .unwrap();
    // A later notice Bo does get: everything before it on his socket has arrived.
    let later = create(&mut ana, new_case(list, "+34 600 131 315")).await;
    bo.wait_case_notice(is(CaseChange::New, later.id))
        .await
        .unwrap();
    let told_bo = bo.case_notices.iter();
    assert!(
        !told_bo.clone().any(is(CaseChange::Due, due.id)),
        "not while not ready"
    );
    assert!(
        told_bo.clone().any(is(CaseChange::New, due.id)),
        "but told it is new"
    );

    // Ana's own case, overdue past grace: she is told it went to the pool.
    let mine = create(
        &mut ana,
        NewCallCase {
            assign_to_me: true,
            ..new_case(list, "+34 600 131 316")
        },
    )
    .await;
    probe.advance_clock(Duration::minutes(2));
    probe.scan_call_cases().await.unwrap();
    let pooled = ana
        .wait_case_notice(is(CaseChange::ToPool, mine.id))
        .await
        .unwrap();
    assert!(pooled.case.assignee.is_none());
}

//! `lds sim`: the real binary drives a real server on loopback (answer, fail, hang up a leg;
//! cancel a request), and the agent sees each change on its WebSocket.

use headsup_protocol::lds::Event;
use headsup_protocol::model::{LegState, Request, RequestState, Session, SessionState};
use headsup_protocol::SessionId;
use headsup_testkit::lds::process;
use headsup_testkit::lds::{AgentConn, TestServer};

/// What one `lds sim …` run printed, and whether it succeeded.
struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

async fn sim(s: &TestServer, key: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = tokio::process::Command::new(process::bin());
    cmd.arg("sim")
        .args(args)
        .args(["--server", &s.base])
        .env_remove("LDS_INTAKE_KEY");
    if let Some(key) = key {
        cmd.env("LDS_INTAKE_KEY", key);
    }
    let out = cmd.output().await.expect("lds runs");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn session_of(run: &Run) -> Session {
    assert!(run.ok, "lds sim failed: {}", run.stderr);
    serde_json::from_str(run.stdout.trim()).expect("one line of JSON: the session")
}

async fn accept_next(s: &TestServer, key: &str, ana: &mut AgentConn, name: &str) -> SessionId {
    let request = s.call_now(key, name).await;
    ana.wait_event(|e| matches!(e, Event::Offered { request: r } if r.id == request.id))
        .await
        .unwrap();
    let session = ana.accept_session(request.id).await;
    ana.wait_event(|e| matches!(e, Event::Assigned { .. }))
        .await
        .unwrap();
    session
}

async fn next_session_update(ana: &mut AgentConn) -> Session {
    match ana
        .wait_event(|e| matches!(e, Event::SessionUpdated { .. }))
        .await
        .unwrap()
    {
        Event::SessionUpdated { session } => session,
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn sim_answers_and_hangs_up_legs_and_the_agent_sees_each_change() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    let session = accept_next(&s, &key, &mut ana, "Maria Lopez").await;
    let id = session.0.to_string();

    let printed = session_of(
        &sim(
            &s,
            Some(&key),
            &["answer", "--session", &id, "--leg", "agent"],
        )
        .await,
    );
    assert_eq!(printed.id, session);
    assert_eq!(printed.agent_leg, LegState::Answered);
    assert_eq!(printed.customer_leg, LegState::Ringing);
    let seen = next_session_update(&mut ana).await;
    assert_eq!(seen.agent_leg, LegState::Answered);

    let printed = session_of(
        &sim(
            &s,
            Some(&key),
            // The key may also be given as a flag, after the subcommand.
            &[
                "answer",
                "--session",
                &id,
                "--leg",
                "customer",
                "--intake-key",
                &key,
            ],
        )
        .await,
    );
    assert_eq!(printed.state, SessionState::Bridged);
    assert_eq!(
        next_session_update(&mut ana).await.state,
        SessionState::Bridged
    );

    let printed = session_of(
        &sim(
            &s,
            Some(&key),
            &["hang-up", "--session", &id, "--leg", "customer"],
        )
        .await,
    );
    assert_eq!(printed.customer_leg, LegState::HungUp);
    assert_eq!(printed.state, SessionState::Ended);
    assert_eq!(
        next_session_update(&mut ana).await.state,
        SessionState::Ended
    );

    // Free again: the next call's agent leg fails, which ends that session too.
    let second = accept_next(&s, &key, &mut ana, "Jonas Berg").await;
    let printed = session_of(
        &sim(
            &s,
            Some(&key),
            &["fail", "--session", &second.0.to_string(), "--leg", "agent"],
        )
        .await,
    );
    assert_eq!(printed.agent_leg, LegState::Failed);
    assert_eq!(printed.state, SessionState::Ended);
    assert_eq!(
        next_session_update(&mut ana).await.state,
        SessionState::Ended
    );
}

#[tokio::test]
async fn sim_cancel_withdraws_the_request_from_the_agent() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut ana = s.connect(&token, None).await;
    let request = s.call_now(&key, "Aiko Tanaka").await;
    ana.wait_event(|e| matches!(e, Event::Offered { .. }))
        .await
        .unwrap();
    let run = sim(
        &s,
        Some(&key),
        &["cancel", "--request", &request.id.0.to_string()],
    )
    .await;
    assert!(run.ok, "{}", run.stderr);
    let printed: Request = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(printed.state, RequestState::Cancelled);
    assert_eq!(
        ana.next_event().await.unwrap(),
        Event::Cancelled {
            request: request.id
        }
    );
}

#[tokio::test]
async fn sim_reports_refusals_with_their_codes_and_fails() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let unknown = sim(
        &s,
        Some(&key),
        &["answer", "--session", "999", "--leg", "agent"],
    )
    .await;
    assert!(!unknown.ok);
    assert!(
        unknown.stderr.contains("404 not_found"),
        "{}",
        unknown.stderr
    );
    let wrong_key = sim(&s, Some("intake_wrong"), &["cancel", "--request", "1"]).await;
    assert!(!wrong_key.ok);
    assert!(
        wrong_key.stderr.contains("401 invalid_intake_key"),
        "{}",
        wrong_key.stderr
    );
    let no_key = sim(&s, None, &["cancel", "--request", "1"]).await;
    assert!(!no_key.ok);
    assert!(
        no_key.stderr.contains("LDS_INTAKE_KEY"),
        "{}",
        no_key.stderr
    );
    let bad_leg = sim(
        &s,
        Some(&key),
        &["answer", "--session", "1", "--leg", "robot"],
    )
    .await;
    assert!(!bad_leg.ok, "clap refuses an unknown leg");
    assert!(bad_leg.stdout.is_empty());
}

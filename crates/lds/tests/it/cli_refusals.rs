//! The `lds` binary refuses nonsense flag values at start with a clear message, and `lds sim`
//! reports a refusal as `error: <status> <code>: <message>` (docs/protocol.md).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use headsup_testkit::lds::process;
use headsup_testkit::lds::TestServer;
use headsup_testkit::PATIENCE;

/// Runs `lds ARGS` and returns (exit success, stderr), failing the test if it keeps running
/// (a server that started instead of refusing).
fn run_to_exit(args: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("lds.db").display());
    let mut child = Command::new(process::bin())
        .args(args)
        .args(["--database-url", &db])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("lds {args:?} is still running: it was not refused");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn serve_refuses_nonsense_limits_at_start() {
    for (flag, value) in [
        ("--token-ttl-hours", "0"),
        ("--token-ttl-hours", "-3"),
        ("--token-ttl-hours", "100000000000000"),
        ("--login-per-account-per-min", "0"),
        ("--login-per-address-per-min", "0"),
        ("--intake-per-team-per-min", "0"),
        ("--max-connections", "0"),
        ("--idle-timeout-secs", "0"),
        ("--header-read-timeout-secs", "0"),
    ] {
        let (ok, stderr) = run_to_exit(&[
            "serve",
            "--listen",
            "127.0.0.1:0",
            &format!("{flag}={value}"),
        ]);
        assert!(!ok, "{flag} {value} was accepted");
        assert!(
            stderr.contains(flag),
            "{flag} {value}: the message names the flag: {stderr}"
        );
    }
}

#[test]
fn serve_refuses_more_connections_than_the_descriptors_allow() {
    let (ok, stderr) = run_to_exit(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--max-connections",
        "100000000000",
    ]);
    assert!(!ok);
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("error: --max-connections") && l.contains("LimitNOFILE")),
        "{stderr}"
    );
}

#[test]
fn team_add_refuses_a_zero_offer_timeout() {
    let (ok, stderr) = run_to_exit(&[
        "team",
        "add",
        "--name",
        "Support",
        "--offer-timeout-secs",
        "0",
    ]);
    assert!(!ok);
    assert!(stderr.contains("--offer-timeout-secs"), "{stderr}");
}

#[tokio::test]
async fn sim_prints_refusals_as_the_protocol_documents() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 120).await;
    let out = tokio::process::Command::new(process::bin())
        .args(["sim", "answer", "--session", "999", "--leg", "agent"])
        .args(["--server", &s.base])
        .env("LDS_INTAKE_KEY", &key)
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.starts_with("error: 404 not_found: "),
        "stderr: {stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
}

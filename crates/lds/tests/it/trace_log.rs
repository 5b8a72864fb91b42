//! `LDS_LOG=trace` must not put secrets in the log: an agent's session token, password and
//! e-mail and a team's intake key appear nowhere in the real binary's output (stdout and
//! stderr), neither as they are nor hex- or base64-encoded, after a sign-in, a WebSocket
//! `hello`, an intake and a logout.

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use base64::Engine;
use headsup_protocol::lds::LoginResponse;
use headsup_testkit::lds::process::{self, cli};
use headsup_testkit::lds::{http, AgentConn};
use headsup_testkit::PATIENCE;

const PASSWORD: &str = "Correct-Horse-Battery-Staple-7731";
const EMAIL: &str = "trace.agent.7731@example.test";

struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `lds serve` with `LDS_LOG=trace`, its stdout and stderr in files; returns it and its address.
fn serve_at_trace(db: &str, dir: &Path) -> (Serving, String) {
    let stdout = std::fs::File::create(dir.join("stdout")).unwrap();
    let stderr = std::fs::File::create(dir.join("stderr")).unwrap();
    let child = Command::new(process::bin())
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", db])
        .env("LDS_LOG", "trace")
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .unwrap();
    let serving = Serving(child);
    let started = Instant::now();
    loop {
        let out = std::fs::read_to_string(dir.join("stdout")).unwrap();
        if let Some(addr) = out.lines().find_map(|l| l.strip_prefix("listening on ")) {
            return (serving, addr.to_string());
        }
        assert!(started.elapsed() < PATIENCE, "lds serve did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every form a secret could take in a log line.
fn encodings(secret: &str) -> Vec<String> {
    let bytes = secret.as_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let b64 = base64::engine::general_purpose::STANDARD;
    let b64url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut forms = vec![
        secret.to_string(),
        hex.clone(),
        hex.to_uppercase(),
        // As Rust prints byte slices: `[116, 114, …]`.
        format!("{bytes:?}").trim_matches(['[', ']']).to_string(),
    ];
    // Base64 of the secret at each of the three alignments it can have inside a longer payload,
    // without the edge characters that depend on the neighbours.
    for pad in 0..3 {
        let mut padded = vec![b'"'; pad];
        padded.extend_from_slice(bytes);
        for engine in [&b64, &b64url] {
            let encoded = engine.encode(&padded);
            let skip = (pad * 4).div_ceil(3) + 1;
            let inner: String = encoded
                .chars()
                .skip(skip)
                .take(encoded.len().saturating_sub(skip + 4))
                .collect();
            forms.push(inner);
        }
    }
    forms
}

#[tokio::test]
async fn a_trace_log_holds_no_token_password_key_or_email() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("lds.db").display());
    let key = cli(&db, &["team", "add", "--name", "Support"], None);
    cli(
        &db,
        &[
            "agent",
            "add",
            "--email",
            EMAIL,
            "--name",
            "Trace",
            "--team",
            "Support",
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    let (server, addr) = serve_at_trace(&db, dir.path());
    let base = format!("http://{addr}");

    let login: LoginResponse = http()
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut agent = AgentConn::connect(&format!("ws://{addr}/api/v1/agent/ws"), &login.token, None)
        .await
        .unwrap();
    let intake = http()
        .post(format!("{base}/api/v1/requests"))
        .bearer_auth(&key)
        .json(&serde_json::json!({"kind": "call_now", "customer": {"name": "Ann"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(intake.status(), 201);
    agent.next_event().await.unwrap();
    let logout = http()
        .post(format!("{base}/api/v1/logout"))
        .bearer_auth(&login.token)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    agent.read_until_closed().await;
    drop(server);

    let mut log = std::fs::read_to_string(dir.path().join("stderr")).unwrap();
    log.push_str(&std::fs::read_to_string(dir.path().join("stdout")).unwrap());
    assert!(
        log.lines().count() > 20,
        "the trace log has something in it: {log}"
    );
    for (what, secret) in [
        ("session token", login.token.as_str()),
        ("password", PASSWORD),
        ("intake key", key.as_str()),
        ("e-mail", EMAIL),
    ] {
        for form in encodings(secret) {
            assert!(
                !log.contains(&form),
                "the log holds the {what} (as {form:?})"
            );
        }
    }
}

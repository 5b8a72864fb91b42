//! Customer text is untrusted: names from a hostile list, posted to a real LDS, must reach the
//! notification daemon as one plain line with markup escaped (dunst advertises `body-markup`),
//! the app's rows as text (no element made from them), and the headless agent's terminal as one
//! line per notification. Also: every notification says it is from "Heads-Up", with the app's
//! own icon.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use headsup_protocol::lds::NewRequest;
use headsup_protocol::model::{Customer, Request, RequestKind};
use headsup_testkit::eventually;
use headsup_tests::app::row;
use headsup_tests::hostile::{has_control_or_bidi, markup_escaped, plain, NAMES};
use headsup_tests::team::{Team, ANA, PASSWORD};

/// Posts every hostile name as a call-now request. A name the LDS refuses at intake is fine
/// (that is its own defence); each accepted request is returned with the name as stored.
async fn post_hostile_names(team: &Team) -> Vec<Request> {
    let mut accepted = Vec::new();
    for name in NAMES {
        let body = NewRequest {
            kind: RequestKind::CallNow,
            customer: Customer {
                name: Some(name.to_string()),
                phone: Some("+34 600 111 222".into()),
            },
            due_at: None,
            queue: None,
        };
        match team.lds.post_request(&team.key, &body).await {
            Ok(created) => accepted.push(created.request),
            Err(refused) => eprintln!("intake refused {name:?}: {refused:#}"),
        }
    }
    assert!(
        accepted.len() >= 2,
        "the LDS refused nearly every name; the test would prove nothing"
    );
    accepted
}

fn stored_name(r: &Request) -> &str {
    r.customer.name.as_deref().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the desktop session from scripts/test.sh (Xvfb, D-Bus, dunst, WebDriver)"]
async fn hostile_names_reach_the_bus_escaped_and_the_rows_as_text() {
    let team = Team::start();
    let app = team.ana_app("e2e-hostile").await;
    let requests = post_hostile_names(&team).await;

    for r in &requests {
        let name = plain(stored_name(r));
        // The body exactly: plain, then escaped for a server that renders markup.
        let body = markup_escaped(&format!("{name} is waiting for a call"));
        let shown = team.bus.wait_for_body(&body).await;
        assert_eq!(shown.summary, "New customer request");

        // The row shows the name as text: the same characters, no element made from them.
        let css = format!("#queue {}", row(r.id));
        let label = app
            .text_until(&format!("{css} .label"), |t| !t.is_empty())
            .await;
        assert_eq!(label, name, "row of {:?}", stored_name(r));
    }
    let made = app
        .js("return document.querySelectorAll('.request-row .label *').length;")
        .await;
    assert_eq!(made, serde_json::json!(0), "markup in a name made elements");
    app.screenshot("hostile-names").await;

    for shown in team.bus.shown() {
        assert!(
            !has_control_or_bidi(&shown.summary) && !has_control_or_bidi(&shown.body),
            "{shown:?}"
        );
        assert!(!shown.body.contains('<'), "unescaped markup: {shown:?}");
        // From "Heads-Up", with the app's own icon: a PNG file, not a themed name that
        // no theme has.
        assert_eq!(shown.app_name, "Heads-Up");
        let icon = PathBuf::from(shown.app_icon.trim_start_matches("file://"));
        assert!(icon.is_absolute(), "app_icon {:?}", shown.app_icon);
        let bytes = std::fs::read(&icon).unwrap_or_else(|e| panic!("{}: {e}", icon.display()));
        assert!(
            bytes.starts_with(b"\x89PNG"),
            "{} is no PNG",
            icon.display()
        );
    }
    app.quit().await;
}

/// The `headless_agent` example, built for this test (examples are not built by `cargo build
/// --bins`); `HEADSUP_HEADLESS_AGENT_BIN` overrides.
fn headless_agent_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("HEADSUP_HEADLESS_AGENT_BIN") {
        return bin.into();
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&root)
        .args(["build", "--locked", "-p", "headsup-client", "--example"])
        .arg("headless_agent")
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "building the headless_agent example failed"
    );
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    target.join("debug/examples/headless_agent")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the desktop session from scripts/test.sh (D-Bus, gnome-keyring)"]
async fn the_headless_agent_prints_one_line_per_notification() {
    let team = Team::start();
    let data = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(headless_agent_bin())
        .args(["--lds", &team.lds.base_url, "--email", ANA.email])
        .args(["--profile", &format!("e2e-headless-{}", std::process::id())])
        .arg("--data-dir")
        .arg(data.path())
        .env("HEADSUP_PASSWORD", PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("headless_agent starts");
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let stdout = child.stdout.take().expect("piped stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            sink.lock().unwrap().push(line);
        }
    });
    let seen = |pred: &dyn Fn(&str) -> bool| lines.lock().unwrap().iter().any(|l| pred(l));
    eventually("the headless agent to be signed in and in sync", || async {
        seen(&|l| l.starts_with("SignedIn | Synced")).then_some(())
    })
    .await;

    let requests = post_hostile_names(&team).await;
    let first_alerts = || {
        lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with("🔔 [") && l.contains("New customer request —"))
            .cloned()
            .collect::<Vec<_>>()
    };
    eventually("one notification line per request", || async {
        (first_alerts().len() >= requests.len()).then_some(())
    })
    .await;
    let _ = child.kill();
    let _ = child.wait();

    let alerts = first_alerts();
    assert_eq!(alerts.len(), requests.len(), "{alerts:#?}");
    for r in &requests {
        let line = format!(
            "🔔 [{}] New customer request — {} is waiting for a call (urgency 0)",
            r.id.0,
            plain(stored_name(r))
        );
        assert!(alerts.contains(&line), "missing {line:?} in {alerts:#?}");
    }
    let all = lines.lock().unwrap().clone();
    for line in &all {
        assert!(!has_control_or_bidi(line), "raw control in {line:?}");
        assert!(!line.starts_with("🔔 [999999]"), "a forged line: {line:?}");
    }
}

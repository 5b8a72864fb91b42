//! Measures how often the driver rewrites its saved-state file while a burst of offers arrives:
//! a real LDS on loopback (SQLite in a temp folder), the real driver, N `call_now` requests
//! through the intake endpoint as fast as the LDS takes them. Prints one line of figures with
//! the load average beside them (the machine may be shared).
//!
//! ```text
//! cargo run -p headsup-client --release --example save_burst -- --offers 1000
//! ```
//! The token is kept in memory here: the secret store is not what is measured, and the example
//! must run without a desktop session.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use headsup_client::{AgentConfig, AgentHandle, SecretError, SecretStore, Shell};
use headsup_core::{Notification, NotificationId};
use headsup_protocol::lds::NewRequest;
use headsup_protocol::model::{Customer, RequestKind};
use headsup_protocol::view::{ConnectionView, Intent, LoginView, ViewState};
use lds::admin::{self as accounts, NewAgent};
use lds::{Server, ServerConfig};

#[derive(Parser)]
struct Args {
    /// How many offers in the burst.
    #[arg(long, default_value_t = 1000)]
    offers: usize,
}

const PASSWORD: &str = "burst password";

#[derive(Default)]
struct MemorySecret(Mutex<Option<String>>);

impl SecretStore for MemorySecret {
    fn load(&self) -> Result<Option<String>, SecretError> {
        Ok(self.0.lock().unwrap().clone())
    }
    fn store(&self, token: &str) -> Result<(), SecretError> {
        *self.0.lock().unwrap() = Some(token.to_string());
        Ok(())
    }
    fn clear(&self) -> Result<(), SecretError> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }
}

#[derive(Default)]
struct CountingShell {
    shown: Mutex<usize>,
}

impl Shell for CountingShell {
    fn show_notification(&self, _: &Notification) {
        *self.shown.lock().unwrap() += 1;
    }
    fn withdraw_notification(&self, _: NotificationId) {}
    fn render(&self, _: &ViewState) {}
}

async fn until(what: &str, agent: &AgentHandle, check: impl Fn(&ViewState) -> bool) {
    let give_up = Instant::now() + Duration::from_secs(300);
    while !check(&agent.view()) {
        assert!(Instant::now() < give_up, "gave up waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("lds.db").display());
    let config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), url);
    let server = Server::start(config).await.expect("LDS starts");
    let db = server.db();
    let (_, intake_key) = accounts::add_team(db, "Burst", 3600, 600).await.unwrap();
    let hash = lds::auth::hash_password(PASSWORD).unwrap();
    let email = "burst@bench.example";
    let agent_row = NewAgent {
        email,
        name: "Burst",
        team: "Burst",
        password_hash: &hash,
        time_zone: "UTC",
    };
    accounts::add_agent(db, &agent_row).await.unwrap();
    let base = format!("http://{}", server.addr);

    let shell = Arc::new(CountingShell::default());
    let agent = headsup_client::spawn_with(
        AgentConfig {
            lds_url: base.clone(),
            device: "bench".into(),
            profile: "bench".into(),
            data_dir: dir.path().join("agent"),
            extra_root_pem: None,
        },
        shell.clone(),
        Box::new(MemorySecret::default()),
    );
    agent.intent(Intent::SubmitEmail {
        email: email.into(),
    });
    agent.intent(Intent::SubmitPassword {
        password: PASSWORD.into(),
    });
    until("sign-in", &agent, |v| {
        v.login == LoginView::SignedIn && matches!(v.connection, ConnectionView::Synced { .. })
    })
    .await;

    let writes_before = agent.state_writes();
    let http = reqwest::Client::new();
    let started = Instant::now();
    for i in 0..args.offers {
        let body = NewRequest {
            kind: RequestKind::CallNow,
            customer: Customer {
                name: Some(format!("Customer {i}")),
                phone: None,
            },
            due_at: None,
            queue: None,
        };
        let resp = http
            .post(format!("{base}/api/v1/requests"))
            .bearer_auth(&intake_key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "intake: {}", resp.status());
    }
    let offers = args.offers;
    until("every offer in the view", &agent, |v| {
        v.queue.len() >= offers
    })
    .await;
    let received = started.elapsed();
    // Let a coalesced last write land (it is due at most ~250 ms after the last event).
    tokio::time::sleep(Duration::from_secs(1)).await;
    let writes = agent.state_writes() - writes_before;
    let saved = std::fs::read_to_string(dir.path().join("agent/agent-state.json")).unwrap();
    let state: headsup_core::SavedState = serde_json::from_str(&saved).unwrap();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "save_burst: offers={offers} received_in={:.2}s state_writes={writes} \
         writes_per_offer={:.3} notifications={} file_lists_notified={} file_bytes={} \
         loadavg={}",
        received.as_secs_f64(),
        writes as f64 / offers as f64,
        *shell.shown.lock().unwrap(),
        state.notified.len(),
        saved.len(),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    );
    drop(agent);
}

//! A headless agent: the real driver with a shell that prints to the terminal. Handy to watch an
//! LDS from a terminal, or to check a server without the app.
//!
//! ```text
//! cargo run -p headsup-client --example headless_agent -- \
//!     --lds http://127.0.0.1:7700 --email ana@example.com --password-env HEADSUP_PASSWORD
//! ```
//! The token goes to the OS keyring (profile `headless` by default), so the next run is signed in
//! already and `--email` can be left out.
//!
//! Each notification is exactly one line starting with `🔔 [id]`. Text from outside (customer
//! names and phones, agents' names, server messages) arrives as plain one-line text from the
//! core, and is passed through [`for_terminal`] once more before it is printed: a control or
//! bidi character that got this far shows as a `\u{…}` escape, never raw.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use headsup_client::{AgentConfig, KeyringStore, SecretStore, Shell};
use headsup_core::plain_text::for_terminal;
use headsup_core::{Notification, NotificationId};
use headsup_protocol::view::{Intent, ViewState};

#[derive(Parser)]
struct Args {
    /// Base URL of the LDS.
    #[arg(long, default_value = "http://127.0.0.1:7700")]
    lds: String,
    /// Sign in with this e-mail (needed only when no token is stored for the profile).
    #[arg(long)]
    email: Option<String>,
    /// Name of the environment variable holding the password (never a command-line argument,
    /// which other users can read in the process list).
    #[arg(long, default_value = "HEADSUP_PASSWORD")]
    password_env: String,
    #[arg(long, default_value = "headless")]
    profile: String,
    /// Folder for the non-secret state.
    #[arg(long, default_value = "./headless-agent-data")]
    data_dir: PathBuf,
    /// A PEM file of extra root certificates, for an https LDS behind a private CA.
    #[arg(long)]
    extra_root_pem: Option<PathBuf>,
}

struct PrintingShell;

impl Shell for PrintingShell {
    fn show_notification(&self, n: &Notification) {
        println!(
            "🔔 [{}] {} — {} (urgency {})",
            n.id.0,
            for_terminal(&n.title),
            for_terminal(&n.body),
            n.urgency
        );
    }

    fn withdraw_notification(&self, id: NotificationId) {
        println!("🔕 [{}] withdrawn", id.0);
    }

    fn render(&self, view: &ViewState) {
        let rows: Vec<String> = view
            .queue
            .iter()
            .map(|r| {
                let label = for_terminal(&r.label);
                format!("{label}{}", if r.blinking { "*" } else { "" })
            })
            .collect();
        println!(
            "{:?} | {:?} | busy: {} | queue: {}",
            view.login,
            view.connection,
            view.busy,
            rows.join(", ")
        );
        if let Some(notice) = &view.notice {
            println!("   notice: {}", for_terminal(&notice.text));
        }
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let config = AgentConfig {
        lds_url: args.lds,
        device: format!("headless-{}", std::process::id()),
        profile: args.profile,
        data_dir: args.data_dir,
        extra_root_pem: args.extra_root_pem,
    };
    let signed_in = KeyringStore::new(&config.profile)
        .load()
        .ok()
        .flatten()
        .is_some();
    let agent = headsup_client::spawn(config, Arc::new(PrintingShell));
    match (signed_in, args.email) {
        (true, _) => {}
        (false, Some(email)) => {
            let password = std::env::var(&args.password_env).unwrap_or_default();
            agent.intent(Intent::SubmitEmail { email });
            agent.intent(Intent::SubmitPassword { password });
        }
        (false, None) => eprintln!(
            "not signed in: pass --email (and the password in ${})",
            args.password_env
        ),
    }
    tokio::signal::ctrl_c().await.expect("ctrl-c handler");
}

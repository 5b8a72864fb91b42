//! The agent driver: runs [`headsup_core::Core`] with real I/O. tokio for the loop,
//! tokio-tungstenite for the LDS WebSocket, reqwest for login, the OS keyring for the token,
//! a JSON file for the non-secret state. The Tauri shell, tests and tools all run an agent
//! through [`spawn`]; none of them adds a rule.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub use headsup_core::KeepAlive;
use headsup_core::{Notification, NotificationId};
use headsup_protocol::view::{Intent, ViewReplica, ViewState, ViewUpdate};
use headsup_protocol::{ConversationId, RequestId};
use tokio::sync::mpsc;

mod attachments;
mod lds_api;
mod run_loop;
mod saved_file;
mod secret;
mod state_writer;
mod tls;

pub use lds_api::ws_url;
pub use secret::{KeyringStore, SecretError, SecretStore, KEYRING_SERVICE};
pub use tls::TlsError;

/// Where the driver finds the LDS and keeps the agent's local state.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// Base URL of the LDS, e.g. `http://127.0.0.1:7700`.
    pub lds_url: String,
    /// A stable name for this device (sent in `hello`).
    pub device: String,
    /// Profile name: separates the keyring entry and data of two agents on one machine.
    pub profile: String,
    /// Folder for non-secret local state (settings, last processed sequence, notified ids).
    pub data_dir: PathBuf,
    /// A PEM file of extra root certificates to trust besides the public web roots, for an LDS
    /// served over https by a private CA. `None` trusts the public roots only.
    pub extra_root_pem: Option<PathBuf>,
}

/// What the platform (the Tauri shell, a test, a headless tool) does with the core's outputs.
pub trait Shell: Send + Sync + 'static {
    fn show_notification(&self, notification: &Notification);
    fn withdraw_notification(&self, id: NotificationId);
    /// Each update of the view stream, in order, with the whole view after it. A shell that
    /// sends the view on (the Tauri shell) sends `update`; the default hands `view` to
    /// [`Shell::render`].
    fn update_view(&self, update: &ViewUpdate, view: &ViewState) {
        let _ = update;
        self.render(view);
    }
    /// The whole view after each update (for shells that look at all of it: tests, tools).
    fn render(&self, view: &ViewState) {
        let _ = view;
    }
    /// Run or stop the platform's keep-alive service (Android). Nothing elsewhere.
    fn keep_alive(&self, wanted: KeepAlive) {
        let _ = wanted;
    }
    /// Ask the OS for permission to notify, if this app version has not asked yet.
    fn ask_notification_permission(&self) {}
    /// Where the agent's saved chat files go; `None`: this shell cannot save files.
    fn downloads_dir(&self) -> Option<std::path::PathBuf> {
        None
    }
}

pub(crate) enum Command {
    Intent(Intent),
    Tapped(Option<RequestId>),
    ChatTapped(ConversationId),
}

/// A handle to a running agent. Cheap to clone; the agent stops when the last handle is dropped.
#[derive(Clone)]
pub struct AgentHandle {
    commands: mpsc::UnboundedSender<Command>,
    view: Arc<Mutex<ViewReplica>>,
    state_writes: Arc<AtomicU64>,
}

impl AgentHandle {
    /// Something the agent did in the UI.
    pub fn intent(&self, intent: Intent) {
        let _ = self.commands.send(Command::Intent(intent));
    }

    /// The agent clicked a notification: bring the request into view (never accepts).
    pub fn notification_tapped(&self, request: Option<RequestId>) {
        let _ = self.commands.send(Command::Tapped(request));
    }

    /// The agent clicked a chat's notification: open that conversation.
    pub fn chat_notification_tapped(&self, conversation: ConversationId) {
        let _ = self.commands.send(Command::ChatTapped(conversation));
    }

    /// The view as last rendered.
    pub fn view(&self) -> ViewState {
        self.view.lock().expect("view lock").view.clone()
    }

    /// The view as last rendered, as a full slice of the view stream (with its version).
    pub fn full_view(&self) -> ViewUpdate {
        self.view.lock().expect("view lock").full()
    }

    /// How many times the saved-state file was written since start: a diagnostic for the
    /// write-coalescing measurement (`examples/save_burst.rs`), not a rule.
    pub fn state_writes(&self) -> u64 {
        self.state_writes.load(Ordering::Relaxed)
    }
}

/// Starts the agent on the current tokio runtime, with the token in the OS keyring.
pub fn spawn(config: AgentConfig, shell: Arc<dyn Shell>) -> AgentHandle {
    let secrets = Box::new(KeyringStore::new(&config.profile));
    spawn_with(config, shell, secrets)
}

/// Starts the agent with an explicit secret store (a platform's own, or a test's).
pub fn spawn_with(
    config: AgentConfig,
    shell: Arc<dyn Shell>,
    secrets: Box<dyn SecretStore>,
) -> AgentHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let view = Arc::new(Mutex::new(ViewReplica::default()));
    let state_writes = Arc::new(AtomicU64::new(0));
    let driver = run_loop::Driver {
        config,
        shell,
        secrets: Arc::from(secrets),
        view: view.clone(),
        state_writes: state_writes.clone(),
    };
    tokio::spawn(driver.run(rx));
    AgentHandle {
        commands: tx,
        view,
        state_writes,
    }
}

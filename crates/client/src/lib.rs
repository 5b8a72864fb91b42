//! The agent driver (interface stub; being filled in).

use std::path::PathBuf;
use std::sync::Arc;

use headsup_core::{Notification, NotificationId};
use headsup_protocol::view::{Intent, ViewState};
use headsup_protocol::RequestId;

/// Where the driver finds the LDS and keeps the agent's local state.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// Base URL of the LDS, e.g. `http://127.0.0.1:7700`.
    pub lds_url: String,
    /// A stable name for this device (sent in `hello`).
    pub device: String,
    /// Profile name: separates the keyring entry and data of two agents on one machine.
    pub profile: String,
    /// Folder for non-secret local state (settings).
    pub data_dir: PathBuf,
}

/// What the platform (the Tauri shell, a test, a headless tool) does with the core's outputs.
pub trait Shell: Send + Sync + 'static {
    fn show_notification(&self, notification: &Notification);
    fn withdraw_notification(&self, id: NotificationId);
    fn render(&self, view: &ViewState);
}

/// A handle to a running agent.
#[derive(Clone)]
pub struct AgentHandle {}

impl AgentHandle {
    pub fn intent(&self, _intent: Intent) {}
    pub fn notification_tapped(&self, _request: Option<RequestId>) {}
    pub fn view(&self) -> ViewState {
        ViewState::default()
    }
}

/// Starts the agent on the current tokio runtime.
pub fn spawn(_config: AgentConfig, _shell: Arc<dyn Shell>) -> AgentHandle {
    AgentHandle {}
}

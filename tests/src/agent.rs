//! A second agent without a window: the real driver of the client crate (the same core, socket
//! and protocol as the app) with a shell that only records. Tests use it as "another agent of the
//! team", or as a second device of the app's own agent.

use std::sync::Arc;

use headsup_client::{AgentConfig, AgentHandle};
use headsup_core::Notification;
use headsup_protocol::view::{ConnectionView, Intent, LoginView, ViewState};
use headsup_testkit::{eventually, MemorySecret, RecordingShell};

pub struct HeadlessAgent {
    handle: AgentHandle,
    shell: Arc<RecordingShell>,
    _data: tempfile::TempDir,
}

impl HeadlessAgent {
    /// Signs in to the LDS at `lds_url` and returns once the agent is in sync.
    pub async fn sign_in(lds_url: &str, email: &str, password: &str) -> HeadlessAgent {
        let data = tempfile::tempdir().expect("temp dir for the headless agent");
        let config = AgentConfig {
            lds_url: lds_url.to_string(),
            device: format!("headless-test-{email}"),
            profile: format!("headless-{email}"),
            data_dir: data.path().to_path_buf(),
            extra_root_pem: None,
        };
        let shell = Arc::new(RecordingShell::default());
        let handle =
            headsup_client::spawn_with(config, shell.clone(), Box::new(MemorySecret::default()));
        handle.intent(Intent::SubmitEmail {
            email: email.to_string(),
        });
        handle.intent(Intent::SubmitPassword {
            password: password.to_string(),
        });
        let agent = HeadlessAgent {
            handle,
            shell,
            _data: data,
        };
        agent
            .view_until(
                &format!("headless {email} to be signed in and synced"),
                |v| {
                    v.login == LoginView::SignedIn
                        && matches!(v.connection, ConnectionView::Synced { .. })
                },
            )
            .await;
        agent
    }

    pub fn intent(&self, intent: Intent) {
        self.handle.intent(intent);
    }

    pub fn view(&self) -> ViewState {
        self.handle.view()
    }

    /// Waits until the agent's view satisfies `pred`; returns that view.
    pub async fn view_until(&self, what: &str, pred: impl Fn(&ViewState) -> bool) -> ViewState {
        eventually(what, || async {
            let v = self.handle.view();
            pred(&v).then_some(v)
        })
        .await
    }

    /// The notifications this agent's core raised so far.
    pub fn notifications(&self) -> Vec<Notification> {
        self.shell.shown()
    }
}

//! "Never two notifications for the same request, across restarts" when the app dies mid-burst:
//! the driver runs on its own runtime, which is torn down without the driver's shutdown (like a
//! kill) while offers pour in. Whatever reached the screen must be listed in the saved file, or a
//! restarted agent would notify it again.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::support::secret_service;
use headsup_client::{spawn_with, AgentConfig, KeyringStore, SecretStore};
use headsup_core::SavedState;
use headsup_protocol::view::{ConnectionView, Intent, LoginView};
use headsup_testkit::lds::{TeamOfOne, PASSWORD};
use headsup_testkit::{eventually, RecordingShell};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_notification_shown_before_a_crash_is_in_the_saved_file() {
    secret_service::ensure();
    let lds = TeamOfOne::start().await;
    let data = tempfile::tempdir().unwrap();
    let profile = "crash-mid-burst";
    KeyringStore::new(profile).clear().unwrap();
    let shell = Arc::new(RecordingShell::default());

    // The agent's own runtime, so it can die alone.
    let agent_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let agent = {
        let _inside = agent_runtime.enter();
        spawn_with(
            AgentConfig {
                lds_url: lds.base_url(),
                device: "crash-laptop".into(),
                profile: profile.into(),
                data_dir: data.path().to_path_buf(),
                extra_root_pem: None,
            },
            shell.clone(),
            Box::new(KeyringStore::new(profile)),
        )
    };
    agent.intent(Intent::SubmitEmail {
        email: lds.email.clone(),
    });
    agent.intent(Intent::SubmitPassword {
        password: PASSWORD.into(),
    });
    eventually("signed in and synced", || async {
        let v = agent.view();
        (v.login == LoginView::SignedIn && matches!(v.connection, ConnectionView::Synced { .. }))
            .then_some(())
    })
    .await;

    // A burst; the agent dies while it is still arriving.
    for i in 0..60 {
        lds.call_now(&format!("Customer {i}")).await;
    }
    eventually("some of the burst shown", || async {
        (shell.shown().len() >= 20).then_some(())
    })
    .await;
    agent_runtime.shutdown_background();
    let shown: BTreeSet<_> = shell.shown().iter().filter_map(|n| n.request).collect();

    let text = std::fs::read_to_string(data.path().join("agent-state.json")).unwrap();
    let saved: SavedState = serde_json::from_str(&text).unwrap();
    let unlisted: Vec<_> = shown.difference(&saved.notified).collect();
    assert!(
        unlisted.is_empty(),
        "shown but not saved, so a restart would show them again: {unlisted:?}"
    );
}

//! The driver against the real LDS on loopback, with the token in a real Secret Service:
//! sign in, receive, accept, lose the connection, come back without loss or duplicates, and
//! restart signed in.

use std::sync::Arc;

use crate::support::relay::Relay;
use crate::support::secret_service;
use headsup_client::{spawn_with, AgentConfig, AgentHandle, KeyringStore, SecretStore};
use headsup_core::notification_id;
use headsup_protocol::view::{ConnectionView, Intent, LoginView, RowStatus};
use headsup_testkit::lds::{TeamOfOne, PASSWORD};
use headsup_testkit::{eventually, RecordingShell};

fn config(lds_url: String, profile: &str, data_dir: &std::path::Path) -> AgentConfig {
    AgentConfig {
        lds_url,
        device: "test-laptop".into(),
        profile: profile.into(),
        data_dir: data_dir.to_path_buf(),
        extra_root_pem: None,
    }
}

fn start(config: AgentConfig, shell: &Arc<RecordingShell>) -> AgentHandle {
    let store = Box::new(KeyringStore::new(&config.profile));
    spawn_with(config, shell.clone(), store)
}

async fn synced(agent: &AgentHandle) {
    eventually("signed in and synced", || async {
        let v = agent.view();
        (v.login == LoginView::SignedIn && matches!(v.connection, ConnectionView::Synced { .. }))
            .then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_receive_accept_cut_resume_and_restart() {
    secret_service::ensure();
    let lds = TeamOfOne::start().await;
    let relay = Relay::start(lds.addr()).await;
    let data = tempfile::tempdir().unwrap();
    let profile = "driver-e2e";
    KeyringStore::new(profile).clear().unwrap();
    let shell = Arc::new(RecordingShell::default());
    let agent = start(config(relay.url(), profile, data.path()), &shell);

    // Sign in: e-mail, NEXT, password, CONNECT.
    eventually("the e-mail step", || async {
        (agent.view().login == LoginView::Email).then_some(())
    })
    .await;
    agent.intent(Intent::SubmitEmail {
        email: lds.email.clone(),
    });
    agent.intent(Intent::SubmitPassword {
        password: PASSWORD.into(),
    });
    synced(&agent).await;
    let token = KeyringStore::new(profile)
        .load()
        .unwrap()
        .expect("token in the Secret Service");
    for entry in std::fs::read_dir(data.path()).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains(&token), "the token must never be on disk");
    }

    // A customer asks; the agent is told once and sees the row blinking.
    let first = lds.call_now("Carmen").await;
    let shown = eventually("a notification for Carmen", || async {
        shell
            .shown()
            .into_iter()
            .find(|n| n.request == Some(first.id))
    })
    .await;
    assert_eq!(shown.title, "New customer request");
    assert_eq!(shown.body, "Carmen is waiting for a call");
    // The view is rendered after the batch of outputs that raised the notification.
    let row = eventually("Carmen's row", || async {
        agent.view().queue.into_iter().find(|r| r.id == first.id)
    })
    .await;
    assert!(row.blinking && row.status == RowStatus::Now);

    // Accept: a session starts and the notification goes.
    agent.intent(Intent::Accept { request: first.id });
    eventually("the session", || async {
        agent.view().session.filter(|s| s.request == first.id)
    })
    .await;
    eventually("the notification withdrawn", || async {
        shell
            .withdrawn()
            .contains(&notification_id(first.id))
            .then_some(())
    })
    .await;
    assert!(agent.view().busy);

    // The network goes; a customer arrives meanwhile; the network comes back.
    relay.cut();
    eventually("offline", || async {
        matches!(agent.view().connection, ConnectionView::Offline { .. }).then_some(())
    })
    .await;
    let second = lds.call_now("Dario").await;
    relay.restore();
    synced(&agent).await;
    eventually("Dario in the queue", || async {
        agent.view().queue.into_iter().find(|r| r.id == second.id)
    })
    .await;
    eventually("a notification for Dario", || async {
        shell
            .shown()
            .into_iter()
            .find(|n| n.request == Some(second.id))
    })
    .await;
    assert_eq!(
        agent.view().session.map(|s| s.request),
        Some(first.id),
        "the session survived"
    );

    // Restart: signed in from the keyring, same queue, nothing notified twice.
    drop(agent);
    let shell2 = Arc::new(RecordingShell::default());
    let agent = start(config(relay.url(), profile, data.path()), &shell2);
    synced(&agent).await;
    eventually("Dario still in the queue", || async {
        agent.view().queue.into_iter().find(|r| r.id == second.id)
    })
    .await;

    // A third customer proves the restarted agent is live, and is the only thing it notifies.
    let third = lds.call_now("Elena").await;
    eventually("a notification for Elena", || async {
        shell2
            .shown()
            .into_iter()
            .find(|n| n.request == Some(third.id))
    })
    .await;
    let requests: Vec<_> = shell
        .shown()
        .iter()
        .chain(shell2.shown().iter())
        .filter(|n| n.urgency == 0)
        .filter_map(|n| n.request)
        .collect();
    assert_eq!(
        requests,
        vec![first.id, second.id, third.id],
        "one notification per request, across cut and restart"
    );

    // Logout removes the token from the Secret Service.
    agent.intent(Intent::Logout);
    eventually("signed out", || async {
        (agent.view().login == LoginView::Email).then_some(())
    })
    .await;
    eventually("token removed", || async {
        KeyringStore::new(profile)
            .load()
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_explained_and_nothing_is_stored() {
    secret_service::ensure();
    let lds = TeamOfOne::start().await;
    let data = tempfile::tempdir().unwrap();
    let profile = "driver-wrong-password";
    KeyringStore::new(profile).clear().unwrap();
    let shell = Arc::new(RecordingShell::default());
    let agent = start(config(lds.base_url(), profile, data.path()), &shell);
    agent.intent(Intent::SubmitEmail {
        email: lds.email.clone(),
    });
    agent.intent(Intent::SubmitPassword {
        password: "wrong".into(),
    });
    let error = eventually("the refusal", || async {
        match agent.view().login {
            LoginView::Password { error: Some(e), .. } => Some(e),
            _ => None,
        }
    })
    .await;
    assert_eq!(error, "Wrong e-mail or password.");
    assert_eq!(KeyringStore::new(profile).load().unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attend_next_refuse_while_busy_end_session_and_catch_up() {
    secret_service::ensure();
    let lds = TeamOfOne::start().await;
    let data = tempfile::tempdir().unwrap();
    let profile = "driver-attend-next";
    KeyringStore::new(profile).clear().unwrap();
    let shell = Arc::new(RecordingShell::default());
    let agent = start(config(lds.base_url(), profile, data.path()), &shell);
    agent.intent(Intent::SubmitEmail {
        email: lds.email.clone(),
    });
    agent.intent(Intent::SubmitPassword {
        password: PASSWORD.into(),
    });
    synced(&agent).await;

    let oldest = lds.call_now("Fausto").await;
    let newer = lds.call_now("Gema").await;
    eventually("both waiting", || async {
        (agent.view().queue.len() == 2).then_some(())
    })
    .await;
    let order: Vec<_> = agent.view().queue.iter().map(|r| r.id).collect();
    assert_eq!(order, vec![oldest.id, newer.id], "oldest first");

    // "Attend next customer" takes the oldest.
    agent.intent(Intent::AttendNext);
    let session = eventually("a session", || async { agent.view().session }).await;
    assert_eq!(session.request, oldest.id);

    // Busy: accepting another is refused here, with the reason, and never reaches the LDS.
    agent.intent(Intent::Accept { request: newer.id });
    let notice = eventually("the refusal", || async { agent.view().notice }).await;
    assert!(
        notice.text.starts_with("You are in a session with Fausto"),
        "{}",
        notice.text
    );
    assert!(agent
        .view()
        .queue
        .iter()
        .any(|r| r.id == newer.id && r.status == RowStatus::Now));

    // Free again: one catch-up notification for whoever waits.
    agent.intent(Intent::EndSession);
    let catch_up = eventually("the catch-up", || async {
        shell
            .shown()
            .into_iter()
            .find(|n| n.id == headsup_core::CATCH_UP_ID)
    })
    .await;
    assert!(
        catch_up.body.starts_with("1 customer waiting, oldest"),
        "{}",
        catch_up.body
    );
    assert!(!agent.view().busy);
}

/// A connection that goes silent without closing is found dead (no frame, ping or pong for
/// `DEAD_AFTER_SECS`) and replaced, with what happened meanwhile caught up. Takes half a minute
/// of real time: the dead-connection rule is about real time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_connection_is_replaced() {
    secret_service::ensure();
    let lds = TeamOfOne::start().await;
    let relay = Relay::start(lds.addr()).await;
    let data = tempfile::tempdir().unwrap();
    let profile = "driver-silent";
    KeyringStore::new(profile).clear().unwrap();
    let shell = Arc::new(RecordingShell::default());
    let agent = start(config(relay.url(), profile, data.path()), &shell);
    agent.intent(Intent::SubmitEmail {
        email: lds.email.clone(),
    });
    agent.intent(Intent::SubmitPassword {
        password: PASSWORD.into(),
    });
    synced(&agent).await;

    relay.freeze();
    let waiting = lds.call_now("Hugo").await;
    eventually("the silence noticed", || async {
        matches!(agent.view().connection, ConnectionView::Offline { .. }).then_some(())
    })
    .await;
    synced(&agent).await;
    eventually("Hugo, caught up", || async {
        shell
            .shown()
            .into_iter()
            .find(|n| n.request == Some(waiting.id))
    })
    .await;
}

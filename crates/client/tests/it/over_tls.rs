//! An LDS behind https: the driver signs in over https and takes offers over wss, trusting a
//! private CA named in its config; without that CA it refuses the server, and says why.

use std::sync::Arc;

use crate::support::secret_service;
use crate::support::tls_terminator::{TestPki, TlsTerminator};
use headsup_client::{spawn_with, AgentConfig, AgentHandle, KeyringStore, SecretStore};
use headsup_protocol::view::{ConnectionView, Intent, LoginView};
use headsup_testkit::lds::{TeamOfOne, PASSWORD};
use headsup_testkit::{eventually, RecordingShell};

/// The real LDS on loopback behind a TLS terminator whose certificate a private CA signed.
struct BehindTls {
    lds: TeamOfOne,
    pki: TestPki,
    terminator: TlsTerminator,
    data: tempfile::TempDir,
    shell: Arc<RecordingShell>,
}

impl BehindTls {
    async fn start() -> BehindTls {
        secret_service::ensure();
        let lds = TeamOfOne::start().await;
        let pki = TestPki::generate();
        let terminator = TlsTerminator::start(&pki, lds.addr()).await;
        BehindTls {
            lds,
            pki,
            terminator,
            data: tempfile::tempdir().unwrap(),
            shell: Arc::new(RecordingShell::default()),
        }
    }

    /// An agent for `profile` talking to the terminator; `token` is one kept from an earlier run.
    fn agent(
        &self,
        profile: &str,
        extra_root_pem: Option<std::path::PathBuf>,
        token: Option<&str>,
    ) -> AgentHandle {
        let config = AgentConfig {
            lds_url: self.terminator.url(),
            device: "tls-laptop".into(),
            profile: profile.into(),
            data_dir: self.data.path().to_path_buf(),
            extra_root_pem,
        };
        let store = KeyringStore::new(profile);
        store.clear().unwrap();
        if let Some(token) = token {
            store.store(token).unwrap();
        }
        spawn_with(config, self.shell.clone(), Box::new(store))
    }
}

fn sign_in(agent: &AgentHandle, email: &str) {
    agent.intent(Intent::SubmitEmail {
        email: email.to_string(),
    });
    agent.intent(Intent::SubmitPassword {
        password: PASSWORD.into(),
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signs_in_and_receives_an_offer_over_https_and_wss_with_a_private_ca() {
    let tls = BehindTls::start().await;
    let (lds, shell) = (&tls.lds, &tls.shell);
    let ca = tls.data.path().join("private-ca.pem");
    tls.pki.write_ca(&ca);
    let agent = tls.agent("tls-ok", Some(ca), None);

    sign_in(&agent, &lds.email);
    eventually("signed in and synced over wss", || async {
        let v = agent.view();
        (v.login == LoginView::SignedIn && matches!(v.connection, ConnectionView::Synced { .. }))
            .then_some(())
    })
    .await;
    assert!(
        KeyringStore::new("tls-ok").load().unwrap().is_some(),
        "the token from the https login was kept"
    );

    let offer = lds.call_now("Teresa").await;
    let shown = eventually("the offer's notification", || async {
        shell
            .shown()
            .into_iter()
            .find(|n| n.request == Some(offer.id))
    })
    .await;
    assert_eq!(shown.body, "Teresa is waiting for a call");
    eventually("the offer's row", || async {
        agent.view().queue.into_iter().find(|r| r.id == offer.id)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_refused_with_a_clear_reason() {
    let tls = BehindTls::start().await;
    // Public roots only: the private CA is not named.
    let agent = tls.agent("tls-untrusted", None, None);

    sign_in(&agent, &tls.lds.email);
    let error = eventually("the sign-in refused", || async {
        match agent.view().login {
            LoginView::Password { error, .. } => error,
            _ => None,
        }
    })
    .await;
    assert!(
        error.contains("certificate") && error.contains("UnknownIssuer"),
        "the agent is told the certificate is not trusted: {error}"
    );
    eprintln!("sign-in error shown: {error}");
    assert!(KeyringStore::new("tls-untrusted").load().unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_to_an_untrusted_server_goes_offline_and_retries_instead_of_hanging() {
    let tls = BehindTls::start().await;
    // Signed in before (a token is kept), so the driver goes straight to wss://.
    let agent = tls.agent("tls-untrusted-socket", None, Some("a-token-from-before"));
    eventually("offline with a retry planned", || async {
        match agent.view().connection {
            ConnectionView::Offline {
                retry_at: Some(_), ..
            } => Some(()),
            _ => None,
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_extra_root_file_is_the_reason_given() {
    let tls = BehindTls::start().await;
    let missing = tls.data.path().join("missing-ca.pem");
    let agent = tls.agent("tls-no-ca", Some(missing), None);

    sign_in(&agent, &tls.lds.email);
    let error = eventually("the sign-in refused", || async {
        match agent.view().login {
            LoginView::Password { error, .. } => error,
            _ => None,
        }
    })
    .await;
    assert!(error.contains("missing-ca.pem"), "{error}");
}

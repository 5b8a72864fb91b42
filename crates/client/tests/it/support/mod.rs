//! Real parts for driver tests: the LDS on loopback with a SQLite file, a TCP relay in front of
//! it that can cut every connection, a private D-Bus with gnome-keyring as the Secret Service,
//! and a shell that records what the driver asked of the platform.

#![allow(dead_code)] // Each test file uses a different part of it.

pub mod relay;
pub mod secret_service;
pub mod shell;
pub mod tls_terminator;

use std::time::Duration;

use headsup_protocol::lds::{NewRequest, NewRequestResponse};
use headsup_protocol::model::{Customer, Request, RequestKind};
use lds::store::accounts::{self, NewAgent};
use lds::{Server, ServerConfig};

/// A generous bound so a broken build fails instead of hanging (not a timing assertion).
pub const PATIENCE: Duration = Duration::from_secs(60);

pub const PASSWORD: &str = "correct horse";

pub struct Lds {
    pub server: Server,
    pub intake_key: String,
    pub email: String,
    _dir: tempfile::TempDir,
}

impl Lds {
    /// An LDS with one team and one agent (`ana@test.example`, password [`PASSWORD`]).
    pub async fn start() -> Lds {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("lds.db").display());
        let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), url);
        config.rates.login_per_account_per_min = 10_000;
        config.rates.login_per_address_per_min = 10_000;
        let server = Server::start(config).await.expect("LDS starts");
        let db = &server.state.store.db;
        let (_, intake_key) = accounts::add_team(db, "Sales", 600, 600).await.unwrap();
        let hash = lds::auth::hash_password(PASSWORD).unwrap();
        let email = "ana@test.example".to_string();
        accounts::add_agent(
            db,
            &NewAgent {
                email: &email,
                name: "Ana",
                team: "Sales",
                password_hash: &hash,
                time_zone: "Europe/Madrid",
            },
        )
        .await
        .unwrap();
        Lds {
            server,
            intake_key,
            email,
            _dir: dir,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// A customer asks for a call now, through the public intake endpoint.
    pub async fn call_now(&self, name: &str) -> Request {
        let body = NewRequest {
            kind: RequestKind::CallNow,
            customer: Customer {
                name: Some(name.into()),
                phone: Some("+34 600 000 000".into()),
            },
            due_at: None,
        };
        let resp = reqwest::Client::new()
            .post(format!("{}/api/v1/requests", self.base_url()))
            .bearer_auth(&self.intake_key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201, "intake accepts");
        resp.json::<NewRequestResponse>().await.unwrap().request
    }
}

/// Polls `check` until it holds, failing after [`PATIENCE`].
pub async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let give_up = tokio::time::Instant::now() + PATIENCE;
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < give_up,
            "gave up waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

//! The real `lds` binary on loopback with its own SQLite file.

use std::path::Path;

use anyhow::{bail, Result};
use chrono::{Duration, Utc};
use headsup_protocol::lds::{NewRequest, NewRequestResponse};
use headsup_protocol::model::{Customer, LegState, Request, RequestKind, Session};
use headsup_protocol::SessionId;
use headsup_testkit::lds::process::{self, LdsProcess};

pub struct Lds {
    _process: LdsProcess,
    pub base_url: String,
    pub database_url: String,
    _dir: tempfile::TempDir,
}

impl Lds {
    /// Starts `lds serve` (`HEADSUP_LDS_BIN`) on 127.0.0.1 with a port chosen by the OS and a
    /// fresh SQLite file.
    pub fn start() -> Result<Lds> {
        Lds::start_with(&[])
    }

    /// Like [`Lds::start`], with extra `lds serve` options (e.g. a higher intake rate limit for a
    /// benchmark that posts thousands of requests).
    pub fn start_with(serve_args: &[&str]) -> Result<Lds> {
        crate::required_env("HEADSUP_LDS_BIN");
        let dir = tempfile::tempdir()?;
        let database_url = format!("sqlite://{}", dir.path().join("lds.db").display());
        let process = LdsProcess::serve_with(&database_url, serve_args);
        Ok(Lds {
            base_url: process.base(),
            _process: process,
            database_url,
            _dir: dir,
        })
    }

    /// Runs `lds ARGS` on this server's database; a failing command fails the test.
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> String {
        process::cli(&self.database_url, args, stdin)
    }

    /// Creates a team and returns its intake key.
    pub fn add_team(&self, name: &str) -> String {
        self.cli(&["team", "add", "--name", name], None)
    }

    /// Creates a team whose requests wait `offer_timeout_secs` for an agent before they time
    /// out; returns its intake key.
    pub fn add_team_with_timeout(&self, name: &str, offer_timeout_secs: i64) -> String {
        let timeout = offer_timeout_secs.to_string();
        self.cli(
            &[
                "team",
                "add",
                "--name",
                name,
                "--offer-timeout-secs",
                &timeout,
            ],
            None,
        )
    }

    pub fn add_agent(&self, email: &str, name: &str, team: &str, password: &str) {
        self.cli(
            &[
                "agent",
                "add",
                "--email",
                email,
                "--name",
                name,
                "--team",
                team,
                "--password-stdin",
            ],
            Some(password),
        );
    }

    /// Posts a customer request as a website widget or telephony system would.
    pub async fn post_request(
        &self,
        intake_key: &str,
        body: &NewRequest,
    ) -> Result<NewRequestResponse> {
        let resp = reqwest::Client::new()
            .post(format!("{}/api/v1/requests", self.base_url))
            .bearer_auth(intake_key)
            .json(body)
            .send()
            .await?;
        let status = resp.status();
        if !status.is_success() {
            bail!("intake answered {status}: {}", resp.text().await?);
        }
        Ok(resp.json().await?)
    }

    /// Posts a request of `kind` from a customer called `name`; scheduled kinds fall due
    /// `due_in_secs` from now (keep it short: the test waits for it).
    pub async fn post(
        &self,
        intake_key: &str,
        kind: RequestKind,
        name: &str,
        due_in_secs: Option<i64>,
    ) -> Request {
        let body = NewRequest {
            kind,
            customer: Customer {
                name: Some(name.to_string()),
                phone: Some("+34 600 111 222".into()),
            },
            due_at: due_in_secs.map(|s| (Utc::now() + Duration::seconds(s)).fixed_offset()),
            queue: None,
        };
        self.post_request(intake_key, &body)
            .await
            .unwrap_or_else(|e| panic!("intake refused a {} request: {e:#}", kind.as_str()))
            .request
    }

    /// What the telephone network reports about one leg of a session (the simulated telephony
    /// rings until told): `leg` is `agent` or `customer`.
    pub async fn set_leg(
        &self,
        intake_key: &str,
        session: SessionId,
        leg: &str,
        state: LegState,
    ) -> Result<Session> {
        let resp = reqwest::Client::new()
            .post(format!(
                "{}/api/v1/sim/sessions/{session}/legs/{leg}",
                self.base_url
            ))
            .bearer_auth(intake_key)
            .json(&serde_json::json!({ "state": state }))
            .send()
            .await?;
        let status = resp.status();
        if !status.is_success() {
            bail!(
                "telephony simulator answered {status}: {}",
                resp.text().await?
            );
        }
        Ok(resp.json().await?)
    }

    pub fn database_path(&self) -> &Path {
        Path::new(self.database_url.trim_start_matches("sqlite://"))
    }
}

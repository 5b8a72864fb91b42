//! The real `lds` binary on loopback with its own SQLite file.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{bail, Context, Result};
use chrono::{Duration, Utc};
use headsup_protocol::lds::{NewRequest, NewRequestResponse};
use headsup_protocol::model::{Customer, LegState, Request, RequestKind, Session};
use headsup_protocol::SessionId;

pub struct Lds {
    child: Child,
    pub base_url: String,
    pub database_url: String,
    bin: PathBuf,
    _dir: tempfile::TempDir,
}

impl Lds {
    /// Starts `lds serve` on 127.0.0.1 with a port chosen by the OS and a fresh SQLite file.
    pub fn start() -> Result<Lds> {
        Lds::start_with(&[])
    }

    /// Like [`Lds::start`], with extra `lds serve` options (e.g. a higher intake rate limit for a
    /// benchmark that posts thousands of requests).
    pub fn start_with(serve_args: &[&str]) -> Result<Lds> {
        let bin = PathBuf::from(crate::required_env("HEADSUP_LDS_BIN"));
        let dir = tempfile::tempdir()?;
        let database_url = format!("sqlite://{}", dir.path().join("lds.db").display());
        let mut child = Command::new(&bin)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                &database_url,
            ])
            .args(serve_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let Some(line) = lines.next() else {
                bail!("lds exited before it said where it listens");
            };
            let line = line?;
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.trim().to_string();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Lds {
            child,
            base_url: format!("http://{addr}"),
            database_url,
            bin,
            _dir: dir,
        })
    }

    fn cli(&self, args: &[&str], stdin: Option<&str>) -> Result<String> {
        let mut child = Command::new(&self.bin)
            .args(args)
            .args(["--database-url", &self.database_url])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input.as_bytes())?;
        }
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!(
                "lds {:?} failed: {}",
                args,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8(out.stdout)?.trim().to_string())
    }

    /// Creates a team and returns its intake key.
    pub fn add_team(&self, name: &str) -> Result<String> {
        self.cli(&["team", "add", "--name", name], None)
    }

    /// Creates a team whose requests wait `offer_timeout_secs` for an agent before they time
    /// out; returns its intake key.
    pub fn add_team_with_timeout(&self, name: &str, offer_timeout_secs: i64) -> Result<String> {
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

    pub fn add_agent(&self, email: &str, name: &str, team: &str, password: &str) -> Result<()> {
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
        )?;
        Ok(())
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

impl Drop for Lds {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

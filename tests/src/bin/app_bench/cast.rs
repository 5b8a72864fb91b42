//! What every scenario starts from: a fresh LDS (intake rate limit raised, so the benchmark, not
//! the limit, sets the pace), one team whose offers wait an hour (no timeout withdraws a
//! notification mid-run), agent Ana, and a watch on the session bus started before any app.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Result};
use headsup_protocol::lds::{NewRequest, NewRequestResponse};
use headsup_protocol::model::{Customer, RequestKind};
use headsup_tests::app::App;
use headsup_tests::bus::NotifyWatch;
use headsup_tests::lds::Lds;
use headsup_tests::team::{ANA, PASSWORD};

/// Seconds an offer waits before it times out: longer than any scenario.
const OFFER_TIMEOUT_SECS: i64 = 3 * 3600;

pub struct Cast {
    pub lds: Lds,
    pub key: String,
    pub bus: NotifyWatch,
    http: reqwest::Client,
}

impl Cast {
    pub fn start() -> Result<Cast> {
        let lds = Lds::start_with(&["--intake-per-team-per-min", "1000000"])?;
        let key = lds.add_team_with_timeout("Bench", OFFER_TIMEOUT_SECS);
        lds.add_agent(ANA.email, ANA.name, "Bench", PASSWORD);
        let bus = NotifyWatch::start();
        Ok(Cast {
            lds,
            key,
            bus,
            http: reqwest::Client::new(),
        })
    }

    /// Starts the app on `data_dir` and signs Ana in through the form (the first run of an
    /// installation: the token lands in the keyring for the next start).
    pub async fn first_run(&self, profile: &str, data_dir: &Path) -> Result<App> {
        // Bubbles left by an earlier scenario would make the daemon slower to answer.
        headsup_tests::daemon::clear().await;
        let app = App::start_with_data(&self.lds.base_url, profile, data_dir.to_path_buf()).await?;
        app.sign_in(ANA.email, PASSWORD).await;
        app.wait_synced().await;
        Ok(app)
    }

    /// Posts a call-now request from customer `name`; returns when the intake answered, with the
    /// moment just before the request was sent.
    pub async fn post(&self, name: &str) -> Result<(SystemTime, NewRequestResponse)> {
        let body = NewRequest {
            kind: RequestKind::CallNow,
            customer: Customer {
                name: Some(name.to_string()),
                phone: Some("+34 600 111 222".into()),
            },
            due_at: None,
            queue: None,
        };
        let sent = SystemTime::now();
        let resp = self
            .http
            .post(format!("{}/api/v1/requests", self.lds.base_url))
            .bearer_auth(&self.key)
            .json(&body)
            .send()
            .await?;
        let status = resp.status();
        if !status.is_success() {
            bail!("intake answered {status}: {}", resp.text().await?);
        }
        Ok((sent, resp.json().await?))
    }

    /// The customer gives up: cancels request `id` through the LDS (intake key).
    pub async fn cancel(&self, id: headsup_protocol::RequestId) -> Result<()> {
        let resp = self
            .http
            .post(format!(
                "{}/api/v1/requests/{}/cancel",
                self.lds.base_url, id.0
            ))
            .bearer_auth(&self.key)
            .send()
            .await?;
        let status = resp.status();
        if !status.is_success() {
            bail!("cancel answered {status}: {}", resp.text().await?);
        }
        Ok(())
    }

    /// Posts `names` with at most `in_flight` requests outstanding (seeding, not a steady rate).
    pub async fn seed(&self, names: &[String], in_flight: usize) -> Result<Duration> {
        let started = Instant::now();
        for chunk in names.chunks(in_flight.max(1)) {
            let posts = chunk.iter().map(|n| self.post(n));
            for r in futures_util::future::join_all(posts).await {
                r?;
            }
        }
        Ok(started.elapsed())
    }
}

/// Polls `check` every `every` until it returns `Some` or `patience` has passed.
pub async fn poll<T, F, Fut>(patience: Duration, every: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + patience;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(every).await;
    }
}

/// How many request rows the webview has in the pending list: the UI's own count when it reports
/// one (it may render only the rows on screen), else the rows in the DOM.
pub async fn queue_rows(app: &App) -> usize {
    app.js(
        "const r = document.body.dataset.rows; return r !== undefined ? Number(r) : \
            document.querySelectorAll('#queue .request-row').length;",
    )
    .await
    .as_u64()
    .unwrap_or(0) as usize
}

/// Stops `app` and waits until its `headsup` process is gone. The app allows one instance per
/// profile over D-Bus: started while the old one is still on the bus, the new one finds it, fails
/// to hand over to it and exits. (Starting right after a kill races with that.)
pub async fn quit_and_wait_gone(app: App) {
    let pid = app.app_pid();
    app.quit().await;
    if let Some(pid) = pid {
        let gone = poll(
            Duration::from_secs(20),
            Duration::from_millis(50),
            || async {
                let alive = headsup_tests::procs::stat(pid).is_some_and(|s| !s.state_is_zombie());
                (!alive).then_some(())
            },
        )
        .await;
        if gone.is_none() {
            eprintln!("[bench] headsup {pid} still running 20 s after quit");
        }
    }
    // The bus daemon drops a dead client's names as it reads the closed socket: give it a beat.
    tokio::time::sleep(Duration::from_millis(300)).await;
}

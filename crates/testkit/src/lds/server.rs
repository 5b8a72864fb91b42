//! The LDS server in this process on a loopback port with a fresh SQLite file (or a fresh
//! PostgreSQL database when `LDS_TEST_POSTGRES_URL` is set), and the teams and agents a test
//! seeds in it.

use std::sync::OnceLock;
use std::time::Duration;

use headsup_protocol::lds::{NewRequest, NewRequestResponse};
use headsup_protocol::model::{AgentInfo, Customer, RequestKind};
use lds::admin::{self as accounts, NewAgent, Team};
use lds::{Server, ServerConfig};

use super::agent::AgentConn;

/// A database for one test: a SQLite file in a temp dir, or a new PostgreSQL database.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A database at a URL the test prepared (and cleans up) itself.
    pub fn at(url: String) -> TestDb {
        TestDb { url, _dir: None }
    }
}

pub async fn fresh_db() -> TestDb {
    if let Ok(admin) = std::env::var("LDS_TEST_POSTGRES_URL") {
        use sqlx::Connection;
        let name = format!("lds_test_{}", rand_suffix());
        let mut conn = sqlx::PgConnection::connect(&admin).await.expect("postgres");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let base = admin.rsplit_once('/').expect("url with a database").0;
        return TestDb {
            url: format!("{base}/{name}"),
            _dir: None,
        };
    }
    let dir = tempfile::tempdir().expect("tempdir");
    TestDb {
        url: format!("sqlite://{}", dir.path().join("lds.db").display()),
        _dir: Some(dir),
    }
}

fn rand_suffix() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().gen();
    format!("{n:x}")
}

pub struct TestServer {
    pub server: Server,
    pub db: TestDb,
    pub base: String,
    pub ws_url: String,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tune: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let db = fresh_db().await;
        Self::start_on(db, tune).await
    }

    pub async fn start_on(db: TestDb, tune: impl FnOnce(&mut ServerConfig)) -> TestServer {
        // The server's warnings and errors go to the test's output, so a failure shows its cause.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "lds=warn".into()),
            )
            .try_init();
        let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), db.url.clone());
        // Tests sign in many times; the limits have their own test.
        config.rates.login_per_account_per_min = 10_000;
        config.rates.login_per_address_per_min = 10_000;
        config.rates.intake_per_team_per_min = 1_000_000;
        tune(&mut config);
        let server = Server::start(config).await.expect("server starts");
        let base = format!("http://{}", server.addr);
        let ws_url = format!("ws://{}/api/v1/agent/ws", server.addr);
        TestServer {
            server,
            db,
            base,
            ws_url,
        }
    }

    /// Hooks into the server's memory and database (see `lds::testing`).
    pub fn store(&self) -> lds::testing::Probe {
        self.server.probe()
    }

    pub async fn team(&self, name: &str, offer_timeout_secs: i64) -> (Team, String) {
        accounts::add_team(self.server.db(), name, offer_timeout_secs, 600)
            .await
            .expect("team")
    }

    /// Adds an agent (password "pw") and signs it in without HTTP (argon2 is slow in
    /// debug builds; the login endpoint has its own tests).
    pub async fn agent(&self, team: &str, name: &str) -> (AgentInfo, String) {
        let email = format!("{}@test.example", name.to_lowercase());
        accounts::add_agent(
            self.server.db(),
            &NewAgent {
                email: &email,
                name,
                team,
                password_hash: shared_hash(),
                time_zone: "Europe/Madrid",
            },
        )
        .await
        .expect("agent");
        let (info, _) = accounts::agent_by_email(self.server.db(), &email)
            .await
            .unwrap()
            .unwrap();
        let (token, _) =
            accounts::issue_token(self.server.db(), info.id, chrono::Duration::hours(1))
                .await
                .unwrap();
        (info, token)
    }

    /// Adds an agent who signs in over HTTP with `password`, as a real device does; returns the
    /// agent's e-mail (`<name>@test.example`, lower case).
    pub async fn agent_with_password(&self, team: &str, name: &str, password: &str) -> String {
        let email = format!("{}@test.example", name.to_lowercase());
        let hash = lds::auth::hash_password(password).expect("hash");
        accounts::add_agent(
            self.server.db(),
            &NewAgent {
                email: &email,
                name,
                team,
                password_hash: &hash,
                time_zone: "Europe/Madrid",
            },
        )
        .await
        .expect("agent");
        email
    }

    pub async fn connect(&self, token: &str, last_seq: Option<u64>) -> AgentConn {
        AgentConn::connect(&self.ws_url, token, last_seq)
            .await
            .expect("agent connects")
    }

    pub async fn post(&self, key: &str, body: &serde_json::Value) -> reqwest::Response {
        http()
            .post(format!("{}/api/v1/requests", self.base))
            .bearer_auth(key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// `POST /api/v1/requests` with an `Idempotency-Key` header.
    pub async fn post_with_key(
        &self,
        key: &str,
        idempotency_key: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        post_intake(&self.base, key, Some(idempotency_key), body)
            .await
            .unwrap()
    }

    /// `POST /api/v1/requests/{id}/cancel` with this intake key.
    pub async fn cancel(&self, key: &str, id: impl std::fmt::Display) -> reqwest::Response {
        http()
            .post(format!("{}/api/v1/requests/{id}/cancel", self.base))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
    }

    pub async fn call_now(&self, key: &str, name: &str) -> headsup_protocol::model::Request {
        let body = NewRequest {
            kind: RequestKind::CallNow,
            customer: Customer {
                name: Some(name.into()),
                phone: Some("+34 600 000 000".into()),
            },
            due_at: None,
            queue: None,
        };
        let resp = self.post(key, &serde_json::to_value(&body).unwrap()).await;
        assert_eq!(resp.status(), 201, "intake accepts");
        resp.json::<NewRequestResponse>().await.unwrap().request
    }
}

/// `POST {base}/api/v1/requests` with the team's intake key and, if given, an `Idempotency-Key`.
pub async fn post_intake(
    base: &str,
    key: &str,
    idempotency_key: Option<&str>,
    body: &serde_json::Value,
) -> reqwest::Result<reqwest::Response> {
    let mut post = http()
        .post(format!("{base}/api/v1/requests"))
        .bearer_auth(key)
        .json(body);
    if let Some(k) = idempotency_key {
        post = post.header("idempotency-key", k);
    }
    post.send().await
}

/// One argon2id hash shared by every test agent (password "pw").
pub fn shared_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| lds::auth::hash_password("pw").unwrap())
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

//! Wires the parts together: database, hub, telephony, clock, cross-process fan-out, HTTP.

mod body_deadline;
pub mod connections;
pub mod fd_limit;

use std::net::SocketAddr;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

pub use connections::ConnectionLimits;

use crate::db::{Backend, Db};
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::rate_limit::{Limits, Rates};
use crate::store::{sessions, Store};
use crate::telephony::{LegReport, SimulatedTelephony, Telephony};

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub database_url: String,
    /// `Origin` values a browser-based client may connect from. Clients that send no `Origin`
    /// (native apps) are not affected.
    pub allowed_origins: Vec<String>,
    pub token_ttl: chrono::Duration,
    pub rates: Rates,
    /// Simulated telephony answers both legs after this delay; `None`: answered through the API.
    pub auto_answer: Option<Duration>,
    /// Events older than this are pruned; a client away longer gets a snapshot.
    pub event_retention: chrono::Duration,
    /// Open connections at most (`None`: derived from the open-file limit, see
    /// [`fd_limit::connection_cap`]).
    pub max_connections: Option<usize>,
    /// A connection that sends no request by then is closed.
    pub first_request_within: Duration,
    /// A request head not complete by then is closed (slowloris); a body must arrive within as
    /// long again after its head.
    pub header_read_timeout: Duration,
}

/// `first_request_within` and `header_read_timeout` unless set: a real client sends its request
/// head at once, in one or two packets.
pub const DEFAULT_CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);

impl ServerConfig {
    pub fn new(listen: SocketAddr, database_url: String) -> ServerConfig {
        ServerConfig {
            listen,
            database_url,
            allowed_origins: vec![
                "tauri://localhost".into(),
                "http://tauri.localhost".into(),
                "https://tauri.localhost".into(),
            ],
            token_ttl: chrono::Duration::hours(12),
            rates: Rates::default(),
            auto_answer: None,
            event_retention: chrono::Duration::days(2),
            max_connections: None,
            first_request_within: DEFAULT_CONNECTION_TIMEOUT,
            header_read_timeout: DEFAULT_CONNECTION_TIMEOUT,
        }
    }

    /// The connection limits in force: a set cap must fit in the open-file limit.
    pub fn connection_limits(&self) -> Result<ConnectionLimits> {
        let soft = fd_limit::soft_limit().context("reading the open-file limit")?;
        let allowed = fd_limit::connection_cap(soft);
        let max_connections = match self.max_connections {
            None => allowed,
            Some(0) => bail!("--max-connections must be at least 1"),
            Some(n) if n > allowed => bail!(
                "--max-connections {n} does not fit the open-file limit of {soft} descriptors \
                 ({allowed} after {} kept for the server itself); raise the limit (systemd: \
                 LimitNOFILE=) or lower --max-connections",
                fd_limit::RESERVED_DESCRIPTORS
            ),
            Some(n) => n,
        };
        if self.first_request_within.is_zero() || self.header_read_timeout.is_zero() {
            bail!("connection timeouts must be at least 1 second");
        }
        Ok(ConnectionLimits {
            max_connections,
            first_request_within: self.first_request_within,
            header_read_timeout: self.header_read_timeout,
        })
    }
}

/// What a handler knows of the TCP connection its request came on.
#[derive(Debug, Clone, Copy)]
pub struct PeerSocket {
    pub addr: SocketAddr,
    /// The socket itself, so that an agent WebSocket's events can be written straight into it
    /// (`ws::outlet`). Valid while the connection is.
    pub fd: RawFd,
}

/// The kernel's send buffer for each connection. Fixed rather than auto-tuned (which grows it to
/// megabytes): event frames are small, and a client that stops reading should cost a bounded
/// amount of memory before it falls back to the log (see `ws::outlet`), at 10,000 agents too.
pub const SOCKET_SEND_BUFFER_BYTES: usize = 64 * 1024;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub limits: Limits,
    pub telephony: Arc<dyn Telephony>,
    pub config: Arc<ServerConfig>,
}

pub struct Server {
    pub addr: SocketAddr,
    pub state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Binds, migrates, starts the background tasks and serves until dropped or the process ends.
    pub async fn start(config: ServerConfig) -> Result<Server> {
        let limits = config.connection_limits()?;
        let db = Db::connect(&config.database_url).await?;
        let store = Store::open(db, Hub::new(), Arc::new(Metrics::new())).await?;
        let (reports_tx, reports_rx) = mpsc::unbounded_channel();
        let telephony: Arc<dyn Telephony> =
            Arc::new(SimulatedTelephony::new(reports_tx, config.auto_answer));
        let state = AppState {
            store: store.clone(),
            limits: Limits::new(config.rates),
            telephony,
            config: Arc::new(config.clone()),
        };
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let addr = listener.local_addr()?;

        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(crate::clock::run(store.clone(), config.event_retention));
        tasks.spawn(apply_leg_reports(store.clone(), reports_rx));
        tasks.spawn(crate::store::indexer::run(store.clone()));
        tasks.spawn(crate::ws::token_watch::run(store.clone()));
        if store.db.backend == Backend::Postgres {
            tasks.spawn(crate::pg_fanout::listen(
                store.clone(),
                config.database_url.clone(),
            ));
        }
        let app = crate::http::router(state.clone());
        let metrics = store.metrics.clone();
        tracing::info!(
            max_connections = limits.max_connections,
            "accepting connections"
        );
        let task = tokio::spawn(async move {
            connections::serve(listener, app, limits, metrics).await;
            drop(tasks);
        });
        Ok(Server { addr, state, task })
    }

    /// Serves until the process is stopped.
    pub async fn wait(mut self) -> Result<()> {
        (&mut self.task).await?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn apply_leg_reports(store: Store, mut reports: mpsc::UnboundedReceiver<LegReport>) {
    while let Some(r) = reports.recv().await {
        if let Err(e) = sessions::leg_changed(&store, r.session, r.leg, r.state).await {
            tracing::debug!(session = %r.session, "leg report not applied: {e}");
        }
    }
}

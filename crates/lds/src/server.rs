//! Wires the parts together: database, hub, telephony, clock, cross-process fan-out, HTTP.

use std::net::SocketAddr;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

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
}

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
        }
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

impl Connected<IncomingStream<'_, AgentListener>> for PeerSocket {
    fn connect_info(stream: IncomingStream<'_, AgentListener>) -> PeerSocket {
        PeerSocket {
            addr: *stream.remote_addr(),
            fd: stream.io().as_raw_fd(),
        }
    }
}

/// The kernel's send buffer for each connection. Fixed rather than auto-tuned (which grows it to
/// megabytes): event frames are small, and a client that stops reading should cost a bounded
/// amount of memory before it falls back to the log (see `ws::outlet`), at 10,000 agents too.
pub const SOCKET_SEND_BUFFER_BYTES: usize = 64 * 1024;

/// The server's listener: sets up every connection as the agent WebSockets need it.
pub struct AgentListener(TcpListener);

impl Listener for AgentListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        let (stream, addr) = Listener::accept(&mut self.0).await;
        // No Nagle: an event frame must leave now, not after the previous one's ACK.
        let _ = stream.set_nodelay(true);
        let _ = socket2::SockRef::from(&stream).set_send_buffer_size(SOCKET_SEND_BUFFER_BYTES);
        (stream, addr)
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

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
        let task = tokio::spawn(async move {
            let served = axum::serve(
                AgentListener(listener),
                app.into_make_service_with_connect_info::<PeerSocket>(),
            )
            .await;
            if let Err(e) = served {
                tracing::error!("server stopped: {e}");
            }
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

//! Wires the layers together: the database and the domain's store, the fan-out (hub, the
//! PostgreSQL listener, the index writer), telephony, the timers and the HTTP/WebSocket edges.

mod body_deadline;
pub(crate) mod connections;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::app::AppState;
use crate::config::ServerConfig;
use crate::data::db::{Backend, Db};
use crate::domain::Store;
use crate::fanout::{hub::Hub, Fanout};
use crate::metrics::Metrics;
use crate::rate_limit::Limits;
use crate::telephony::{self, SimulatedTelephony, Telephony};

/// A running LDS: its HTTP API and agent WebSockets on [`Server::addr`], its background tasks.
pub struct Server {
    /// The address it listens on (the port chosen when the configuration said 0).
    pub addr: SocketAddr,
    state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Binds, migrates, starts the background tasks and serves until dropped or the process ends.
    pub async fn start(config: ServerConfig) -> Result<Server> {
        let limits = config.connection_limits()?;
        let db = Db::connect(&config.database_url).await?;
        let store = Store::open(db).await?;
        let metrics = Arc::new(Metrics::new());
        let fanout = Fanout::new(store.clone(), Hub::new(), metrics.clone());
        let (reports_tx, reports_rx) = mpsc::unbounded_channel();
        let telephony: Arc<dyn Telephony> =
            Arc::new(SimulatedTelephony::new(reports_tx, config.auto_answer));
        let state = AppState {
            store: store.clone(),
            fanout: fanout.clone(),
            metrics: metrics.clone(),
            limits: Limits::new(config.rates),
            telephony,
            config: Arc::new(config.clone()),
            chats: fanout.chats.clone(),
            channels: crate::channels::Channels::default(),
        };
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let addr = listener.local_addr()?;

        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(crate::timers::run(fanout.clone(), config.event_retention));
        tasks.spawn(crate::timers::dashboard::run(fanout.clone()));
        tasks.spawn(telephony::apply_reports(fanout.clone(), reports_rx));
        tasks.spawn(crate::fanout::index_writer::run(fanout.clone()));
        tasks.spawn(crate::ws::token_watch::run(fanout.clone()));
        if store.db.backend == Backend::Postgres {
            tasks.spawn(crate::fanout::pg_listen::listen(
                fanout.clone(),
                config.database_url.clone(),
            ));
        }
        let app = crate::http::router(state.clone())
            .merge(crate::chat::router(state.clone()))
            .merge(crate::http::attachments::router(state.clone()));
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

    /// The server's database (for seeding through [`crate::admin`]).
    pub fn db(&self) -> &Db {
        &self.state.store.db
    }

    /// Hooks into the server's memory for the integration tests ([`crate::testing`]).
    pub fn probe(&self) -> crate::testing::Probe {
        crate::testing::Probe::of(&self.state)
    }

    pub(crate) fn state(&self) -> &AppState {
        &self.state
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

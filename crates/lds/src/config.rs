//! The server's configuration ([`ServerConfig`]) and the connection limits derived from it.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::fd_limit;
use crate::rate_limit::Rates;

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
    /// [`crate::fd_limit::connection_cap`]).
    pub max_connections: Option<usize>,
    /// A connection that sends no request by then is closed.
    pub first_request_within: Duration,
    /// A request head not complete by then is closed (slowloris); a body must arrive within as
    /// long again after its head.
    pub header_read_timeout: Duration,
}

/// `first_request_within` and `header_read_timeout` unless set: a real client sends its request
/// head at once, in one or two packets.
pub(crate) const DEFAULT_CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);

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
    pub(crate) fn connection_limits(&self) -> Result<ConnectionLimits> {
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

/// How many connections the server holds and how long it waits for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConnectionLimits {
    /// Open TCP connections (HTTP and agent WebSockets alike); one more is answered
    /// `503 too_many_connections` and closed.
    pub(crate) max_connections: usize,
    /// A connection that has sent no byte of a request by then is closed.
    pub(crate) first_request_within: Duration,
    /// A request head (request line and headers) not complete by then is closed, as is a
    /// kept-alive connection that starts no next request by then; a request body must arrive
    /// within as long again after its head.
    pub(crate) header_read_timeout: Duration,
}

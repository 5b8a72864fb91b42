//! What every edge handler shares ([`AppState`]), and what it knows of its connection
//! ([`PeerSocket`]).

use std::net::SocketAddr;
use std::os::fd::RawFd;
use std::sync::Arc;

use crate::config::ServerConfig;
use crate::domain::Store;
use crate::fanout::Fanout;
use crate::metrics::Metrics;
use crate::rate_limit::Limits;
use crate::telephony::Telephony;

/// What a handler knows of the TCP connection its request came on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeerSocket {
    pub(crate) addr: SocketAddr,
    /// The socket itself, so that an agent WebSocket's events can be written straight into it
    /// (`fanout::outlet`). Valid while the connection is.
    pub(crate) fd: RawFd,
}

/// The kernel's send buffer for each connection. Fixed rather than auto-tuned (which grows it to
/// megabytes): event frames are small, and a client that stops reading should cost a bounded
/// amount of memory before it falls back to the log (see `fanout::outlet`), at 10,000 agents too.
pub(crate) const SOCKET_SEND_BUFFER_BYTES: usize = 64 * 1024;

/// Shared by every handler: the domain's store, the fan-out to publish what it returns, the
/// metrics, the intake limits, telephony and the configuration.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) store: Store,
    pub(crate) fanout: Fanout,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) limits: Limits,
    pub(crate) telephony: Arc<dyn Telephony>,
    pub(crate) config: Arc<ServerConfig>,
    /// Wakes customers' chat sockets (the fan-out's own, which it pokes for every event about a
    /// conversation).
    pub(crate) chats: crate::fanout::chat_hub::ChatHub,
    /// The messaging providers (`channels`).
    pub(crate) channels: crate::channels::Channels,
}

//! The Lead Distribution System (LDS): takes customer requests over HTTP, offers each to the
//! team's agents over a WebSocket, decides the one winner in the database and runs the session's
//! two call legs through a [`telephony::Telephony`].
//!
//! Where things are:
//! - [`db`]: the pool (SQLite or PostgreSQL) and its migrations.
//! - [`store`]: every read and write of domain state, each write one transaction that also
//!   appends the events it causes (so nothing is half-written and no event is lost).
//! - [`hub`]: hands committed events to the connections on this process; [`pg_fanout`] carries
//!   them between processes through PostgreSQL's LISTEN/NOTIFY.
//! - [`http`] and [`ws`]: the public surface (`docs/protocol.md`).
//! - [`clock`]: what happens because time passes (timeouts, scheduled calls coming due).
//! - [`server`]: wires it all together; [`demo`]: seeded data and traffic for `lds demo`;
//!   [`sim_client`]: `lds sim`, which drives a running server's simulated customers and calls.

pub mod auth;
pub mod clock;
pub mod contract;
pub mod customer_input;
pub mod db;
pub mod demo;
pub mod error;
pub mod http;
pub mod hub;
pub mod metrics;
pub mod pg_fanout;
pub mod rate_limit;
pub mod server;
pub mod sim_client;
pub mod store;
pub mod telephony;
pub mod time;
pub mod ws;

pub use server::{Server, ServerConfig};

//! The LDS for tests: in this process ([`TestServer`]), or as the real binary in a child process
//! ([`process`]) where a test needs what only a separate process gives (kill -9, two servers, the
//! CLI); and an agent's device speaking the protocol over a real WebSocket ([`AgentConn`]).

pub mod agent;
pub mod customer;
pub mod process;
mod server;
mod team_of_one;

pub use agent::AgentConn;
pub use customer::CustomerConn;
pub use server::{fresh_db, http, post_intake, shared_hash, TestDb, TestServer};
pub use team_of_one::{TeamOfOne, PASSWORD};

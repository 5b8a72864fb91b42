//! The test kit: the real parts every crate's integration tests and the end-to-end suite start,
//! in one place.
//!
//! - [`lds`]: the LDS in this process on loopback with a fresh database, or as the real binary in
//!   a child process; the teams and agents a test seeds; an agent's device on a real WebSocket.
//! - [`RecordingShell`]: the client's `Shell`, recording what the driver asked of the platform.
//! - [`MemorySecret`]: the client's `SecretStore` in memory.
//! - [`eventually`]: the one way a test waits for something asynchronous.

pub mod eventually;
pub mod lds;
mod secret;
mod shell;

pub use eventually::{eventually, within_patience, PATIENCE};
pub use secret::MemorySecret;
pub use shell::RecordingShell;

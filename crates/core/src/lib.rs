//! The agent core: every rule of the agent's side, as a sans-IO state machine.
//!
//! In the style of str0m and quinn-proto: the driver feeds [`Input`]s with the current time to
//! [`Core::handle`], performs every [`Output`] from [`Core::poll`], renders [`Core::view`] and
//! sleeps until [`Core::poll_timeout`]. The core never reads a clock, a socket or a file, so
//! every rule can be tested with virtual time.
//!
//! ```text
//! loop {
//!     while let Some(out) = core.poll() { perform(out) }
//!     select! { frame/intent/timer => core.handle(input, Utc::now()) }
//! }
//! ```

mod alerts;
pub mod copy;
mod input;
mod link;
mod machine;
pub mod notification;
mod output;
pub mod plain_text;
mod queue;
mod saved;
mod view;

pub use alerts::{notification_id, CATCH_UP_ID};
pub use input::{Input, LoginFailure};
pub use machine::Core;
pub use notification::{Notification, NotificationId};
pub use output::{KeepAlive, Output};
pub use queue::LINGER;
pub use saved::{SavedState, NOTIFIED_MEMORY};

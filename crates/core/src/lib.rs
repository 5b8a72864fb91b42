//! The agent core. (Interface stub: being filled in; see crates/core in ARCHITECTURE.md.)

pub mod notification;
pub use notification::{Notification, NotificationId};

//! The desks: one sub-machine per thing the agent works on (the requests desk and the queues
//! dashboard, the contacts desk; next chats and call cases). Each desk owns its state and the deadlines
//! at which that state changes by itself, in the shape every sub-machine of the core has:
//!
//! - `handle_timeout(now)`: the time came; change what is due and say what the core must do;
//! - `poll_timeout()`: the desk's next deadline, `None` when nothing changes by itself.
//!
//! A new desk plugs in with a file here, a field in [`super::Core`], one line in
//! `Core::on_timeout` (its `handle_timeout`) and one in `Core::poll_timeout` (its
//! `poll_timeout`); its frames and intents are handled in `machine/frames.rs` and
//! `machine/intents.rs` like the requests desk's.

pub(super) mod chats;
pub(super) mod contacts;
pub(super) mod dashboard;
pub(super) mod requests;

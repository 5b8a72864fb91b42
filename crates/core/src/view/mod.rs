//! The view side of the core: the parts of [`headsup_protocol::view::ViewState`] that are not a
//! desk's rows (`frame.rs`, and `nav.rs` for the desks and their badges), what the shell must do
//! because of the state (`shell.rs`), and the stream that sends the view as patches
//! (`stream.rs`). Each desk's rows are built by its own module (the requests desk: `queue.rs`).

pub mod frame;
pub mod nav;
pub mod shell;
pub mod stream;

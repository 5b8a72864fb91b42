//! The core's integration tests: one module per concern, all in one test binary (one link).
//! `support` drives the core with virtual time, as quinn-proto's tests do.

mod chat_accept;
mod chat_filters;
mod chat_templates;
mod chats;
mod connection;
mod contacts;
mod dashboard;
mod desks;
mod interleavings;
mod no_io_deps;
mod notifications;
mod queue_view;
mod resume_replay;
mod sign_in;
mod status;
mod support;
mod transfer;
mod view_stream;

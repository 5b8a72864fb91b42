//! The LDS's integration tests: one module per concern, all in one test binary, so a change
//! links one binary instead of one per file. nextest still runs each test in its own process.

mod bad_input;
mod cancel;
mod chats;
mod claim_race;
mod cli_refusals;
mod contacts;
mod contract;
mod crash;
mod customer_input;
mod dashboard;
mod distribution;
mod error_order;
mod event_log;
mod full_disk;
mod http_edges;
mod idempotency;
mod idle_connections;
mod login_limits;
mod longest_idle;
mod masking;
mod migration;
mod queues;
mod resume;
mod signed_in;
mod sim_cli;
mod slow_reader;
mod sqlite_write_lock;
mod status;
mod token_watch;
mod trace_log;
mod transfer;
mod transfer_race;
mod two_processes;
mod wrap_up;
mod ws_close_codes;

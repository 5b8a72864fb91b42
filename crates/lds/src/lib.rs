//! The Lead Distribution System (LDS): takes customer requests over HTTP, offers each to the
//! team's agents over a WebSocket, decides the one winner in the database and runs the session's
//! two call legs through telephony.
//!
//! The crate is layered; a module imports only from its own layer's helpers and the layers
//! below it (no import cycles):
//!
//! 1. **Foundation** (imports nothing of the crate): [`error`](crate::error) (the error every
//!    layer returns), [`time`], [`auth`] (secrets, digests, password hashes), `metrics`,
//!    `fd_limit`.
//! 2. **Data** — `data/`: every SQL statement, as functions on a connection or transaction.
//!    No commits, no rules, no publishing. `data::db` ([`db`]) is the pool and its
//!    transactions.
//! 3. **Domain** — `domain/`: one module per domain (`requests`, `sessions`, `accounts`, the
//!    agents' event `log`). Each transaction opens and commits through the data layer and
//!    returns what to publish (`domain::Published`); it never publishes. [`customer_input`]
//!    holds the domain's rules for customer text. Imports the data layer only.
//! 4. **Edges** — call the domain and publish what it returns: `fanout/` (numbering, the hub
//!    that writes into the sockets, the sockets' outlets, the PostgreSQL listener, the index
//!    writer), `http/`, `ws/`, `timers/` (offer timeouts, due calls, pruning), `telephony`,
//!    [`channels`] (messaging providers: the `Channel` trait and the fake WhatsApp);
//!    `app` is the state they share, `config` ([`ServerConfig`]) their settings, `rate_limit`
//!    the in-memory intake limit. [`contract`] renders the published contract.
//! 5. **Wiring and tools**: [`Server`] (`server`), [`demo`], [`sim_client`] (`lds sim`), and
//!    the public entry points for the command line, tests and load generator: [`admin`] (teams,
//!    agents, tokens) and [`testing`] (hooks into a running server's memory).

#![warn(unreachable_pub)]

mod app;
mod attachment_input;
pub mod auth;
pub mod channels;
mod chat;
mod chat_input;
mod config;
mod contact_input;
pub mod contract;
pub mod customer_input;
mod data;
pub mod demo;
mod demo_whatsapp;
mod domain;
mod error;
mod fanout;
pub mod fd_limit;
mod http;
pub mod masking;
mod metrics;
pub mod rate_limit;
mod server;
pub mod sim_client;
mod tag_input;
mod telephony;
pub mod testing;
pub mod time;
mod timers;
mod ws;

pub use config::ServerConfig;
pub use data::db;
pub use server::Server;

/// The call cases' handling rule, pure (what a handling code does after a call), for the tests'
/// table of cases.
pub mod call_case_rules {
    pub use crate::domain::call_cases::retry::{after_call, Limits, Next};
}

/// Teams, agents and session tokens, written straight to a database: what `lds team add` and
/// `lds agent add` do, and how tests, the load generator and the client's tests seed one.
pub mod admin {
    pub use crate::domain::accounts::{
        add_agent, add_signed_in_agents, add_team, agent_by_email, issue_token, list_agents,
        revoke_token, team_by_name, NewAgent, Team, DEFAULT_CALLBACK_DELAY_SECS,
        DEFAULT_OFFER_TIMEOUT_SECS,
    };
    /// Call lists, who may work them, where missed calls land, CSV import (`lds cases …`).
    pub use crate::domain::call_cases::admin as call_cases;
    /// Contact lists, who may see them, the team's phone country (`lds list …`).
    pub use crate::domain::contacts::admin as contacts;
    /// Queues, memberships and not-ready reasons (`lds queue …`, `lds reason …`).
    pub use crate::domain::queues::admin as queues;
}

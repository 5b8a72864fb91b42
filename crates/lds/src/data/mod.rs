//! The data layer: every SQL statement of the LDS, and nothing else.
//!
//! Each function here runs queries on a connection or a transaction it is given (`&mut
//! AnyConnection`, which a `WriteTx`'s transaction derefs to) and returns rows as domain values.
//! Nothing here begins or commits a transaction (except [`db`], which opens them for the layer
//! above), decides a rule, publishes an event or counts a metric: that is the domain's and the
//! edges' work. This layer imports nothing above it.

pub(crate) mod accounts;
pub(crate) mod attachments;
pub(crate) mod call_cases;
pub(crate) mod call_lists;
pub(crate) mod channels;
pub(crate) mod contact_lists;
pub(crate) mod contact_search;
pub(crate) mod contacts;
pub(crate) mod conversation_tags;
pub(crate) mod conversations;
pub(crate) mod dashboard;
pub mod db;
pub(crate) mod events;
pub(crate) mod idempotency;
pub(crate) mod journey;
pub(crate) mod log_index;
pub(crate) mod masking;
pub(crate) mod messages;
pub(crate) mod notify;
pub(crate) mod queues;
pub(crate) mod rate_limits;
pub(crate) mod requests;
pub(crate) mod rows;
pub(crate) mod sessions;
pub(crate) mod snapshot;
pub(crate) mod status;
pub(crate) mod transfers;

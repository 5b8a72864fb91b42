//! The non-secret state that survives a restart. The driver writes it as JSON in the data folder
//! whenever the core says [`crate::Output::SaveState`].

use std::collections::BTreeSet;

use headsup_protocol::view::Settings;
use headsup_protocol::RequestId;
use serde::{Deserialize, Serialize};

/// How many notified request ids to remember. Ids grow, so the oldest are dropped first; a
/// request that old is long closed.
pub const NOTIFIED_MEMORY: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SavedState {
    #[serde(default)]
    pub settings: Settings,
    /// The last e-mail signed in with, so an expired token sends the agent to the password step.
    #[serde(default)]
    pub email: Option<String>,
    /// The last event sequence processed, saved together with `notified` (they change
    /// together). A restarted core has no queue in memory, so it asks for a snapshot rather than
    /// resuming; `notified` is what keeps that snapshot from notifying anything twice.
    #[serde(default)]
    pub last_seq: Option<u64>,
    /// Requests already notified (one notification per request, ever).
    #[serde(default)]
    pub notified: BTreeSet<RequestId>,
}

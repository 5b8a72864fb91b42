//! Merging two contacts of the agent's lists into one.

use chrono::Utc;
use headsup_protocol::contacts::Contact;
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{ContactId, ErrorCode};

use super::{load_for, visible};
use crate::data::contacts as rows;
use crate::domain::Store;
use crate::error::{LdsError, LdsResult};

/// Merges `merge` into `keep`: everything of `merge` — phones, e-mails, tags, fields `keep` has
/// not set, requests, sessions, transfers, "my contacts" marks — ends up on `keep`, and `merge`'s
/// id answers `keep` from now on. One transaction: a concurrent edit of either is refused
/// (`stale_version`) or refuses this merge, never half-applied.
pub(crate) async fn merge(
    store: &Store,
    agent: &AgentInfo,
    keep: ContactId,
    merge: ContactId,
) -> LdsResult<Contact> {
    let now = Utc::now();
    let mut w = store.db.begin_write().await?;
    let (into, _) = visible(&mut w.tx, agent, keep).await?;
    let (from, _) = visible(&mut w.tx, agent, merge).await?;
    if into.id == from.id {
        return Err(LdsError::new(
            ErrorCode::BadRequest,
            "a contact cannot be merged into itself",
        ));
    }
    if !rows::merge(&mut w.tx, &into, &from, now).await? {
        return Err(LdsError::new(
            ErrorCode::StaleVersion,
            "one of the contacts changed meanwhile: read them again",
        ));
    }
    rows::touched_by(&mut w.tx, agent.id, into.id).await?;
    let contact = load_for(&mut w.tx, agent, into.id).await?;
    w.commit().await?;
    Ok(contact)
}

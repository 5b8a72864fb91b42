//! A conversation's tags (issue 16): free labels any agent who has had the conversation may
//! set, shared by all of them, and what the interactions list's filters offer.

use headsup_protocol::chat::ConversationFilters;
use headsup_protocol::model::AgentInfo;
use headsup_protocol::ConversationId;

use super::agent::theirs;
use super::tell;
use crate::data::conversation_tags;
use crate::data::events::Outbox;
use crate::domain::{Published, Store};
use crate::error::LdsResult;
use crate::tag_input;

/// Replaces the conversation's tags (checked: `invalid_tag`; `not_found` for a conversation the
/// agent never had). Every agent who has it hears the conversation again, on all their devices;
/// the same tags again publish nothing.
pub(crate) async fn set(
    store: &Store,
    agent: &AgentInfo,
    id: ConversationId,
    raw: &[String],
) -> LdsResult<Published> {
    let tags = tag_input::tags(raw)?;
    let now = store.clock.now();
    let mut w = store.db.begin_write().await?;
    let stored = theirs(&mut w.tx, agent, id).await?;
    if !conversation_tags::set(&mut w.tx, id, &tags).await? {
        return Ok(Published::nothing());
    }
    let agents = conversation_tags::agents_of(&mut w.tx, id).await?;
    let mut outbox = Outbox::default();
    tell(&mut w.tx, &mut outbox, &stored, &agents, now).await?;
    Ok(store.commit(w, outbox).await?)
}

/// The channel accounts and tags of the agent's conversations.
pub(crate) async fn filters(store: &Store, agent: &AgentInfo) -> LdsResult<ConversationFilters> {
    let mut conn = store.db.pool.acquire().await?;
    Ok(ConversationFilters {
        accounts: conversation_tags::accounts(&mut conn, agent.id).await?,
        tags: conversation_tags::in_use(&mut conn, agent.id).await?,
    })
}

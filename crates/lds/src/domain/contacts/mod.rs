//! Contacts: the customer records of a team in lists, who may see them, and their edits. Every
//! function takes the asking agent and answers `not_found` for a contact or list they may not
//! see — exactly as for one that does not exist, so ids cannot be probed.
//!
//! Contacts are read on demand (replies), not pushed as events: a colleague's edit reaches
//! another agent's card when it is read again, and an edit made on what they read before is
//! refused (`stale_version`), never silently overwritten.

pub mod admin;
pub(crate) mod intake;
pub(crate) mod journey;
pub(crate) mod merge;
pub(crate) mod search;

use chrono::Utc;
use headsup_protocol::contacts::{Contact, ContactDraft, ContactList};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{ContactId, ContactListId, ErrorCode};
use sqlx::AnyConnection;

use crate::contact_input;
use crate::data::contacts::{self as rows, Stored};
use crate::domain::{masking, Store};
use crate::error::{LdsError, LdsResult};
use crate::masking::Level;

fn not_found() -> LdsError {
    LdsError::new(ErrorCode::NotFound, "no such contact in your lists")
}

fn no_list() -> LdsError {
    LdsError::new(ErrorCode::NotFound, "no such list among yours")
}

/// The lists this agent may see, with their custom fields.
pub(crate) async fn lists(store: &Store, agent: &AgentInfo) -> LdsResult<Vec<ContactList>> {
    let mut conn = store.db.pool.acquire().await?;
    Ok(rows::visible_lists(&mut conn, agent.id).await?)
}

/// One of the agent's lists, or `not_found`.
async fn visible_list(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    list: ContactListId,
) -> LdsResult<ContactList> {
    rows::visible_lists(conn, agent.id)
        .await?
        .into_iter()
        .find(|l| l.id == list)
        .ok_or_else(no_list)
}

/// The contact an id answers (through merges), if the agent may see it; else `not_found`.
pub(crate) async fn visible(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    id: ContactId,
) -> LdsResult<(Stored, ContactList)> {
    let stored = rows::resolve(conn, id).await?.ok_or_else(not_found)?;
    if stored.team != agent.team {
        return Err(not_found());
    }
    let list = visible_list(conn, agent, stored.list)
        .await
        .map_err(|_| not_found())?;
    Ok((stored, list))
}

async fn load_one(conn: &mut AnyConnection, id: ContactId) -> LdsResult<Contact> {
    rows::load(conn, &[id])
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("contact {id} vanished").into())
}

/// The contact as `agent` may read it: masked by their rule.
async fn load_for(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    id: ContactId,
) -> LdsResult<Contact> {
    let mut contact = load_one(conn, id).await?;
    masking::contacts(conn, agent.id, std::slice::from_mut(&mut contact)).await?;
    Ok(contact)
}

pub(crate) async fn get(store: &Store, agent: &AgentInfo, id: ContactId) -> LdsResult<Contact> {
    let mut conn = store.db.pool.acquire().await?;
    let (stored, _) = visible(&mut conn, agent, id).await?;
    load_for(&mut conn, agent, stored.id).await
}

pub(crate) async fn add(
    store: &Store,
    agent: &AgentInfo,
    list: ContactListId,
    draft: ContactDraft,
) -> LdsResult<Contact> {
    let now = Utc::now();
    let mut w = store.db.begin_write().await?;
    let list = visible_list(&mut w.tx, agent, list).await?;
    let region = rows::team_region(&mut w.tx, agent.team).await?;
    let clean = contact_input::draft(draft, region.as_deref(), &list.fields)?;
    let id = rows::insert(&mut w.tx, agent.team, list.id, &clean, Some(agent.id), now).await?;
    rows::touched_by(&mut w.tx, agent.id, id).await?;
    let contact = load_for(&mut w.tx, agent, id).await?;
    w.commit().await?;
    Ok(contact)
}

/// Replaces the contact's values if it is still at `version`; `stale_version` otherwise.
pub(crate) async fn edit(
    store: &Store,
    agent: &AgentInfo,
    id: ContactId,
    version: i64,
    draft: ContactDraft,
) -> LdsResult<Contact> {
    let now = Utc::now();
    let mut w = store.db.begin_write().await?;
    let (stored, list) = visible(&mut w.tx, agent, id).await?;
    // An edit of a merged id was made on what is now another contact's card.
    if stored.id != id || stored.version != version {
        return Err(stale());
    }
    let draft = keep_hidden_parts(&mut w.tx, agent, stored.id, draft).await?;
    let region = rows::team_region(&mut w.tx, agent.team).await?;
    let clean = contact_input::draft(draft, region.as_deref(), &list.fields)?;
    if !rows::replace(&mut w.tx, stored.id, version, &clean, now).await? {
        return Err(stale());
    }
    rows::touched_by(&mut w.tx, agent.id, stored.id).await?;
    let contact = load_for(&mut w.tx, agent, stored.id).await?;
    w.commit().await?;
    Ok(contact)
}

/// What the agent may not read they may not change either: a hidden part of the draft is
/// replaced by the stored value, whatever the client sent (it holds dots at best).
async fn keep_hidden_parts(
    conn: &mut AnyConnection,
    agent: &AgentInfo,
    id: ContactId,
    mut draft: ContactDraft,
) -> LdsResult<ContactDraft> {
    let rule = masking::for_agent(conn, agent.id).await?;
    if !rule.hides_anything() {
        return Ok(draft);
    }
    let stored = load_one(conn, id).await?;
    if rule.name != Level::None {
        draft.first_name = stored.first_name;
        draft.last_name = stored.last_name;
        draft.company = stored.company;
    }
    if rule.phone != Level::None {
        draft.phones = stored.phones;
    }
    if rule.email != Level::None {
        draft.emails = stored.emails;
    }
    Ok(draft)
}

fn stale() -> LdsError {
    LdsError::new(
        ErrorCode::StaleVersion,
        "a colleague changed this contact since you read it: read it again and redo your edit",
    )
}

/// Copies a contact into another of the agent's lists (fields the target list does not define
/// are left behind).
pub(crate) async fn duplicate(
    store: &Store,
    agent: &AgentInfo,
    id: ContactId,
    list: ContactListId,
) -> LdsResult<Contact> {
    let now = Utc::now();
    let mut w = store.db.begin_write().await?;
    let (stored, _) = visible(&mut w.tx, agent, id).await?;
    let target = visible_list(&mut w.tx, agent, list).await?;
    let source = load_one(&mut w.tx, stored.id).await?;
    let mut fields = source.fields;
    fields.retain(|key, _| target.fields.iter().any(|f| &f.key == key));
    let draft = ContactDraft {
        first_name: source.first_name,
        last_name: source.last_name,
        company: source.company,
        phones: source.phones,
        emails: source.emails,
        tags: source.tags,
        fields,
    };
    let region = rows::team_region(&mut w.tx, agent.team).await?;
    let clean = contact_input::draft(draft, region.as_deref(), &target.fields)?;
    let copy = rows::insert(
        &mut w.tx,
        agent.team,
        target.id,
        &clean,
        Some(agent.id),
        now,
    )
    .await?;
    rows::touched_by(&mut w.tx, agent.id, copy).await?;
    let contact = load_for(&mut w.tx, agent, copy).await?;
    w.commit().await?;
    Ok(contact)
}

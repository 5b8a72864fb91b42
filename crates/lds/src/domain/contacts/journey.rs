//! A contact's journey, for an agent who may see the contact.

use headsup_protocol::contacts::JourneyEntry;
use headsup_protocol::model::AgentInfo;
use headsup_protocol::ContactId;

use super::visible;
use crate::data::journey as rows;
use crate::domain::Store;
use crate::error::LdsResult;

pub(crate) async fn journey(
    store: &Store,
    agent: &AgentInfo,
    id: ContactId,
) -> LdsResult<Vec<JourneyEntry>> {
    let mut conn = store.db.pool.acquire().await?;
    let (stored, _) = visible(&mut conn, agent, id).await?;
    Ok(rows::journey(&mut conn, stored.id).await?)
}

//! A new request's contact: the customer's contact in the list the queue keeps contacts in
//! (found by phone), or one made for them there. Runs inside the transaction that stores the
//! request, so a request and its contact exist together or not at all.

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::contacts::ContactRef;
use headsup_protocol::model::Customer;
use headsup_protocol::TeamId;
use sqlx::AnyConnection;

use crate::contact_input::{phone_key, CleanDraft};
use crate::data::contacts as rows;

/// The contact of a customer asking in queue `queue` of `team`, or `None` when the queue keeps no
/// contacts (or the customer gave neither name nor phone).
pub(crate) async fn link(
    conn: &mut AnyConnection,
    team: TeamId,
    queue: i64,
    customer: &Customer,
    now: DateTime<Utc>,
) -> Result<Option<ContactRef>> {
    let Some(list) = rows::queue_list(conn, queue).await? else {
        return Ok(None);
    };
    let region = rows::team_region(conn, team).await?;
    let phone = customer
        .phone
        .as_deref()
        .map(|p| phone_key(p, region.as_deref()));
    if let Some(phone) = &phone {
        if let Some(id) = rows::by_phone(conn, list, phone).await? {
            let name = rows::load(conn, &[id])
                .await?
                .pop()
                .map(|c| c.display_name())
                .unwrap_or_default();
            return Ok(Some(ContactRef { id, name }));
        }
    }
    if customer.name.is_none() && phone.is_none() {
        return Ok(None);
    }
    // The name as the customer typed it, split at its last space: "María José García" gives
    // first name "María José", last name "García". Agents correct it on the card.
    let name = customer.name.clone().unwrap_or_default();
    let (first_name, last_name) = match name.rsplit_once(' ') {
        Some((first, last)) => (first.to_string(), last.to_string()),
        None => (name.clone(), String::new()),
    };
    let draft = CleanDraft {
        first_name,
        last_name,
        phones: phone.into_iter().collect(),
        ..CleanDraft::default()
    };
    let id = rows::insert(conn, team, list, &draft, None, now).await?;
    let name = if name.is_empty() {
        draft.phones.first().cloned().unwrap_or_default()
    } else {
        name
    };
    Ok(Some(ContactRef { id, name }))
}

//! Scheduled calls coming due: they become pending and are offered, to the agent who booked
//! the call or to the team. Conditional updates (`WHERE state = 'scheduled'`), so several
//! processes may run this and each call is offered once.

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::model::RequestState;

use super::offers;
use crate::data::events::Outbox;
use crate::data::requests as rows;
use crate::domain::{Published, Store};
use crate::time::{from_millis, to_millis};

/// Offers up to `batch` due calls in one transaction; returns how many it offered.
pub(crate) async fn offer_due(
    store: &Store,
    now: DateTime<Utc>,
    batch: i64,
) -> anyhow::Result<(usize, Published)> {
    let mut w = store.db.begin_write().await?;
    let mut outbox = Outbox::default();
    let mut done = 0;
    for (mut request, timeout_secs) in rows::due(&mut w.tx, now, batch).await? {
        let expires = now + Duration::seconds(timeout_secs);
        if !rows::make_pending(&mut w.tx, request.id, expires).await? {
            continue;
        }
        done += 1;
        request.state = RequestState::Pending;
        request.expires_at = Some(from_millis(to_millis(expires)));
        offers::offer(&mut w.tx, &mut outbox, &request, None, now).await?;
    }
    Ok((done, store.commit(w, outbox).await?))
}

//! Longest-idle queues: a request rings one agent at a time — the available member free the
//! longest — for the queue's `ring_secs`. A reject or the ring running out passes it to the next
//! (the one who let it pass is told `passed` and not offered it again); with nobody to ring it
//! waits, and rings the next member who becomes free or available. The queue's offer timeout
//! still ends it as timed out. Who wins is still the claim's one conditional write, which also
//! refuses anyone the request is not ringing.

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::lds::Event;
use headsup_protocol::model::Request;
use sqlx::AnyConnection;

use super::missed;
use crate::data::events::Outbox;
use crate::data::requests as rows;
use crate::domain::masking;
use crate::domain::{Published, Store};

/// Rings the next agent for a pending request of a longest-idle queue (`ring_secs` each), unless
/// it is ringing someone already. With nobody to ring, it waits unassigned.
pub(crate) async fn ring_next(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    request: &Request,
    ring_secs: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if rows::offered_to(conn, request.id).await?.is_some() {
        return Ok(());
    }
    let Some(agent) = rows::longest_idle_for(conn, request.id, now).await? else {
        return Ok(());
    };
    rows::ring(
        conn,
        request.id,
        Some(agent),
        Some(now + Duration::seconds(ring_secs)),
    )
    .await?;
    let event = Event::Offered {
        request: request.clone(),
    };
    masking::append(conn, outbox, &[agent], now, &event).await
}

/// The agent the request rings declined it (their `rejected` is written): ring the next.
pub(crate) async fn pass_on_reject(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    request: &Request,
    agent: headsup_protocol::AgentId,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(ring_secs) = rows::ring_secs(conn, request.id).await? else {
        return Ok(());
    };
    if rows::offered_to(conn, request.id).await? != Some(agent) {
        return Ok(());
    }
    rows::ring(conn, request.id, None, None).await?;
    ring_next(conn, outbox, request, ring_secs, now).await
}

/// Passes on up to `batch` requests whose ring ran out; returns how many.
pub(crate) async fn pass_on_expired(
    store: &Store,
    now: DateTime<Utc>,
    batch: i64,
) -> anyhow::Result<(usize, Published)> {
    let mut w = store.db.begin_write().await?;
    let mut outbox = Outbox::default();
    let mut done = 0;
    for request in rows::rings_over(&mut w.tx, now, batch).await? {
        let (Some(agent), Some(ring_secs)) = (
            rows::offered_to(&mut w.tx, request.id).await?,
            rows::ring_secs(&mut w.tx, request.id).await?,
        ) else {
            rows::ring(&mut w.tx, request.id, None, None).await?;
            continue;
        };
        done += 1;
        rows::insert_pass(&mut w.tx, request.id, agent).await?;
        rows::ring(&mut w.tx, request.id, None, None).await?;
        let passed = Event::Passed {
            request: request.id,
        };
        masking::append(&mut w.tx, &mut outbox, &[agent], now, &passed).await?;
        // Letting the ring run out is a missed offer (the team's not-ready rule counts it).
        missed::count(&mut w.tx, &mut outbox, request.team, &[agent], now).await?;
        ring_next(&mut w.tx, &mut outbox, &request, ring_secs, now).await?;
    }
    Ok((done, store.commit(w, outbox).await?))
}

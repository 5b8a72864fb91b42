//! What happens because time passes: pending requests nobody took time out, scheduled calls come
//! due and are offered, old events and intake idempotency keys are pruned.
//!
//! Each change is a conditional update (`WHERE state = …`), so several processes may run this
//! loop on one database and every transition still happens exactly once.

use std::time::Duration as StdDuration;

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{RequestKind, RequestState};
use sqlx::Row;

use crate::store::events::{self, Outbox};
use crate::store::rows::{request_from_row, REQUEST_COLUMNS, REQUEST_FROM};
use crate::store::{accounts, idempotency, requests, Store};
use crate::time::to_millis;

/// How often the clock looks for due work. Timeouts and due calls are late by at most this.
pub const TICK: StdDuration = StdDuration::from_millis(500);
/// Rows handled per transaction, so one tick never holds the writer for long.
const BATCH: i64 = 200;

pub async fn run(store: Store, event_retention: Duration) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_prune = Utc::now() - Duration::days(1);
    loop {
        tick.tick().await;
        let now = Utc::now();
        if let Err(e) = time_out_expired(&store, now).await {
            tracing::warn!("timing out requests: {e:#}");
        }
        if let Err(e) = offer_due(&store, now).await {
            tracing::warn!("offering due scheduled calls: {e:#}");
        }
        if now - last_prune > Duration::minutes(1) {
            last_prune = now;
            if let Err(e) = prune(&store, now, event_retention).await {
                tracing::warn!("pruning old events: {e:#}");
            }
        }
    }
}

/// Pending requests past `expires_at` become timed out (and stay visible as such). A missed
/// call-now request from a customer who left a phone number is auto-scheduled as call-me-back.
pub async fn time_out_expired(store: &Store, now: DateTime<Utc>) -> Result<usize> {
    let mut w = store.db.begin_write().await?;
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE r.state = 'pending' \
         AND r.expires_at <= $1 ORDER BY r.id LIMIT {BATCH}"
    ))
    .bind(to_millis(now))
    .fetch_all(&mut *w.tx)
    .await?;
    let mut outbox = Outbox::default();
    let mut done = 0;
    for row in rows {
        let mut request = request_from_row(&row)?;
        let changed = sqlx::query(
            "UPDATE requests SET state = 'timed_out', closed_at = $1 WHERE id = $2 AND state = 'pending'",
        )
        .bind(to_millis(now))
        .bind(request.id.0)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            continue;
        }
        done += 1;
        request.state = RequestState::TimedOut;
        let to = requests::audience(&mut w.tx, &request, now, false).await?;
        let event = Event::TimedOut {
            request: request.id,
        };
        events::append(&mut w.tx, &mut outbox, &to, now, &event).await?;
        if request.kind == RequestKind::CallNow && request.customer.phone.is_some() {
            let team = accounts::team_by_id(&mut w.tx, request.team).await?;
            let due = now + Duration::seconds(team.callback_delay_secs);
            requests::insert(
                &mut w.tx,
                &mut outbox,
                &team,
                RequestKind::CallMeBack,
                &request.customer,
                Some(due),
                None,
                now,
            )
            .await?;
        }
    }
    store.commit(w, outbox).await?;
    store.metrics.requests_timed_out.inc_by(done as u64);
    Ok(done)
}

/// Scheduled calls whose time has come become pending and are offered: to the agent who booked
/// it, or to the team.
pub async fn offer_due(store: &Store, now: DateTime<Utc>) -> Result<usize> {
    let mut w = store.db.begin_write().await?;
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS}, t.offer_timeout_secs FROM {REQUEST_FROM} \
         JOIN teams t ON t.id = r.team_id WHERE r.state = 'scheduled' AND r.due_at <= $1 \
         ORDER BY r.due_at, r.id LIMIT {BATCH}"
    ))
    .bind(to_millis(now))
    .fetch_all(&mut *w.tx)
    .await?;
    let mut outbox = Outbox::default();
    let mut done = 0;
    for row in rows {
        let mut request = request_from_row(&row)?;
        let timeout: i64 = row.try_get("offer_timeout_secs")?;
        let expires = now + Duration::seconds(timeout);
        let changed = sqlx::query(
            "UPDATE requests SET state = 'pending', expires_at = $1 WHERE id = $2 AND state = 'scheduled'",
        )
        .bind(to_millis(expires))
        .bind(request.id.0)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            continue;
        }
        done += 1;
        request.state = RequestState::Pending;
        request.expires_at = Some(crate::time::from_millis(to_millis(expires)));
        requests::offer(&mut w.tx, &mut outbox, &request, None, now).await?;
    }
    store.commit(w, outbox).await?;
    Ok(done)
}

async fn prune(store: &Store, now: DateTime<Utc>, event_retention: Duration) -> Result<()> {
    let before = now - event_retention;
    let mut w = store.db.begin_write().await?;
    let n = events::prune(&mut w.tx, before).await?;
    // Idempotency keys are kept a day, whatever the event retention.
    let keys = idempotency::prune(&mut w.tx, now).await?;
    sqlx::query("DELETE FROM tokens WHERE expires_at < $1")
        .bind(to_millis(before))
        .execute(&mut *w.tx)
        .await?;
    w.commit().await?;
    if n > 0 {
        tracing::info!(events = n, "pruned events older than the retention");
    }
    if keys > 0 {
        tracing::debug!(keys, "pruned intake idempotency keys older than a day");
    }
    Ok(())
}

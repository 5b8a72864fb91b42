//! Fan-out between processes that share one PostgreSQL database, carried by LISTEN/NOTIFY.
//!
//! A transaction that appends events also sends `NOTIFY lds_events, '<origin>|agent:seq,…'`;
//! PostgreSQL delivers it only if the transaction commits. Every process listens; for agents
//! connected to it, it reads those events from the log and hands them to its hub. The event log
//! stays the truth: a lost notification is caught up by the connection's periodic check.

use std::fmt::Write as _;
use std::sync::Arc;

use anyhow::Result;
use headsup_protocol::AgentId;
use sqlx::postgres::PgListener;
use sqlx::Row;

use crate::db::WriteTx;
use crate::hub::Delivery;
use crate::store::Store;

pub const CHANNEL: &str = "lds_events";
/// PostgreSQL's payload limit is 8000 bytes; stay under it.
const MAX_PAYLOAD: usize = 7000;

pub async fn notify(tx: &mut WriteTx, origin: &str, items: &[Delivery]) -> Result<()> {
    let mut payload = String::new();
    for d in items {
        if payload.is_empty() {
            payload.push_str(origin);
            payload.push('|');
        } else {
            payload.push(',');
        }
        let _ = write!(payload, "{}:{}", d.agent.0, d.seq);
        if payload.len() > MAX_PAYLOAD {
            send(tx, &payload).await?;
            payload.clear();
        }
    }
    if !payload.is_empty() {
        send(tx, &payload).await?;
    }
    Ok(())
}

async fn send(tx: &mut WriteTx, payload: &str) -> Result<()> {
    // Wrapped in COUNT: the `Any` driver cannot decode pg_notify's `void` result column.
    sqlx::query("SELECT COUNT(*) FROM (SELECT pg_notify($1, $2)) AS sent")
        .bind(CHANNEL)
        .bind(payload)
        .execute(&mut *tx.tx)
        .await?;
    Ok(())
}

fn parse(payload: &str) -> Option<(&str, Vec<(AgentId, u64)>)> {
    let (origin, list) = payload.split_once('|')?;
    let items = list
        .split(',')
        .filter_map(|p| {
            let (a, s) = p.split_once(':')?;
            Some((AgentId(a.parse().ok()?), s.parse().ok()?))
        })
        .collect();
    Some((origin, items))
}

/// Listens for other processes' events until the process ends; reconnects on failure.
pub async fn listen(store: Store, url: String) {
    loop {
        if let Err(e) = listen_once(&store, &url).await {
            tracing::warn!("PostgreSQL listener failed, reconnecting: {e:#}");
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

async fn listen_once(store: &Store, url: &str) -> Result<()> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    loop {
        let n = listener.recv().await?;
        let Some((origin, items)) = parse(n.payload()) else {
            continue;
        };
        if origin == &*store.origin {
            continue; // this process published them already
        }
        let wanted: Vec<_> = items
            .into_iter()
            .filter(|(a, _)| store.hub.is_connected(*a))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let deliveries = load(store, &wanted).await?;
        store.hub.publish(&deliveries);
    }
}

async fn load(store: &Store, wanted: &[(AgentId, u64)]) -> Result<Vec<Delivery>> {
    let mut keys = String::new();
    for (i, (a, s)) in wanted.iter().enumerate() {
        if i > 0 {
            keys.push(',');
        }
        let _ = write!(keys, "({},{})", a.0, s);
    }
    let rows = sqlx::query(&format!(
        "SELECT e.agent_id, e.seq, b.at, b.body FROM events e JOIN event_bodies b ON b.id = e.body_id \
         WHERE (e.agent_id, e.seq) IN ({keys}) ORDER BY e.agent_id, e.seq"
    ))
    .fetch_all(&store.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let seq = r.try_get::<i64, _>(1)? as u64;
            let at = crate::time::from_millis(r.try_get::<i64, _>(2)?)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let body: String = r.try_get(3)?;
            Ok(Delivery {
                agent: AgentId(r.try_get::<i64, _>(0)?),
                seq,
                text: Arc::from(crate::store::events::frame_text(seq, &at, &body)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_parses_back() {
        let (origin, items) = parse("proc_x|3:17,4:2").unwrap();
        assert_eq!(origin, "proc_x");
        assert_eq!(items, vec![(AgentId(3), 17), (AgentId(4), 2)]);
        assert!(parse("garbage").is_none());
    }
}

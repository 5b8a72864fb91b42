//! Fan-out between processes that share one PostgreSQL database, carried by LISTEN/NOTIFY.
//!
//! A transaction that logs events also sends `NOTIFY lds_events, '<origin>|<newest log id>'`
//! (`data::notify`, from `domain::Store::commit`); PostgreSQL delivers it only if the
//! transaction commits. Every process listens and, on a notification from another process,
//! reads the log up to that id, numbers the entries for each agent exactly as the writer did
//! (see `domain::log::sequencer`) and hands them to its own connections. The log stays the
//! truth: a lost notification is caught up by the index writer's periodic
//! [`Fanout::sync_log`].

use anyhow::Result;
use sqlx::postgres::PgListener;

use super::Fanout;
use crate::data::notify::CHANNEL;

fn parse(payload: &str) -> Option<(&str, i64)> {
    let (origin, newest) = payload.split_once('|')?;
    Some((origin, newest.parse().ok()?))
}

/// Listens for other processes' events until the process ends; reconnects on failure.
pub(crate) async fn listen(fanout: Fanout, url: String) {
    loop {
        if let Err(e) = listen_once(&fanout, &url).await {
            tracing::warn!("PostgreSQL listener failed, reconnecting: {e:#}");
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

async fn listen_once(fanout: &Fanout, url: &str) -> Result<()> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    // What was committed while no listener was connected.
    fanout.sync_log().await?;
    loop {
        let n = listener.recv().await?;
        let Some((origin, newest)) = parse(n.payload()) else {
            continue;
        };
        if origin == &*fanout.store.origin {
            continue; // this process numbered and published them already
        }
        fanout.catch_up_through(newest).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_parses_back() {
        assert_eq!(parse("proc_x|317"), Some(("proc_x", 317)));
        assert!(parse("garbage").is_none());
        assert!(parse("proc_x|3:17").is_none());
    }
}

//! What an agent should see right now, with the sequence number it is current as of.

use chrono::{Duration, Utc};
use headsup_protocol::lds::Snapshot;
use headsup_protocol::model::AgentInfo;

use super::sequencer::Delivery;
use crate::data::snapshot as rows;
use crate::domain::{masking, Store};

/// How long a timed-out request stays in the agent's list.
pub(crate) const TIMED_OUT_VISIBLE_HOURS: i64 = 12;

/// Builds the `snapshot` frame's payload from one consistent read, so its `seq` matches its contents:
/// the read notes the newest log entry it sees, and the sequencer says what the agent's number
/// was as of that entry. Also returns the entries the read found that this process had not
/// numbered yet, for the fan-out to deliver.
pub(crate) async fn build(
    store: &Store,
    agent: &AgentInfo,
) -> anyhow::Result<(Snapshot, Vec<Delivery>)> {
    let mut caught_up = Vec::new();
    for _ in 0..3 {
        let since = Utc::now() - Duration::hours(TIMED_OUT_VISIBLE_HOURS);
        let mut tx = store.db.begin_consistent_read().await?;
        let mut read = rows::read(&mut tx, agent, since).await?;
        masking::snapshot(&mut tx, &mut read.requests, &mut read.session).await?;
        tx.commit().await?;
        caught_up.extend(super::catch_up_through(store, read.as_of).await?);
        if let Some(seq) = store.sequencer.seq_as_of(agent.id, read.as_of) {
            let snapshot = Snapshot {
                seq,
                requests: read.requests,
                session: read.session,
                status: read.status,
            };
            return Ok((snapshot, caught_up));
        }
        // The read took so long that the entries after it left memory: read again.
    }
    anyhow::bail!("could not build a consistent snapshot (the log moved too fast)")
}

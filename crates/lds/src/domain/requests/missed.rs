//! Missed offers: the team's rule "not ready after N missed offers in a row". An offer is missed
//! when it times out, or a longest-idle ring runs out, while offered to the agent.

use chrono::{DateTime, Utc};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{AgentStatus, Availability, MISSED_OFFERS};
use headsup_protocol::{AgentId, TeamId};
use sqlx::AnyConnection;

use crate::data::events::Outbox;
use crate::data::status as rows;
use crate::domain::masking;
use crate::time::{from_millis, to_millis};

/// A request timed out while offered to `offered`: each missed it. Those who reach the team's
/// limit (if it has one) are set not ready with [`MISSED_OFFERS`], and told, in the caller's
/// transaction (after the `timed_out` it wrote), so the next customer goes to someone present.
pub(crate) async fn count(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    team: TeamId,
    offered: &[AgentId],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if offered.is_empty() {
        return Ok(());
    }
    rows::count_missed(conn, offered).await?;
    for agent in rows::over_missed_limit(conn, team).await? {
        rows::save_status(
            conn,
            agent,
            Availability::NotReady,
            Some(MISSED_OFFERS),
            now,
        )
        .await?;
        let event = Event::StatusChanged {
            status: AgentStatus {
                availability: Availability::NotReady,
                reason: Some(MISSED_OFFERS.to_string()),
                since: Some(from_millis(to_millis(now))),
                wrap_up: None,
            },
        };
        masking::append(conn, outbox, &[agent], now, &event).await?;
    }
    Ok(())
}

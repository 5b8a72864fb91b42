//! The call-me-back rule: a missed call-now request from a customer who left a phone number is
//! booked as a call-me-back, due after the team's callback delay.

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::model::{Request, RequestKind};
use sqlx::AnyConnection;

use super::offers;
use crate::data::events::Outbox;
use crate::data::{accounts, queues, requests};

/// Whether a request that timed out is called back.
pub(crate) fn applies_to(missed: &Request) -> bool {
    missed.kind == RequestKind::CallNow && missed.customer.phone.is_some()
}

/// Books the call back for a missed request (in the caller's transaction), when the rule
/// applies.
pub(crate) async fn book_if_missed(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    missed: &Request,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if !applies_to(missed) {
        return Ok(());
    }
    let team = accounts::team_by_id(conn, missed.team).await?;
    let due = now + Duration::seconds(team.callback_delay_secs);
    // Called back from the queue the customer first waited in.
    let queue_id = requests::queue_of(conn, missed.id).await?;
    let queue = queues::queue_by_id(conn, queue_id).await?;
    offers::insert(
        conn,
        outbox,
        &queue,
        RequestKind::CallMeBack,
        &missed.customer,
        Some(due),
        None,
        now,
    )
    .await?;
    Ok(())
}

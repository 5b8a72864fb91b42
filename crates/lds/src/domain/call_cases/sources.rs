//! Where cases come from without an agent: calls nobody answered and calls that dropped. Each
//! runs inside the transaction that decided it (the request timing out, the customer's leg
//! hanging up), so the case exists exactly when that change does. A queue names the call list
//! its cases land in (`lds cases route`); a queue that names none makes no cases.
//!
//! Which model stays for "call me back": the `call_me_back` request (a missed call-now booked
//! after the team's callback delay and offered live, `requests::call_me_back`) stays for the
//! first try; when that request also times out, nobody took it and it becomes a case here.

use chrono::{DateTime, Utc};
use headsup_protocol::call_cases::CaseSource;
use headsup_protocol::model::{Request, RequestKind, Session};
use sqlx::AnyConnection;

use super::open::{self, Opening};
use crate::data::{call_lists, requests};
use crate::error::LdsError;

/// The source a timed-out request becomes a case as, if any.
fn source_of_timeout(kind: RequestKind) -> Option<CaseSource> {
    match kind {
        RequestKind::InboundCall => Some(CaseSource::MissedCall),
        RequestKind::CallMeBack => Some(CaseSource::CallMeBack),
        _ => None,
    }
}

/// A request nobody took: an inbound call (missed call) or a call-me-back becomes a case in
/// its queue's call list, or joins the open case of the number there.
pub(crate) async fn request_timed_out(
    conn: &mut AnyConnection,
    request: &Request,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(source) = source_of_timeout(request.kind) else {
        return Ok(());
    };
    let queue = requests::queue_of(conn, request.id).await?;
    from_call(
        conn,
        request.team,
        queue,
        request.customer.phone.as_deref(),
        source,
        now,
    )
    .await
}

/// A session whose customer hung up before the agent ended it: a dropped call.
pub(crate) async fn customer_dropped(
    conn: &mut AnyConnection,
    session: &Session,
    team: headsup_protocol::TeamId,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if session.conversation.is_some() {
        return Ok(());
    }
    let queue = requests::queue_of(conn, session.request).await?;
    let phone = session.customer.phone.as_deref();
    from_call(conn, team, queue, phone, CaseSource::DroppedCall, now).await
}

async fn from_call(
    conn: &mut AnyConnection,
    team: headsup_protocol::TeamId,
    queue: i64,
    phone: Option<&str>,
    source: CaseSource,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let (Some(list), Some(raw)) = (call_lists::of_queue(conn, queue).await?, phone) else {
        return Ok(());
    };
    // A number that is not a valid phone number cannot be called back: no case.
    let phone = match open::phone(conn, team, raw).await {
        Ok(phone) => phone,
        Err(LdsError::Internal(e)) => return Err(e),
        Err(_) => return Ok(()),
    };
    let opening = Opening {
        team,
        list,
        phone: &phone,
        source,
        due_at: now,
        time_zone: None,
        assignee: None,
        by: None,
    };
    match open::open_or_link(conn, opening, now).await {
        Ok(_) => Ok(()),
        Err(LdsError::Internal(e)) => Err(e),
        Err(e) => Err(anyhow::anyhow!("{}", e.public_message())),
    }
}

//! Database rows → protocol types. The only place that knows how a request or a session is laid
//! out in SQL.

use anyhow::{anyhow, Result};
use headsup_protocol::contacts::ContactRef;
use headsup_protocol::model::{
    AgentRef, Customer, LegState, Request, RequestKind, RequestState, Session, SessionState,
    SessionTransfer, TransferOutcome,
};
use headsup_protocol::{AgentId, ContactId, ConversationId, RequestId, SessionId, TeamId};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::time::from_millis;

/// Select list for [`request_from_row`]; use with [`REQUEST_FROM`].
pub(crate) const REQUEST_COLUMNS: &str = "r.id, r.team_id, r.kind, r.customer_name, r.customer_phone, \
     r.created_at, r.due_at, r.for_agent, r.state, r.taken_by, ta.name AS taken_by_name, r.expires_at, \
     r.transfer_from, tf.name AS transfer_from_name, r.contact_id, \
     rct.first_name AS contact_first, rct.last_name AS contact_last, rct.company AS contact_company";
pub(crate) const REQUEST_FROM: &str = "requests r LEFT JOIN agents ta ON ta.id = r.taken_by \
     LEFT JOIN agents tf ON tf.id = r.transfer_from LEFT JOIN contacts rct ON rct.id = r.contact_id";

pub(crate) fn request_from_row(row: &AnyRow) -> Result<Request> {
    let kind: String = row.try_get("kind")?;
    let state: String = row.try_get("state")?;
    let state = match state.as_str() {
        "scheduled" => RequestState::Scheduled,
        "pending" => RequestState::Pending,
        "timed_out" => RequestState::TimedOut,
        "cancelled" => RequestState::Cancelled,
        "taken" => RequestState::Taken {
            by: agent_ref(row, "taken_by", "taken_by_name")?,
        },
        other => return Err(anyhow!("unknown request state {other:?} in the database")),
    };
    let is_open = state.is_open();
    let customer = Customer {
        name: row.try_get("customer_name")?,
        phone: row.try_get("customer_phone")?,
    };
    Ok(Request {
        contact: contact_ref(row, &customer)?,
        id: RequestId(row.try_get("id")?),
        team: TeamId(row.try_get("team_id")?),
        kind: RequestKind::parse(&kind).ok_or_else(|| anyhow!("unknown kind {kind:?}"))?,
        customer,
        created_at: from_millis(row.try_get("created_at")?),
        due_at: row.try_get::<Option<i64>, _>("due_at")?.map(from_millis),
        for_agent: row.try_get::<Option<i64>, _>("for_agent")?.map(AgentId),
        state,
        expires_at: if is_open {
            row.try_get::<Option<i64>, _>("expires_at")?
                .map(from_millis)
        } else {
            None
        },
        transfer_from: match row.try_get::<Option<i64>, _>("transfer_from")? {
            Some(_) => Some(agent_ref(row, "transfer_from", "transfer_from_name")?),
            None => None,
        },
    })
}

pub(crate) const SESSION_COLUMNS: &str =
    "s.id, s.request_id, s.agent_id, s.kind, s.customer_name, \
     s.customer_phone, s.agent_leg, s.customer_leg, s.state, s.started_at, s.transfer_request, \
     s.transfer_to, s.transfer_until, s.transfer_outcome, s.transfer_taken_by, \
     tb.name AS transfer_taken_by_name, sr.contact_id, sct.first_name AS contact_first, \
     sct.last_name AS contact_last, sct.company AS contact_company, s.conversation_id";
pub(crate) const SESSION_FROM: &str =
    "sessions s LEFT JOIN agents tb ON tb.id = s.transfer_taken_by \
     JOIN requests sr ON sr.id = s.request_id LEFT JOIN contacts sct ON sct.id = sr.contact_id";

pub(crate) fn session_from_row(row: &AnyRow) -> Result<Session> {
    let kind: String = row.try_get("kind")?;
    let customer = Customer {
        name: row.try_get("customer_name")?,
        phone: row.try_get("customer_phone")?,
    };
    Ok(Session {
        contact: contact_ref(row, &customer)?,
        id: SessionId(row.try_get("id")?),
        request: RequestId(row.try_get("request_id")?),
        agent: AgentId(row.try_get("agent_id")?),
        customer,
        kind: RequestKind::parse(&kind).ok_or_else(|| anyhow!("unknown kind {kind:?}"))?,
        agent_leg: leg_from_str(&row.try_get::<String, _>("agent_leg")?)?,
        customer_leg: leg_from_str(&row.try_get::<String, _>("customer_leg")?)?,
        state: session_state_from_str(&row.try_get::<String, _>("state")?)?,
        started_at: from_millis(row.try_get("started_at")?),
        transfer: transfer_from_row(row)?,
        conversation: row
            .try_get::<Option<i64>, _>("conversation_id")?
            .map(ConversationId),
    })
}

/// The request's contact, by the name its card shows: first and last name, else the company,
/// else the customer's own name or phone.
pub(crate) fn contact_ref(row: &AnyRow, customer: &Customer) -> Result<Option<ContactRef>> {
    let Some(id) = row.try_get::<Option<i64>, _>("contact_id")? else {
        return Ok(None);
    };
    let part = |column| -> Result<String> {
        Ok(row
            .try_get::<Option<String>, _>(column)?
            .unwrap_or_default())
    };
    let full = format!("{} {}", part("contact_first")?, part("contact_last")?);
    let company = part("contact_company")?;
    let name = [full.trim(), company.as_str()]
        .into_iter()
        .find(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| customer.name.clone())
        .or_else(|| customer.phone.clone())
        .unwrap_or_default();
    Ok(Some(ContactRef {
        id: ContactId(id),
        name,
    }))
}

/// An agent named by an id column and the joined name column (both may be NULL in the row).
fn agent_ref(row: &AnyRow, id: &str, name: &str) -> Result<AgentRef> {
    Ok(AgentRef {
        id: AgentId(row.try_get::<Option<i64>, _>(id)?.unwrap_or_default()),
        name: row.try_get::<Option<String>, _>(name)?.unwrap_or_default(),
    })
}

fn transfer_from_row(row: &AnyRow) -> Result<Option<SessionTransfer>> {
    let Some(request) = row.try_get::<Option<i64>, _>("transfer_request")? else {
        return Ok(None);
    };
    let outcome: Option<String> = row.try_get("transfer_outcome")?;
    let outcome = match outcome.as_deref() {
        Some("waiting") => TransferOutcome::Waiting,
        Some("taken") => TransferOutcome::Taken {
            by: agent_ref(row, "transfer_taken_by", "transfer_taken_by_name")?,
        },
        Some("came_back") => TransferOutcome::CameBack,
        other => return Err(anyhow!("unknown transfer outcome {other:?}")),
    };
    Ok(Some(SessionTransfer {
        request: RequestId(request),
        to: row
            .try_get::<Option<String>, _>("transfer_to")?
            .unwrap_or_default(),
        until: from_millis(
            row.try_get::<Option<i64>, _>("transfer_until")?
                .unwrap_or_default(),
        ),
        outcome,
    }))
}

pub(crate) fn leg_str(leg: LegState) -> &'static str {
    match leg {
        LegState::Ringing => "ringing",
        LegState::Answered => "answered",
        LegState::Failed => "failed",
        LegState::HungUp => "hung_up",
        LegState::NotUsed => "not_used",
    }
}

fn leg_from_str(s: &str) -> Result<LegState> {
    Ok(match s {
        "ringing" => LegState::Ringing,
        "answered" => LegState::Answered,
        "failed" => LegState::Failed,
        "hung_up" => LegState::HungUp,
        "not_used" => LegState::NotUsed,
        other => return Err(anyhow!("unknown leg state {other:?}")),
    })
}

pub(crate) fn session_state_str(s: SessionState) -> &'static str {
    match s {
        SessionState::Connecting => "connecting",
        SessionState::Bridged => "bridged",
        SessionState::Ended => "ended",
    }
}

fn session_state_from_str(s: &str) -> Result<SessionState> {
    Ok(match s {
        "connecting" => SessionState::Connecting,
        "bridged" => SessionState::Bridged,
        "ended" => SessionState::Ended,
        other => return Err(anyhow!("unknown session state {other:?}")),
    })
}

//! One open case per phone number per list: a new case for a number that has one is not a
//! second case but an entry in the open one's history (`linked`, with the new source). The
//! partial unique index `call_cases_one_open` guards it on both databases.

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::call_cases::CaseSource;
use headsup_protocol::{AgentId, CallCaseId, CallListId, ErrorCode, TeamId};
use sqlx::AnyConnection;

use crate::contact_input::phone_key;
use crate::data::call_cases::{self as rows, NewCase};
use crate::data::{call_lists, contacts};
use crate::error::{LdsError, LdsResult};

/// A case about to be opened.
pub(crate) struct Opening<'a> {
    pub(crate) team: TeamId,
    pub(crate) list: CallListId,
    /// E.164 ([`phone`]).
    pub(crate) phone: &'a str,
    pub(crate) source: CaseSource,
    pub(crate) due_at: DateTime<Utc>,
    pub(crate) time_zone: Option<&'a str>,
    pub(crate) assignee: Option<AgentId>,
    /// The agent who made it (manual), for the history.
    pub(crate) by: Option<AgentId>,
}

/// A phone as a case stores it: E.164, national numbers read in the team's country. Refused
/// `invalid_phone` unless it is a valid number.
pub(crate) async fn phone(conn: &mut AnyConnection, team: TeamId, raw: &str) -> LdsResult<String> {
    let refuse = || {
        LdsError::new(
            ErrorCode::InvalidPhone,
            "phone is a valid phone number: '+', the country code and the number, or a national \
             number of the team's country",
        )
    };
    let dialable = crate::customer_input::phone(raw)?.ok_or_else(refuse)?;
    let region = contacts::team_region(conn, team).await?;
    let key = phone_key(&dialable, region.as_deref());
    crate::chat_input::international_phone(&key).map_err(|_| refuse())
}

/// Opens the case, or links to the open case of the number in the list. Returns the case.
pub(crate) async fn open_or_link(
    conn: &mut AnyConnection,
    o: Opening<'_>,
    now: DateTime<Utc>,
) -> LdsResult<CallCaseId> {
    if let Some(open) = rows::open_case(conn, o.list, o.phone).await? {
        rows::add_history(
            conn,
            open,
            now,
            "linked",
            o.by,
            Some(o.source.as_str()),
            None,
        )
        .await?;
        return Ok(open);
    }
    let list = call_lists::load(conn, o.list).await?;
    let contact = rows::contact_by_phone(conn, o.team, o.phone).await?;
    let id = rows::insert(
        conn,
        &NewCase {
            team: o.team,
            list: o.list,
            phone: o.phone,
            contact,
            source: o.source,
            due_at: o.due_at,
            time_zone: o.time_zone,
            assignee: o.assignee,
            expires_at: o.due_at + Duration::seconds(i64::from(list.expiry_secs)),
        },
        now,
    )
    .await?;
    rows::add_history(
        conn,
        id,
        now,
        "created",
        o.by,
        Some(o.source.as_str()),
        None,
    )
    .await?;
    Ok(id)
}

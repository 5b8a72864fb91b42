//! Call cases (seed 004): callbacks to make, in call lists. Wire types of the agent commands
//! `call_cases`, `get_call_case`, `create_call_case`, `call_call_case`, `handle_call_case`,
//! `note_call_case` and `update_call_cases` (docs/protocol.md §2.14).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::contacts::ContactRef;
use crate::ids::{AgentId, CallCaseId, CallListId};
use crate::model::AgentRef;

/// The most cases one `call_cases` page holds; also the default page size.
pub const MAX_CASE_PAGE: u32 = 200;
/// The most cases one `update_call_cases` changes.
pub const MAX_BULK_CASES: usize = 500;
/// The longest note, in characters.
pub const MAX_CASE_NOTE_CHARS: usize = 1000;

/// Where a case came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseSource {
    /// An inbound call nobody answered.
    MissedCall,
    /// A session whose customer hung up before the agent ended it.
    DroppedCall,
    /// A call-me-back request nobody took in time.
    CallMeBack,
    /// An agent created it ("New call case").
    Manual,
    /// An admin imported it (`lds cases import`).
    Imported,
}

impl CaseSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseSource::MissedCall => "missed_call",
            CaseSource::DroppedCall => "dropped_call",
            CaseSource::CallMeBack => "call_me_back",
            CaseSource::Manual => "manual",
            CaseSource::Imported => "imported",
        }
    }

    pub fn parse(s: &str) -> Option<CaseSource> {
        [
            CaseSource::MissedCall,
            CaseSource::DroppedCall,
            CaseSource::CallMeBack,
            CaseSource::Manual,
            CaseSource::Imported,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// What a handling code does to its case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodeEffect {
    /// Closed: the customer was reached.
    ClosedSuccessfully,
    /// Closed: the number is not the customer's.
    ClosedWrongNumber,
    /// Offered again after the list's retry delay, unless that was the list's last attempt
    /// (then closed `unreachable`) or the retry falls after the case's expiry (closed `expired`).
    Retry,
    /// Offered again at the time the agent gives (`call_back_at`), before the case's expiry.
    CallBackAt,
}

/// How a closed case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseClosure {
    Successful,
    WrongNumber,
    /// The list's maximum attempts were made.
    Unreachable,
    /// Its expiry passed while open.
    Expired,
    /// An agent closed it without a call (`update_call_cases` with `close`).
    ClosedByAgent,
}

impl CaseClosure {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseClosure::Successful => "successful",
            CaseClosure::WrongNumber => "wrong_number",
            CaseClosure::Unreachable => "unreachable",
            CaseClosure::Expired => "expired",
            CaseClosure::ClosedByAgent => "closed_by_agent",
        }
    }

    pub fn parse(s: &str) -> Option<CaseClosure> {
        [
            CaseClosure::Successful,
            CaseClosure::WrongNumber,
            CaseClosure::Unreachable,
            CaseClosure::Expired,
            CaseClosure::ClosedByAgent,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One handling code of a list, in the order agents see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HandlingCode {
    pub code: String,
    pub label: String,
    pub effect: CodeEffect,
}

/// A call list as an agent who may work it sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CallList {
    pub id: CallListId,
    pub name: String,
    pub max_attempts: u32,
    pub retry_delay_secs: u32,
    /// How long an assigned case may be overdue before it goes to the list's pool.
    pub grace_secs: u32,
    /// How long after its first due time an open case expires.
    pub expiry_secs: u32,
    pub codes: Vec<HandlingCode>,
}

/// Open or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    #[default]
    Open,
    Closed,
}

/// One line of a case's history, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseHistoryEntry {
    pub at: DateTime<Utc>,
    /// `created`, `linked` (another call from the number while the case was open), `called`,
    /// `handled`, `note`, `assigned`, `to_pool`, `rescheduled`, `closed`, `due`, `voicemail`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRef>,
    /// The handling code (`handled`), the source (`created`, `linked`) or the closure (`closed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The note's text (`note`), as the agent wrote it: plain text, never markup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A call case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CallCase {
    pub id: CallCaseId,
    pub list: CallListId,
    pub list_name: String,
    /// E.164.
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactRef>,
    pub source: CaseSource,
    pub status: CaseStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure: Option<CaseClosure>,
    /// When to call (UTC).
    pub due_at: DateTime<Utc>,
    /// The customer's IANA time zone, when known (`Europe/Madrid`): a due time was given in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Absent: the list's pool (anyone who may work the list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<AgentRef>,
    /// The agent calling it now, if any (one at a time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calling: Option<AgentRef>,
    pub attempts: u32,
    pub max_attempts: u32,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// Whether the customer left a voicemail.
    #[serde(default)]
    pub has_voicemail: bool,
    /// Only in `get_call_case` and in the answers of writes to one case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<CaseHistoryEntry>,
}

/// Whose cases `call_cases` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseAssignee {
    Me,
    Pool,
}

/// The filters and page of `call_cases`. Order: due today (on the server's UTC day) first, then
/// the rest, each by due time, then id; `after` is the last case of the previous page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<CallListId>,
    #[serde(default)]
    pub status: CaseStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_before: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<CaseAssignee>,
    /// Page size, 1 to [`MAX_CASE_PAGE`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// How many cases of the same query to skip (the previous pages' count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
}

/// One page of `call_cases`, with the lists the agent may work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CasePage {
    pub cases: Vec<CallCase>,
    /// The offset of the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<u32>,
    pub lists: Vec<CallList>,
}

/// A case an agent creates by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewCallCase {
    pub list: CallListId,
    pub phone: String,
    /// When to call, as an instant. Absent (and no `due_local`): now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<chrono::FixedOffset>>,
    /// When to call, on the customer's wall clock in `time_zone` (which it then requires):
    /// `2027-03-28T10:00:00`. A time the zone skips (a daylight-saving jump) is refused; one it
    /// repeats is the earlier. Not with `due_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_local: Option<chrono::NaiveDateTime>,
    /// The customer's IANA time zone (`Europe/Madrid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// `true`: the case is the creator's; else the list's pool.
    #[serde(default)]
    pub assign_to_me: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What `update_call_cases` does to every case it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CaseUpdate {
    /// Gives the cases to an agent who may work their list, or to the pool (`agent` absent).
    Reassign {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentId>,
    },
    /// A new due time (before each case's expiry).
    Reschedule {
        due_at: DateTime<chrono::FixedOffset>,
    },
    /// Closes them (`closed_by_agent`), with no call.
    Close,
}

/// What a [`CaseNotice`] says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseChange {
    /// A case was opened in a list the agent may work.
    New,
    /// A case changed (called, handled, reassigned, rescheduled, closed, a note, a voicemail).
    Changed,
    /// A case came due: sent to its assignee, else to the pool, only while available and free.
    Due,
    /// The agent's case was overdue past the list's grace period and went to the pool.
    ToPool,
}

/// The `call_case` frame: `{"type":"call_case","change":"new","case":{…}}`. Not an event: no
/// `seq`, not logged, never replayed (read `call_cases` after each `welcome` to catch up), and
/// sent only by the process the agent is connected to. Kept out of `ServerFrame` so clients that
/// do not know it skip one unreadable frame, with no gap in their events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseNotice {
    /// Always `call_case`.
    #[serde(rename = "type")]
    pub kind: String,
    pub change: CaseChange,
    pub case: CallCase,
}

impl CaseNotice {
    pub fn new(change: CaseChange, case: CallCase) -> CaseNotice {
        CaseNotice {
            kind: "call_case".into(),
            change,
            case,
        }
    }
}

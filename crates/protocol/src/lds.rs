//! The LDS protocol: HTTP bodies and WebSocket frames between an agent's device and the LDS.
//! Spec with examples: `docs/protocol.md`. Every frame is one JSON text message with a `type`.
//!
//! Delivery: everything that changes what an agent should see is an [`Event`] with a per-agent,
//! gap-free sequence number (`seq`, starting at 1), stored durably before it is sent. A client
//! remembers the last `seq` it *processed* and sends it in `hello`; the server replays exactly the
//! events after it, in order, or sends a [`ServerFrame::Snapshot`] when it no longer has them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::call_cases::{CallCase, CasePage, CaseQuery, CaseUpdate, NewCallCase};
use crate::chat::{
    CannedAnswer, Conversation, ConversationFilters, ConversationPage, ConversationQuery, Message,
    MessagePage, MessageState, MessageTemplate,
};
use crate::contacts::{
    Contact, ContactDraft, ContactList, ContactPage, ContactQuery, JourneyEntry,
};
use crate::error::ErrorCode;
use crate::ids::{
    CallCaseId, ContactId, ContactListId, ConversationId, MessageId, QueueId, RequestId, SessionId,
};
use crate::model::{
    AgentInfo, AgentRef, AgentStatus, Availability, Customer, Request, RequestKind, Session,
    StatusReason, TransferTarget, TransferTargets,
};

/// Protocol version spoken by this crate; sent in `hello` and `welcome`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest text frame either side accepts, in bytes. Larger frames are refused with `too_large`.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// How often the server pings; a client that hears nothing (no frame, no ping) for
/// [`DEAD_AFTER_SECS`] treats the connection as dead.
pub const HEARTBEAT_SECS: u64 = 10;
pub const DEAD_AFTER_SECS: u64 = 30;

/// How long a transfer waits for its target when `transfer` names no `timeout_secs` and the
/// team's admins set no other, and the bounds a timeout must keep.
pub const TRANSFER_TIMEOUT_SECS: u32 = 300;
pub const TRANSFER_TIMEOUT_MIN_SECS: u32 = 10;
pub const TRANSFER_TIMEOUT_MAX_SECS: u32 = 3600;

// ---------------------------------------------------------------------------------------------
// HTTP

/// `POST /api/v1/login`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// `200` answer to `POST /api/v1/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoginResponse {
    /// Opaque bearer token. Sent as `Authorization: Bearer` to HTTP endpoints and inside the
    /// first WebSocket frame; never in a URL.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub agent: AgentInfo,
}

/// `POST /api/v1/requests` (customer intake; authenticated by the team's intake key in
/// `Authorization: Bearer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// The rules intake checks that a schema can say (docs/protocol.md, "Customer intake"): a
// customer; `due_at` absent for the immediate kinds, present for `scheduled_by_customer`;
// `scheduled_by_agent` is not taken here.
#[cfg_attr(feature = "schema", schemars(extend("allOf" = [
    {"required": ["customer"]},
    {"anyOf": [
        {"properties": {"kind": {"enum": ["call_now", "inbound_call", "chat_inbound"]},
                        "due_at": {"type": "null"}}},
        {"properties": {"kind": {"const": "scheduled_by_customer"}, "due_at": {"type": "string"}},
         "required": ["due_at"]},
        {"properties": {"kind": {"const": "call_me_back"}}}
    ]}
])))]
pub struct NewRequest {
    pub kind: RequestKind,
    #[serde(default)]
    pub customer: Customer,
    /// Required for scheduled kinds: when the call is due. Any offset; stored in UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<chrono::FixedOffset>>,
    /// The queue of the team that gets it, by name; absent: the queue the intake key feeds (the
    /// team's default queue for the team key, or the queue whose own key it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
}

/// `201` answer to `POST /api/v1/requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewRequestResponse {
    pub request: Request,
}

/// `200` answer to `POST /api/v1/requests/{id}/cancel` (the customer gave up): the request as it
/// now is, `state: cancelled`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CancelResponse {
    pub request: Request,
}

// ---------------------------------------------------------------------------------------------
// WebSocket: client → server

/// A frame the agent's device sends. Commands carry a client-chosen `cid` that the server echoes
/// in its [`ServerFrame::Reply`] or [`ServerFrame::Error`], so a client can match answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Must be the first frame. `last_seq` is the last event sequence the client processed
    /// (absent on a first connection: the server answers with a snapshot).
    Hello {
        token: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_seq: Option<u64>,
        /// A stable name for this device, so the agent's other devices can be told apart.
        device: String,
        protocol: u32,
    },
    /// Take this request. The first accept wins; others get `already_taken`.
    Accept { cid: u64, request: RequestId },
    /// Not for me: the request is not offered to this agent again and stays with the others.
    Reject { cid: u64, request: RequestId },
    /// Accept the oldest pending request this agent may take ("Attend next customer").
    AttendNext { cid: u64 },
    /// Schedule a call back with a customer, reserved for this agent.
    Schedule {
        cid: u64,
        customer: Customer,
        due_at: DateTime<chrono::FixedOffset>,
    },
    /// End the agent's current session; the agent is free again.
    EndSession { cid: u64, session: SessionId },
    /// Close the agent's wrap-up ("Done"): a disposition code from the wrap-up's list (required
    /// when the queue says so) and an optional note (at most 1,000 characters). The agent is
    /// available again.
    FinishWrapUp {
        cid: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        disposition: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Hand the customer of the agent's open session to a colleague or a queue. The target is
    /// offered a `transfer` request until `timeout_secs` pass (default: the team's, which is
    /// [`TRANSFER_TIMEOUT_SECS`] unless its admins changed it); the owner keeps the customer meanwhile, and gets them back if nobody takes it.
    /// The reply names the `transfer` request.
    Transfer {
        cid: u64,
        session: SessionId,
        to: TransferTarget,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_secs: Option<u32>,
    },
    /// Whom the agent may transfer to now: the reply's `transfer_targets`.
    TransferTargets { cid: u64 },
    /// Change the agent's status, on all their devices. `reason` (a code from the team's
    /// `status_reasons`) is required for `not_ready` and refused for `available`.
    SetStatus {
        cid: u64,
        availability: Availability,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The customers waiting in one of the agent's queues (the dashboard's drill-down). The
    /// reply carries them in `waiting`; a queue the agent is not a member of is `not_found`.
    QueueWaiting { cid: u64, queue: QueueId },
    /// The contact lists this agent may see (reply: `contact_lists`).
    ContactLists { cid: u64 },
    /// Search the contacts of the lists this agent may see (reply: `contacts`, one page).
    SearchContacts { cid: u64, query: ContactQuery },
    /// One contact (reply: `contact`). A merged contact's id answers the contact it was merged
    /// into; a contact of a list this agent may not see is `not_found`.
    GetContact { cid: u64, contact: ContactId },
    /// Add a contact to a list this agent may see (reply: `contact`, version 1).
    AddContact {
        cid: u64,
        list: ContactListId,
        draft: ContactDraft,
    },
    /// Replace a contact's values with the draft's, if it is still at `version` (else
    /// `stale_version`, nothing written). Reply: `contact`, at the next version.
    EditContact {
        cid: u64,
        contact: ContactId,
        version: i64,
        draft: ContactDraft,
    },
    /// Merge `merge` into `keep` (both in lists this agent may see): phones, e-mails, tags,
    /// fields (keep's win) and every interaction end up on `keep`; `merge` is gone and its id
    /// answers `keep`. Reply: `contact` (keep, at its next version).
    MergeContacts {
        cid: u64,
        keep: ContactId,
        merge: ContactId,
    },
    /// Copy a contact into another list this agent may see (reply: `contact`, the copy).
    DuplicateContact {
        cid: u64,
        contact: ContactId,
        list: ContactListId,
    },
    /// A contact's journey, newest first, at most [`crate::contacts::MAX_JOURNEY`] entries
    /// (reply: `journey`).
    ContactJourney { cid: u64, contact: ContactId },
    /// Write to a conversation this agent serves; `note: true` writes an internal note the
    /// customer never sees. The same `client_id` again is the same message (its reply names it).
    SendMessage {
        cid: u64,
        conversation: ConversationId,
        client_id: String,
        #[serde(default)]
        body: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        note: bool,
        /// A file this agent uploaded to this conversation and has not sent yet (then `body`
        /// may be empty). A note's attachment never reaches the customer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<crate::AttachmentId>,
    },
    /// Send a failed message's text again, as a new message with this `client_id`.
    RetryMessage {
        cid: u64,
        message: MessageId,
        client_id: String,
    },
    /// A page of a conversation's history, before `before` (the newest page without it).
    MessageHistory {
        cid: u64,
        conversation: ConversationId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<MessageId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// The agent has read the customer's messages up to this one (on every device of theirs).
    MarkRead {
        cid: u64,
        conversation: ConversationId,
        up_to: MessageId,
    },
    /// The interactions list: this agent's conversations, filtered and paged.
    Conversations {
        cid: u64,
        #[serde(default)]
        query: ConversationQuery,
    },
    /// The canned answers of the conversation's queue.
    CannedAnswers {
        cid: u64,
        conversation: ConversationId,
    },
    /// The team's message templates (reply: `templates`), for a conversation of this agent.
    Templates {
        cid: u64,
        conversation: ConversationId,
    },
    /// What the interactions list's filters offer: the channel accounts and tags of this agent's
    /// conversations (reply: `filters`).
    ConversationFilters { cid: u64 },
    /// Replace a conversation's tags (one this agent has had; at most `MAX_CONVERSATION_TAGS`,
    /// each trimmed and lower-cased). Every agent who has it receives a `conversation` event.
    SetConversationTags {
        cid: u64,
        conversation: ConversationId,
        tags: Vec<String>,
    },
    /// Send one of the team's templates (the only thing a provider's channel takes once its
    /// free-text window closed). The same `client_id` again is the same message.
    SendTemplate {
        cid: u64,
        conversation: ConversationId,
        client_id: String,
        template: String,
    },
    /// A page of the call cases of the lists this agent may work (reply: `call_cases`).
    CallCases {
        cid: u64,
        #[serde(default)]
        query: CaseQuery,
    },
    /// One case with its history (reply: `call_case`).
    GetCallCase { cid: u64, case: CallCaseId },
    /// "New call case": a case in a list this agent may work (reply: `call_case`). A number
    /// with an open case in the list gets no second one: the reply is the open case, with a
    /// `linked` entry in its history.
    CreateCallCase { cid: u64, case: NewCallCase },
    /// Call the case now: one agent at a time (the first wins, others get `already_taken`);
    /// counts one attempt and dials the agent's leg, then the customer's (reply: `call_case`).
    CallCallCase { cid: u64, case: CallCaseId },
    /// After the call: the handling code (one of the list's) decides what happens next
    /// (reply: `call_case`). `call_back_at` is required by a `call_back_at` code.
    HandleCallCase {
        cid: u64,
        case: CallCaseId,
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call_back_at: Option<DateTime<chrono::FixedOffset>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Add a note to a case's history (reply: `call_case`).
    NoteCallCase {
        cid: u64,
        case: CallCaseId,
        text: String,
    },
    /// Reassign, reschedule or close several open cases at once, all or none (reply:
    /// `call_cases`, the changed cases).
    UpdateCallCases {
        cid: u64,
        cases: Vec<CallCaseId>,
        update: CaseUpdate,
    },
    /// Assisted callback: the open cases of the number of the agent's session, in lists the
    /// agent may work (reply: `call_cases`, no `next`).
    SessionCallCases { cid: u64, session: SessionId },
}

// ---------------------------------------------------------------------------------------------
// WebSocket: server → client

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Answer to a valid `hello`. Followed by either the missed events (`resumed: true`) or a
    /// `snapshot`.
    Welcome(Welcome),
    /// Everything the agent should see, as of `seq`. Replaces the client's state; events after it
    /// follow with `seq + 1`, `seq + 2`, …
    Snapshot(Snapshot),
    /// One durable event. `seq` is exactly one more than the previous event or snapshot.
    Event(EventFrame),
    /// Success answer to a command.
    Reply(Reply),
    /// Failure answer to a command (with its `cid`) or to a frame that could not be read (no `cid`).
    /// After `unauthorized`, `token_expired`, `token_revoked` or `hello_required` the server closes.
    Error(ErrorFrame),
    /// The live numbers of the agent's queues. Not an event: it has no `seq`, is not logged and
    /// is never replayed. Sent after the snapshot or the resume's replay, then whenever one of
    /// the agent's queues' numbers change (at most about four a second). Each one replaces the
    /// previous one whole.
    Dashboard(Dashboard),
}

/// The payload of [`ServerFrame::Dashboard`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(inline))]
pub struct Dashboard {
    /// When the server counted (its clock): ages are measured from here.
    pub at: DateTime<Utc>,
    /// Every queue the agent is a member of, by name.
    pub queues: Vec<QueueStats>,
}

/// One queue's live numbers. Members count only signed-in members.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueStats {
    pub id: QueueId,
    pub name: String,
    /// Pending requests waiting in the queue (a call an agent booked for themselves excluded).
    pub waiting: u32,
    /// Since when the longest-waiting of them waits (its due time for a scheduled call, else
    /// its creation); absent when nobody waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_since: Option<DateTime<Utc>>,
    /// Members available and not in a session.
    pub available: u32,
    /// Members in an open session, whatever their status.
    pub in_session: u32,
    /// Members not ready (any reason), not in a session.
    pub not_ready: u32,
    /// Members in a wrap-up, not in a session.
    pub wrap_up: u32,
}

/// The payload of [`ServerFrame::Welcome`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(inline))]
pub struct Welcome {
    pub agent: AgentInfo,
    pub protocol: u32,
    pub resumed: bool,
    /// The agent's newest event sequence at this moment.
    pub head_seq: u64,
    pub server_time: DateTime<Utc>,
    pub heartbeat_secs: u64,
    /// The team's reasons for being not ready, in the order admins gave them.
    #[serde(default)]
    pub status_reasons: Vec<StatusReason>,
}

/// The payload of [`ServerFrame::Snapshot`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(inline))]
pub struct Snapshot {
    pub seq: u64,
    /// Open requests the agent may see (pending and scheduled), and recently closed ones
    /// that stay visible (timed out), oldest first.
    pub requests: Vec<Request>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
    /// The agent's status (available when absent).
    #[serde(default)]
    pub status: AgentStatus,
}

/// The payload of [`ServerFrame::Reply`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(inline))]
pub struct Reply {
    pub cid: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionId>,
    /// The answer to `transfer_targets`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_targets: Option<TransferTargets>,
    /// For `queue_waiting`: the queue's waiting requests, longest waiting first (at most
    /// [`MAX_QUEUE_WAITING`]). Absent in other replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<Vec<Request>>,
    /// For `contact_lists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_lists: Option<Vec<ContactList>>,
    /// For `search_contacts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<ContactPage>,
    /// For `get_contact`, `add_contact`, `edit_contact`, `merge_contacts`, `duplicate_contact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Box<Contact>>,
    /// For `contact_journey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journey: Option<Vec<JourneyEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Box<Message>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<MessagePage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversations: Option<ConversationPage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canned: Option<Vec<CannedAnswer>>,
    /// For `templates`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<Vec<MessageTemplate>>,
    /// For `get_call_case`, `create_call_case`, `call_call_case`, `handle_call_case`,
    /// `note_call_case`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_case: Option<Box<CallCase>>,
    /// For `call_cases` and `update_call_cases`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_cases: Option<CasePage>,
    /// For `conversation_filters`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<ConversationFilters>,
}

impl Reply {
    /// A reply that carries nothing but its `cid`.
    pub fn new(cid: u64) -> Reply {
        Reply {
            cid,
            request: None,
            session: None,
            transfer_targets: None,
            waiting: None,
            contact_lists: None,
            contacts: None,
            contact: None,
            journey: None,
            message: None,
            messages: None,
            conversations: None,
            canned: None,
            templates: None,
            call_case: None,
            call_cases: None,
            filters: None,
        }
    }
}

/// The most requests a `queue_waiting` reply lists; the dashboard's `waiting` counts them all.
pub const MAX_QUEUE_WAITING: usize = 200;

/// The payload of [`ServerFrame::Event`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(inline))]
pub struct EventFrame {
    pub seq: u64,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub event: Event,
}

/// The payload of [`ServerFrame::Error`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(inline))]
pub struct ErrorFrame {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cid: Option<u64>,
    pub code: ErrorCode,
    pub message: String,
}

/// What happened, from one agent's point of view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "event", rename_all = "snake_case")]
// `Assigned` is the largest by far and rare; boxing it would change every match on it.
#[allow(clippy::large_enum_variant)]
pub enum Event {
    /// A request this agent may take now (new, or a scheduled call that came due, or offered
    /// again after the agent became free).
    Offered { request: Request },
    /// A scheduled call was booked; it will be offered at `due_at`.
    Scheduled { request: Request },
    /// Another agent accepted it.
    Taken { request: RequestId, by: AgentRef },
    /// This agent rejected it (sent to all the agent's devices so each drops it).
    Rejected { request: RequestId },
    /// A longest-idle queue's offer to this agent ran out: it rings another agent now and is
    /// not offered to this one again (drop it).
    Passed { request: RequestId },
    /// Nobody took it in time; it stays visible as timed out.
    TimedOut { request: RequestId },
    /// The customer or intake withdrew it.
    Cancelled { request: RequestId },
    /// This agent won the request (from this or another device): a session starts.
    Assigned { request: Request, session: Session },
    /// A leg rang, answered or hung up; or the session was bridged or ended.
    SessionUpdated { session: Session },
    /// The agent's status changed (from this or another of their devices). When it becomes
    /// available, what waited for the agent is offered first, in the same transaction.
    StatusChanged { status: AgentStatus },
    /// A conversation of this agent opened, changed (its agent, state or unread count) or
    /// closed.
    Conversation { conversation: Box<Conversation> },
    /// A new message or note in a conversation this agent serves (theirs too, for their other
    /// devices).
    Message { message: Box<Message> },
    /// A message of this agent's conversation moved on (delivered, read, failed).
    MessageState {
        conversation: ConversationId,
        message: MessageId,
        state: MessageState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failed_reason: Option<String>,
    },
}

impl Event {
    /// The conversation this event is about, if any.
    pub fn conversation_id(&self) -> Option<ConversationId> {
        match self {
            Event::Conversation { conversation } => Some(conversation.id),
            Event::Message { message } => Some(message.conversation),
            Event::MessageState { conversation, .. } => Some(*conversation),
            Event::Assigned { session, .. } | Event::SessionUpdated { session } => {
                session.conversation
            }
            _ => None,
        }
    }

    /// The request this event is about, if any.
    pub fn request_id(&self) -> Option<RequestId> {
        match self {
            Event::Offered { request } | Event::Scheduled { request } => Some(request.id),
            Event::Assigned { request, .. } => Some(request.id),
            Event::Taken { request, .. }
            | Event::Rejected { request }
            | Event::Passed { request }
            | Event::TimedOut { request }
            | Event::Cancelled { request } => Some(*request),
            Event::SessionUpdated { session } => Some(session.request),
            Event::StatusChanged { .. }
            | Event::Conversation { .. }
            | Event::Message { .. }
            | Event::MessageState { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AgentId, TeamId};
    use crate::model::RequestState;

    fn request() -> Request {
        Request {
            contact: None,
            id: RequestId(42),
            team: TeamId(1),
            kind: RequestKind::CallNow,
            customer: Customer {
                name: Some("Ana".into()),
                phone: None,
            },
            created_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            due_at: None,
            for_agent: None,
            state: RequestState::Pending,
            expires_at: None,
            transfer_from: None,
        }
    }

    #[test]
    fn client_frames_have_documented_shape() {
        let f: ClientFrame =
            serde_json::from_str(r#"{"type":"accept","cid":3,"request":42}"#).unwrap();
        assert_eq!(
            f,
            ClientFrame::Accept {
                cid: 3,
                request: RequestId(42)
            }
        );
        let f: ClientFrame = serde_json::from_str(
            r#"{"type":"hello","token":"t","last_seq":9,"device":"laptop","protocol":1}"#,
        )
        .unwrap();
        assert!(matches!(
            f,
            ClientFrame::Hello {
                last_seq: Some(9),
                ..
            }
        ));
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"dance"}"#).is_err());
    }

    #[test]
    fn event_frame_is_flat() {
        let f = ServerFrame::Event(EventFrame {
            seq: 5,
            at: DateTime::from_timestamp(1_700_000_001, 0).unwrap(),
            event: Event::Taken {
                request: RequestId(42),
                by: AgentRef {
                    id: AgentId(2),
                    name: "Bo".into(),
                },
            },
        });
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["type"], "event");
        assert_eq!(v["event"], "taken");
        assert_eq!(v["seq"], 5);
        assert_eq!(v["request"], 42);
        let back: ServerFrame = serde_json::from_value(v).unwrap();
        assert_eq!(back, f);

        let f = ServerFrame::Event(EventFrame {
            seq: 6,
            at: DateTime::from_timestamp(1_700_000_001, 0).unwrap(),
            event: Event::Offered { request: request() },
        });
        let text = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<ServerFrame>(&text).unwrap(), f);
    }
}

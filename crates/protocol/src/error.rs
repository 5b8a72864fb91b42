//! Stable error codes. They appear in HTTP error bodies and in `error` frames; clients match on
//! the code, never on the message (which is for humans and may change).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The HTTP body or a field in it is not what the endpoint takes.
    BadRequest,
    /// A WebSocket text frame that is not valid JSON or misses a required field.
    MalformedFrame,
    /// A WebSocket frame whose `type` this server does not know.
    UnknownFrame,
    /// A frame or body larger than the documented limit.
    TooLarge,
    /// A binary WebSocket frame: the protocol is JSON text only.
    BinaryFrame,
    /// The first WebSocket frame was not `hello`.
    HelloRequired,
    /// Wrong e-mail or password (deliberately not saying which).
    InvalidCredentials,
    /// No token, or a token the server does not know.
    Unauthorized,
    /// The session token has expired: sign in again.
    TokenExpired,
    /// The session token was revoked (logout, or an admin action): sign in again.
    TokenRevoked,
    /// The team intake key is missing or wrong.
    InvalidIntakeKey,
    /// Too many attempts; retry after the time in the message / `Retry-After`.
    RateLimited,
    /// The WebSocket's `Origin` header is not on the server's allowlist.
    OriginNotAllowed,
    /// The request, session or agent named does not exist.
    NotFound,
    /// Another agent accepted this request first.
    AlreadyTaken,
    /// The request is no longer pending (timed out, cancelled or done).
    NotPending,
    /// The agent is in a session or on a call and cannot accept another customer.
    Busy,
    /// This agent rejected this request and may not take it (another team's request, or a call
    /// another agent booked, is `NotFound`).
    NotOffered,
    /// Nothing to attend: no pending request this agent may take.
    NothingPending,
    /// The agent is not ready: set the status to available before taking a customer.
    NotAvailable,
    /// `set_status` named a reason that is not on the team's list (or none for `not_ready`, or
    /// one for `available`).
    UnknownReason,
    /// Intake named a queue this team does not have.
    UnknownQueue,
    /// The queue does not take this channel: a call (intake, or `transfer` of a call) to a
    /// chat-only queue.
    ChannelNotServed,
    /// The wrap-up needs a disposition (the queue requires one), or the status cannot change
    /// before it is given.
    DispositionRequired,
    /// `finish_wrap_up` named a disposition that is not on the queue's list, or the agent is not
    /// in a wrap-up.
    UnknownDisposition,
    /// `transfer`: this session's customer is already being transferred; wait for the answer.
    TransferPending,
    /// `transfer`: the colleague picked is not signed in.
    AgentOffline,
    /// A contact edit was made on an older version than the stored one (a colleague changed it
    /// meanwhile): nothing was written. Read the contact again and redo the edit.
    StaleVersion,
    /// A contact draft breaks a rule: no name, phone, e-mail or company; a malformed e-mail; a
    /// field the list does not define; too long or too many values. The message says which.
    InvalidContact,
    /// The server failed; nothing was written. Retry later.
    Internal,
    /// The customer's phone is not a phone number (only digits, spaces, `-`, `.`, `(`, `)` and a
    /// leading `+`; at most 40 characters).
    InvalidPhone,
    /// A `due_at` more than a minute in the past or more than a year ahead.
    InvalidDueAt,
    /// The `Idempotency-Key` header is empty, too long, has characters outside visible ASCII, or
    /// is sent twice.
    InvalidIdempotencyKey,
    /// The `Idempotency-Key` was already used by this team, within a day, for a different body.
    IdempotencyKeyReused,
    /// The endpoint exists but not with this HTTP method (`405`, with an `Allow` header).
    MethodNotAllowed,
    /// The server cannot write to its database now (e.g. its disk is full); nothing was
    /// written. Retry later (`503`, also what `GET /health` answers meanwhile).
    StorageUnavailable,
    /// The server has as many connections open as it may (`--max-connections`): this one is
    /// answered `503` and closed. Retry later.
    TooManyConnections,
    /// A message is empty, longer than `MAX_MESSAGE_CHARS`, or its `client_id` is empty, longer
    /// than `MAX_CLIENT_ID_BYTES` or not visible ASCII. Nothing was stored.
    InvalidMessage,
    /// The conversation is closed: the agent cannot write to it (the customer can: that
    /// reopens it).
    ConversationClosed,
    /// A chat token that names no conversation (the customer's widget starts a new chat).
    InvalidChatToken,
    /// Free text outside the channel's window (24 hours after the customer's last message on a
    /// WhatsApp-like channel): only a template may be sent.
    OutsideWindow,
    /// A chat attachment larger than [`crate::chat::MAX_ATTACHMENT_BYTES`] (15 MB).
    AttachmentTooLarge,
    /// A chat attachment whose bytes are not of an allowed type, or not of the type declared.
    AttachmentTypeRefused,
    /// A conversation tag that is empty, longer than `MAX_TAG_CHARS`, or has characters other
    /// than letters, digits, spaces, `-` and `_`; or more than `MAX_CONVERSATION_TAGS` tags.
    /// Nothing was changed.
    InvalidTag,
}

impl ErrorCode {
    /// The snake_case name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::MalformedFrame => "malformed_frame",
            ErrorCode::UnknownFrame => "unknown_frame",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::BinaryFrame => "binary_frame",
            ErrorCode::HelloRequired => "hello_required",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::TokenRevoked => "token_revoked",
            ErrorCode::InvalidIntakeKey => "invalid_intake_key",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::OriginNotAllowed => "origin_not_allowed",
            ErrorCode::NotFound => "not_found",
            ErrorCode::AlreadyTaken => "already_taken",
            ErrorCode::NotPending => "not_pending",
            ErrorCode::Busy => "busy",
            ErrorCode::NotOffered => "not_offered",
            ErrorCode::NothingPending => "nothing_pending",
            ErrorCode::NotAvailable => "not_available",
            ErrorCode::UnknownReason => "unknown_reason",
            ErrorCode::UnknownQueue => "unknown_queue",
            ErrorCode::ChannelNotServed => "channel_not_served",
            ErrorCode::DispositionRequired => "disposition_required",
            ErrorCode::UnknownDisposition => "unknown_disposition",
            ErrorCode::TransferPending => "transfer_pending",
            ErrorCode::AgentOffline => "agent_offline",
            ErrorCode::StaleVersion => "stale_version",
            ErrorCode::InvalidContact => "invalid_contact",
            ErrorCode::Internal => "internal",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::InvalidDueAt => "invalid_due_at",
            ErrorCode::InvalidIdempotencyKey => "invalid_idempotency_key",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::StorageUnavailable => "storage_unavailable",
            ErrorCode::TooManyConnections => "too_many_connections",
            ErrorCode::InvalidMessage => "invalid_message",
            ErrorCode::ConversationClosed => "conversation_closed",
            ErrorCode::InvalidChatToken => "invalid_chat_token",
            ErrorCode::OutsideWindow => "outside_window",
            ErrorCode::AttachmentTooLarge => "attachment_too_large",
            ErrorCode::AttachmentTypeRefused => "attachment_type_refused",
            ErrorCode::InvalidTag => "invalid_tag",
        }
    }

    /// Whether this error means the token is no good and the agent must sign in again.
    pub fn requires_sign_in(self) -> bool {
        matches!(
            self,
            ErrorCode::Unauthorized | ErrorCode::TokenExpired | ErrorCode::TokenRevoked
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every HTTP error response: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code,
                message: message.into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_matches_serde_name() {
        for code in [
            ErrorCode::BadRequest,
            ErrorCode::MalformedFrame,
            ErrorCode::UnknownFrame,
            ErrorCode::TooLarge,
            ErrorCode::BinaryFrame,
            ErrorCode::HelloRequired,
            ErrorCode::InvalidCredentials,
            ErrorCode::Unauthorized,
            ErrorCode::TokenExpired,
            ErrorCode::TokenRevoked,
            ErrorCode::InvalidIntakeKey,
            ErrorCode::RateLimited,
            ErrorCode::OriginNotAllowed,
            ErrorCode::NotFound,
            ErrorCode::AlreadyTaken,
            ErrorCode::NotPending,
            ErrorCode::Busy,
            ErrorCode::NotOffered,
            ErrorCode::NothingPending,
            ErrorCode::NotAvailable,
            ErrorCode::UnknownReason,
            ErrorCode::UnknownQueue,
            ErrorCode::ChannelNotServed,
            ErrorCode::DispositionRequired,
            ErrorCode::UnknownDisposition,
            ErrorCode::TransferPending,
            ErrorCode::AgentOffline,
            ErrorCode::StaleVersion,
            ErrorCode::InvalidContact,
            ErrorCode::Internal,
            ErrorCode::InvalidPhone,
            ErrorCode::InvalidDueAt,
            ErrorCode::InvalidIdempotencyKey,
            ErrorCode::IdempotencyKeyReused,
            ErrorCode::MethodNotAllowed,
            ErrorCode::StorageUnavailable,
            ErrorCode::TooManyConnections,
            ErrorCode::InvalidMessage,
            ErrorCode::ConversationClosed,
            ErrorCode::InvalidChatToken,
            ErrorCode::OutsideWindow,
            ErrorCode::AttachmentTooLarge,
            ErrorCode::AttachmentTypeRefused,
            ErrorCode::InvalidTag,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}

//! Everything that can happen to the core. The driver turns I/O and time into these; the core
//! never reads a clock or a socket itself.

use headsup_protocol::lds::{LoginResponse, ServerFrame};
use headsup_protocol::view::Intent;
use headsup_protocol::{ConversationId, ErrorCode, RequestId};

/// One thing that happened, handed to [`crate::Core::handle`] together with `now`.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// The agent did something in the UI.
    Intent(Intent),
    /// At start-up: the token read from the secret store (`None`: never signed in, or logged out).
    TokenLoaded(Option<String>),
    /// The answer to an [`crate::Output::Login`].
    LoginFinished(Result<LoginResponse, LoginFailure>),
    /// The socket asked for by [`crate::Output::Connect`] is open.
    Connected,
    /// A frame from the LDS.
    Frame(Box<ServerFrame>),
    /// A WebSocket ping or pong: the connection is alive even if no frame arrived.
    Heartbeat,
    /// The socket closed or could not be opened.
    Disconnected { reason: String },
    /// The agent clicked a notification. Only brings the request into view: anything on the
    /// session bus can fake a tap, so it must never accept a customer.
    NotificationTapped(Option<RequestId>),
    /// The agent clicked a chat's notification: opens that conversation on the Chats desk.
    ChatNotificationTapped(ConversationId),
    /// The time returned by [`crate::Core::poll_timeout`] has come.
    Timeout,
    /// The wall clock jumped (the machine slept): resynchronise with the LDS.
    ClockJumped,
}

/// Why a login did not give a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginFailure {
    /// The LDS answered with an error code (wrong password, rate limited…).
    Refused { code: ErrorCode, message: String },
    /// The LDS could not be reached or answered something unreadable.
    Unreachable(String),
}

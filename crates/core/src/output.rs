//! What the core asks the driver to do. The driver performs these in order and decides nothing.

use std::fmt;

use headsup_protocol::lds::ClientFrame;

use crate::notification::{Notification, NotificationId};

/// One thing to do, taken from [`crate::Core::poll`].
#[derive(Clone, PartialEq)]
pub enum Output {
    /// `POST /api/v1/login`; answer with [`crate::Input::LoginFinished`].
    Login { email: String, password: String },
    /// Keep this session token in the OS secret store (never in a file).
    StoreToken(String),
    /// Forget the stored token (logout, or the LDS refused it).
    ClearToken,
    /// Open the WebSocket; answer with [`crate::Input::Connected`] or
    /// [`crate::Input::Disconnected`]. The `hello` (with the token) follows as a [`Output::Send`].
    Connect,
    /// Close the WebSocket (if open). No [`crate::Input::Disconnected`] is expected for it.
    Disconnect,
    /// Send this frame on the open WebSocket.
    Send(ClientFrame),
    /// Send a WebSocket ping, so a silent half-open connection is found out.
    Ping,
    /// Show (or replace, same id) a notification.
    Notify(Notification),
    /// Take a shown notification away.
    Withdraw(NotificationId),
    /// The view changed: take [`crate::Core::view_update`] and send it to the UI.
    ViewChanged,
    /// [`crate::Core::saved_state`] changed: write it to disk (it holds no secret).
    SaveState,
    /// Run or stop the platform's keep-alive (Android's foreground service). Emitted on change.
    KeepAlive(KeepAlive),
    /// The agent signed in for the first time this run: ask the OS for permission to notify,
    /// if this app version has not asked yet (the shell keeps that record).
    AskNotificationPermission,
    /// Download a chat file (`GET /api/v1/attachments/{id}` with the session token) into the
    /// downloads folder under `name` (already plain text; the driver makes it a safe file name).
    SaveAttachment {
        attachment: headsup_protocol::AttachmentId,
        name: String,
    },
}

/// What the platform's keep-alive should be doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepAlive {
    /// Signed out: no service, and none restarted at boot.
    Stopped,
    /// Signed in: the service runs; its notification says whether the LDS link is up.
    Running { connected: bool },
}

// Hand-written so that the token (in `StoreToken`, `Send(Hello)`) and the password never reach a
// log through `{:?}`.
impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Output::Login { email, .. } => write!(f, "Login {{ email: {email:?}, password: *** }}"),
            Output::StoreToken(_) => f.write_str("StoreToken(***)"),
            Output::ClearToken => f.write_str("ClearToken"),
            Output::Connect => f.write_str("Connect"),
            Output::Disconnect => f.write_str("Disconnect"),
            Output::Send(ClientFrame::Hello { last_seq, .. }) => {
                write!(f, "Send(Hello {{ token: ***, last_seq: {last_seq:?} }})")
            }
            Output::Send(frame) => write!(f, "Send({frame:?})"),
            Output::Ping => f.write_str("Ping"),
            Output::Notify(n) => write!(f, "Notify({n:?})"),
            Output::Withdraw(id) => write!(f, "Withdraw({id:?})"),
            Output::ViewChanged => f.write_str("ViewChanged"),
            Output::SaveState => f.write_str("SaveState"),
            Output::KeepAlive(k) => write!(f, "KeepAlive({k:?})"),
            Output::AskNotificationPermission => f.write_str("AskNotificationPermission"),
            Output::SaveAttachment { attachment, name } => {
                write!(f, "SaveAttachment({attachment}, {name:?})")
            }
        }
    }
}

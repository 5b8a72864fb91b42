//! The notifications the core asks the platform to raise or withdraw.

use headsup_protocol::{ConversationId, RequestId};
use serde::{Deserialize, Serialize};

/// Identifies one raised notification so it can be replaced (re-alert) or withdrawn. One request
/// has at most one live notification, so the id is derived from the request; the catch-up
/// summary has its own id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NotificationId(pub i32);

/// A notification, fully decided by the core: the platform shows it as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: NotificationId,
    /// The request a tap should bring into view; `None` for the catch-up summary.
    pub request: Option<RequestId>,
    pub title: String,
    pub body: String,
    /// Play the system sound.
    pub sound: bool,
    /// 0 for the first alert, 1.. for each re-alert while the customer still waits.
    pub urgency: u8,
    /// A chat's new messages: a tap opens this conversation on the Chats desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<ConversationId>,
}

//! The view contract: the state the agent core renders for the UI, and the intents the UI sends.
//!
//! The UI never computes a rule: every flag it shows (blinking, busy, masked phone, local time)
//! is decided by the core and arrives here ready to render. The shell serialises [`ViewState`]
//! into a `view` event and turns `intent` commands into [`Intent`]s for the core.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::RequestId;
use crate::model::{AgentInfo, Customer, RequestKind, Session};

/// Name of the Tauri event that carries a [`ViewState`] to the webview.
pub const VIEW_EVENT: &str = "view";
/// Name of the Tauri command that carries an [`Intent`] from the webview.
pub const INTENT_COMMAND: &str = "intent";
/// Name of the Tauri command the webview calls once at start to get the current [`ViewState`].
pub const VIEW_COMMAND: &str = "view";

/// Everything the UI shows, as of one moment. Sent whole; small enough (a few hundred bytes per
/// row) that diffing is not worth its complexity until thousands of rows (see docs/performance.md).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ViewState {
    pub login: LoginView,
    pub connection: ConnectionView,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentInfo>,
    /// The request tab: first the open requests ([`RowSection::Open`]: offers and scheduled
    /// calls whose time has come), oldest first — the order "Attend next customer" takes them
    /// in; then the history ([`RowSection::History`]: timed out, taken by someone else,
    /// cancelled), most recently closed first. Taken and cancelled rows are dropped after a
    /// short while; timed-out ones stay until the LDS's snapshot drops them.
    pub queue: Vec<QueueRow>,
    /// Scheduled calls not yet due, soonest first.
    pub scheduled: Vec<QueueRow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
    /// In a session or on a call: accepting is refused.
    pub busy: bool,
    /// How many customers wait on this agent now: offers not yet taken and scheduled calls whose
    /// time has come (the rows of `queue` that are neither closed nor timed out). Counted by the
    /// core so the tray, the UI and tests all show one number; it does not drop to 0 while
    /// `busy` (they still wait, for the agent or a colleague).
    #[serde(default)]
    pub waiting: u32,
    pub settings: Settings,
    /// The request the UI should bring into view (after a notification tap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<RequestId>,
    /// A message for the agent (a refused action, a request taken by someone else).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
}

/// The two-step sign-in of the seeds: e-mail → NEXT → password → CONNECT.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum LoginView {
    /// Asking for the e-mail. `error` explains why the agent is here again (expired token…).
    #[default]
    Email,
    Password {
        email: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// Password sent; waiting for the LDS.
    Connecting {
        email: String,
    },
    SignedIn,
}

/// The connection bar.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectionView {
    /// Not signed in: no connection wanted.
    #[default]
    Idle,
    Connecting,
    /// Lost; retrying at `retry_at`.
    Offline {
        since: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_at: Option<DateTime<Utc>>,
    },
    /// Up to date with the LDS as of `at`.
    Synced {
        at: DateTime<Utc>,
    },
}

/// One line of the request tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub id: RequestId,
    pub kind: RequestKind,
    /// The customer's name, else the phone number (masked if the agent asked for it).
    pub label: String,
    pub status: RowStatus,
    /// An offer the agent can take now, or a scheduled call whose time has come.
    pub blinking: bool,
    pub created_at: DateTime<Utc>,
    /// For scheduled calls: the due time, already formatted in the agent's time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_local: Option<String>,
    /// Which part of the request tab the row belongs to (open requests, then history).
    #[serde(default)]
    pub section: RowSection,
    /// For open rows: when the call is to happen, in words ("Waiting now", "Booked call, due
    /// now", "Booked for Tue 3 Mar, 14:30"). Empty for history rows, whose `status` says it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status_text: String,
}

/// The two parts of the request tab, shown apart: what the agent can still act on, and what
/// already happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowSection {
    /// Waiting for an agent: offers, scheduled calls (due or not).
    #[default]
    Open,
    /// Closed: timed out, taken by someone else, cancelled.
    History,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RowStatus {
    /// Waiting now.
    Now,
    /// Booked for later.
    Scheduled,
    /// Nobody took it in time.
    TimedOut,
    /// Another agent took it.
    Taken {
        by: String,
    },
    Cancelled,
}

/// The agent's notification settings (profile → Notifications).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The seeds' "Desktop notifications" checkbox.
    pub notifications: bool,
    /// Play the system sound with each notification (on by default, as in the seeds).
    pub sound: bool,
    /// Hide most digits of phone numbers in notification text (lock screens).
    pub mask_phone: bool,
    /// Re-alert while a customer waits unclaimed: every this many seconds…
    pub realert_secs: u32,
    /// …at most this many times (0 turns re-alerts off).
    pub realert_max: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            notifications: true,
            sound: true,
            mask_phone: false,
            realert_secs: 30,
            realert_max: 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub level: NoticeLevel,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeLevel {
    Info,
    Warning,
    Error,
}

/// What the agent asked for in the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "intent", rename_all = "snake_case")]
pub enum Intent {
    /// Sign-in step 1 (NEXT).
    SubmitEmail {
        email: String,
    },
    /// Sign-in step 2 (CONNECT).
    SubmitPassword {
        password: String,
    },
    /// Back from the password step to change the e-mail.
    ChangeEmail,
    Logout,
    Accept {
        request: RequestId,
    },
    Reject {
        request: RequestId,
    },
    AttendNext,
    EndSession,
    /// Book a call back with a customer, reserved for this agent (allowed during a session:
    /// agents often agree the follow-up while still on the call).
    ScheduleCall {
        customer: Customer,
        due_at: DateTime<chrono::FixedOffset>,
    },
    SaveSettings {
        settings: Settings,
    },
    DismissNotice,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_have_documented_shape() {
        let i: Intent = serde_json::from_str(r#"{"intent":"accept","request":5}"#).unwrap();
        assert_eq!(
            i,
            Intent::Accept {
                request: RequestId(5)
            }
        );
        let i: Intent =
            serde_json::from_str(r#"{"intent":"submit_email","email":"a@b.c"}"#).unwrap();
        assert_eq!(
            i,
            Intent::SubmitEmail {
                email: "a@b.c".into()
            }
        );
    }

    #[test]
    fn default_view_round_trips() {
        let v = ViewState::default();
        let s = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<ViewState>(&s).unwrap(), v);
        assert!(Settings::default().notifications && Settings::default().sound);
    }
}

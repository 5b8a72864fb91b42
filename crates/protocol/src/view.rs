//! The view contract: the state the agent core renders for the UI, and the intents the UI sends.
//!
//! The UI never computes a rule: every flag and word it shows (blinking, which row can be taken
//! or rejected and the words on its buttons, whether "Attend next customer" is allowed, the
//! masked customer, settings limits, local times, desk badges) is decided by the core and
//! arrives here ready to render.
//!
//! The view travels as a stream ([`patch`]): the UI gets one full slice ([`ViewUpdate::Full`]) on
//! start or when it asks (the `view` command), then numbered patches ([`ViewUpdate::Patch`]):
//! rows added, changed, moved or removed, keyed by request id, per desk list, and fields
//! outside the lists replaced whole. A version that does not follow the one held is a gap: the UI
//! asks for a full slice again. The shell only carries the stream (the `view` event) and turns
//! `intent` commands into [`Intent`]s for the core; command names and their payloads are in
//! [`crate::commands`].

pub mod chats;
pub mod patch;

pub use chats::{
    AccountChoice, ChatAttachmentView, ChatFilter, ChatFilterOptions, ChatMessageView,
    ChatPaneView, ChatRow, ChatSide, ChatTick, ChatsView, ComposerView, TemplateChoice,
};

pub use patch::{
    FieldPatch, ListPatch, ListRow, PatchGap, Received, RowInsert, ViewPatch, ViewReplica,
    ViewUpdate,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::contacts::ContactDraft;
use crate::ids::{ContactId, ContactListId, ConversationId, QueueId, RequestId};
use crate::model::{
    AgentInfo, Availability, Customer, Disposition, RequestKind, Session, StatusReason,
    TransferTarget,
};

pub use crate::commands::{INTENT_COMMAND, VIEW_COMMAND, VIEW_EVENT};

/// Everything the UI shows, as of one moment: what a full slice carries, and what applying the
/// patches to it keeps current.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ViewState {
    pub login: LoginView,
    pub connection: ConnectionView,
    /// The connection's moments on the agent's clock, formatted by the core.
    #[serde(default)]
    pub connection_times: ConnectionTimes,
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
    pub session: Option<SessionView>,
    /// In a session or on a call: accepting is refused.
    pub busy: bool,
    /// The "Attend next customer" button: whether it may be pressed, and why not.
    #[serde(default)]
    pub attend_next: AttendNextView,
    /// How many customers wait on this agent now: offers not yet taken and scheduled calls whose
    /// time has come (the rows of `queue` that are neither closed nor timed out). Counted by the
    /// core so the tray, the UI and tests all show one number; it does not drop to 0 while
    /// `busy` (they still wait, for the agent or a colleague).
    #[serde(default)]
    pub waiting: u32,
    pub settings: Settings,
    /// What the settings form accepts (the core clamps anything outside it).
    #[serde(default)]
    pub settings_limits: SettingsLimits,
    /// The request the UI should bring into view (after a notification tap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<RequestId>,
    /// A message for the agent (a refused action, a request taken by someone else).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
    /// The navigation: one tab per desk that is built, in the order the shell shows them, each
    /// with its badge already counted and worded by the core.
    #[serde(default)]
    pub desks: Vec<DeskTab>,
    /// The desk on screen. The core decides it (the agent's [`Intent::OpenDesk`], a notification
    /// tap opening the desk of its item), so a tap and the navigation never disagree.
    #[serde(default)]
    pub open_desk: DeskId,
    /// The agent's status, for the header's switch.
    #[serde(default)]
    pub status: StatusView,
    /// The queues desk: the agent's queues with their live numbers, and the one tapped open.
    /// Replaced whole when it changes (a few queues, at most a few times a second).
    #[serde(default)]
    pub dashboard: DashboardView,
    /// The contacts desk: the search, its page of contacts, the card open and its journey.
    /// Replaced whole when it changes (a page is at most 200 rows).
    #[serde(default)]
    pub contacts: ContactsView,
    /// The chats desk: the agent's conversations and the one open. Replaced whole when it
    /// changes.
    #[serde(default)]
    pub chats: ChatsView,
}

/// The contacts desk, worded by the core: the UI lays it out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactsView {
    /// The search as last sent: the UI's fields start from it.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<ContactListId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The lists the agent may see, by name (the list filter, "Duplicate to", a new contact's
    /// list).
    #[serde(default)]
    pub lists: Vec<ContactListOption>,
    /// The contacts found so far (the pages asked for, in the LDS's order).
    #[serde(default)]
    pub rows: Vec<ContactRow>,
    /// The result in words: "Searching…", "12 contacts", "No contacts match.", a live region.
    pub status_text: String,
    /// The LDS has more contacts for this search ("More contacts").
    #[serde(default)]
    pub can_more: bool,
    /// A search or a next page is on its way.
    #[serde(default)]
    pub loading: bool,
    /// The card open, over the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<ContactCardView>,
}

/// One contact list, as pickers show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactListOption {
    pub id: ContactListId,
    /// The list's name, as one line of plain text.
    pub name: String,
}

/// A contact to pick ("Merge with"): "Ana López (Customers)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactOption {
    pub id: ContactId,
    pub name: String,
}

/// One contact in the search's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: ContactId,
    /// The contact's name as the agent may read it (masked parts as the LDS masked them).
    pub name: String,
    /// "Acme · +34 600 111 222 · ana@example.com": what else tells contacts apart.
    pub detail: String,
    /// The list it is in.
    pub list_name: String,
    /// Tags, each as one line of plain text (grey chips).
    #[serde(default)]
    pub tags: Vec<String>,
}

/// The tabs of a contact card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactTab {
    #[default]
    Details,
    /// The customer journey: requests, sessions and transfers, newest first.
    Journey,
}

/// The open contact card (or a new contact being written, when `id` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactCardView {
    /// `None`: a new contact, not saved yet (the form is open, with `lists` to pick from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ContactId>,
    /// The card's heading: the contact's name, "New contact", or "Loading…".
    pub title: String,
    /// The contact has arrived (false while its first `get_contact` is on its way).
    pub loaded: bool,
    pub tab: ContactTab,
    /// The details as read, in order ("Name", "Company", "Phone", "E-mail", the list's own
    /// fields, "List", "Updated"); a masked value is shown as the LDS masked it.
    #[serde(default)]
    pub fields: Vec<ContactFieldView>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The edit form, while the agent edits (or writes a new contact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<ContactFormView>,
    /// "Edit", "Merge", "Duplicate" are offered (the contact is loaded, the link is up, nothing
    /// of the card is on its way).
    #[serde(default)]
    pub can_edit: bool,
    /// A save, merge or duplicate is on its way.
    #[serde(default)]
    pub busy: bool,
    /// Contacts of the current search it may be merged with (itself excluded).
    #[serde(default)]
    pub merge_options: Vec<ContactOption>,
    /// Lists it may be copied to (its own excluded).
    #[serde(default)]
    pub duplicate_lists: Vec<ContactListOption>,
    /// The journey, once asked for (the Journey tab); `None` while loading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journey: Option<Vec<JourneyRow>>,
    /// Shown when the journey is empty or loading ("Loading…", "Nothing happened with this
    /// contact yet.").
    pub journey_empty_text: String,
}

/// One detail of a contact card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFieldView {
    pub label: String,
    pub value: String,
    /// Hidden from this agent by the LDS: shown as given, never editable or revealed.
    #[serde(default)]
    pub masked: bool,
}

/// The edit form's starting values and what it may not change.
///
/// A part the LDS masked (`name_locked`, `phones_locked`, `emails_locked`) is shown read-only
/// with its masked value; the core never sends a masked value back: in the frame it sends, a
/// locked part is left empty (the LDS keeps the stored value of a hidden part, whatever the
/// draft says), and a draft that changes a locked part is refused with a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFormView {
    pub draft: ContactDraft,
    /// The list's custom fields, in order, by key and label.
    #[serde(default)]
    pub field_labels: Vec<(String, String)>,
    /// The names and the company (the LDS hides a company as a name).
    #[serde(default)]
    pub name_locked: bool,
    #[serde(default)]
    pub phones_locked: bool,
    #[serde(default)]
    pub emails_locked: bool,
    /// For a new contact: the lists it may go in (the first is preselected).
    #[serde(default)]
    pub lists: Vec<ContactListOption>,
}

/// One entry of a customer journey, worded by the core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JourneyRow {
    /// On the agent's clock: "Tue 3 Mar, 14:30".
    pub when: String,
    /// "Call now request: taken", "Session: Sale", "Transferred to Billing: came back".
    pub text: String,
    /// "Handled by Bo", "No agent".
    pub who: String,
    /// "in Sales", if it happened in a queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
}

/// The queues desk (the dashboard), worded by the core: the UI lays it out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DashboardView {
    /// One row per queue the agent serves, ordered by name.
    pub queues: Vec<QueueStatsRow>,
    /// What to show instead of rows when there are none ("Waiting for the server…", "You are
    /// not a member of any queue.").
    pub empty_text: String,
    /// The queue tapped open: who waits in it. `None`: the list of queues is on screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<QueueWaitingView>,
}

/// One queue on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueStatsRow {
    pub id: QueueId,
    /// The queue's name, as one line of plain text.
    pub name: String,
    /// "3 customers waiting", "No customers waiting".
    pub waiting_text: String,
    /// "oldest 3 min" (refreshed by the core once a minute); `None` when nobody waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_text: Option<String>,
    /// "2 available · 1 in a session · 1 not ready".
    pub members_text: String,
    /// What a tap on the row does, for screen readers ("Show who is waiting"): read after the
    /// visible facts, which are the rest of the button's name.
    pub tap_hint: String,
}

/// The customers waiting in the queue tapped open, longest waiting first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueWaitingView {
    pub id: QueueId,
    /// "Waiting in Sales".
    pub title: String,
    pub customers: Vec<WaitingCustomerRow>,
    /// Shown when `customers` is empty: "Loading…", "Nobody is waiting in Sales."
    pub empty_text: String,
    /// The words of the way back ("Back to queues").
    pub back_label: String,
}

/// One waiting customer in a queue's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingCustomerRow {
    pub id: RequestId,
    /// The customer, cleaned and masked like the request rows.
    pub customer: String,
    /// "Call now", "Chat", …
    pub kind_label: String,
    /// "waiting 4 min".
    pub waiting_text: String,
}

/// The agent's status as the header shows it, worded by the core. It is the LDS's: one status
/// on every device of the agent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatusView {
    pub availability: Availability,
    /// "Available", or "Not ready: Lunch".
    pub label: String,
    /// The code of the reason set, for not ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What the agent may pick to be not ready: the team's reasons, in order.
    #[serde(default)]
    pub reasons: Vec<StatusReason>,
    /// Since when, on the agent's clock ("since 12:05"), once the status was changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// In wrap-up: the form that closes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrap_up: Option<WrapUpView>,
}

/// The wrap-up form: the queue's dispositions, whether one is needed, and when it closes itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrapUpView {
    pub required: bool,
    pub dispositions: Vec<Disposition>,
    /// "Closes by itself in 0:45 (at 14:32:05)": a countdown the core moves on every second, and
    /// the moment on the agent's clock.
    pub closes_text: String,
}

/// One desk of the app: a part of the agent's work with its own screen, tab and badge.
///
/// Only built desks exist here. To come, each with its issue: `Chats` (conversations, badge = unread messages) and
/// `CallCases` (badge = call cases due).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DeskId {
    /// Customer requests: offers, scheduled calls and their history (seeds 000–002).
    #[default]
    Requests,
    /// The queues the agent serves, with their live numbers ("Queues"; seed 003's dashboard).
    Dashboard,
    /// The team's contacts: search, card, journey ("Contacts"; seed 003's contact manager).
    Contacts,
    /// The agent's chat conversations ("Chats"; seeds 001 and 003), badge = unread messages.
    Chats,
}

/// A desk's entry in the navigation (bottom tabs on a phone, a side rail on a wide screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskTab {
    pub id: DeskId,
    /// The tab's visible name ("Requests").
    pub label: String,
    /// The number on the tab (waiting customers, unread messages, due call cases); `None` when
    /// there is nothing to count, so no badge is drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<u32>,
    /// The badge as drawn: the count, capped at "99+" so it stays three characters wide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge_text: Option<String>,
    /// The badge in words for screen readers ("3 customers waiting"), also when there is none
    /// ("No customers waiting").
    pub badge_label: String,
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

/// The moments of [`ConnectionView`] in the agent's time zone, 24-hour: "10:42" and
/// "10:42:07". Each is set only when its moment exists in the current state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConnectionTimes {
    /// Offline since (minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Next attempt (seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<String>,
    /// Last sync (seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced_at: Option<String>,
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
    /// The status in words: for open rows when the call is to happen ("Waiting now", "Booked
    /// call, due now", "Booked for Tue 3 Mar, 14:30"), for history rows what happened ("Timed
    /// out", "Taken by Bo", "Cancelled").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status_text: String,
    /// The request kind in words ("Call now", "Inbound call").
    #[serde(default)]
    pub kind_label: String,
    /// What the agent can do with the row, and the words for it.
    #[serde(default)]
    pub actions: RowActions,
}

/// The buttons of one row.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RowActions {
    /// A click (or Enter) on the row accepts it: an offer, or a due call, and the agent is free.
    pub can_take: bool,
    /// The row's accessible name: who, what, its status, and "Accept" when it can be taken.
    pub take_label: String,
    /// The row has a reject button (open rows only).
    pub can_reject: bool,
    /// The reject button's accessible name ("Reject Ana Silva").
    pub reject_label: String,
}

/// The "Attend next customer" button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendNextView {
    /// Free and someone waits.
    pub allowed: bool,
    pub label: String,
    /// Why it is disabled, when the reason is not plain ("You are in a session").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Default for AttendNextView {
    fn default() -> Self {
        AttendNextView {
            allowed: false,
            label: "Attend next customer".into(),
            hint: None,
        }
    }
}

/// The session panel: the session as the LDS sent it, plus the customer as the rows show them.
/// Derefs to the [`Session`] for its ids and states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    #[serde(flatten)]
    pub session: Session,
    /// The customer's name, else the phone (masked when the agent asked for it, as in rows).
    pub customer_label: String,
    pub kind_label: String,
    /// The session's state in words ("Connecting", "Bridged", "Ended").
    pub state_label: String,
    /// Each call leg's state in words ("Ringing", "Answered", "Failed", "Hung up").
    pub agent_leg_label: String,
    pub customer_leg_label: String,
    /// The end button is enabled (the session has not ended).
    pub can_end: bool,
    /// How a transfer of this customer is going, in words ("Waiting for Bo… 4:58 left", "Bo
    /// took it", "Came back to you: …"); absent when the session was never transferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_text: Option<String>,
    /// The "Transfer" button is enabled: the session is open and no transfer of it waits.
    #[serde(default)]
    pub can_transfer: bool,
    /// The transfer picker, while the agent has it open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_picker: Option<TransferPickerView>,
    /// The customer's contact name, as one line of plain text (the session's `contact`), for the
    /// "Open contact" button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_label: Option<String>,
    /// The contact's last interactions before this session, newest first (at most three).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<JourneyRow>,
    /// The session's contact card (details and, while the agent edits, its form), once the LDS
    /// has answered; masked values as the LDS masked them. Its merge and copy options are empty:
    /// those stay on the contacts desk. Edited with `edit_session_contact` and
    /// `save_session_contact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_card: Option<Box<ContactCardView>>,
}

/// Whom the agent may transfer to, as the picker lists them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TransferPickerView {
    /// The LDS has not answered yet: the list is empty for now.
    pub loading: bool,
    /// Colleagues first (by name, with what they are doing), then queues.
    pub options: Vec<TransferOption>,
}

/// One target in the transfer picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferOption {
    pub target: TransferTarget,
    /// As the picker shows it: "Bo (available)", "Queue: Billing".
    pub label: String,
}

impl std::ops::Deref for SessionView {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

/// The bounds the core applies to [`Settings`] (the form shows them and keeps inside them; the
/// core clamps whatever comes outside them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SettingsLimits {
    /// Smallest re-alert interval, in seconds.
    pub realert_secs_min: u32,
    pub realert_secs_max: u32,
    /// Most re-alerts per customer (0 turns them off).
    pub realert_max_max: u32,
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
    /// The agent switches their status: `available`, or `not_ready` with a reason code from
    /// [`StatusView::reasons`].
    SetStatus {
        availability: Availability,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// "Done" on the wrap-up form: a disposition code (needed when [`WrapUpView::required`])
    /// and a note.
    FinishWrapUp {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        disposition: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// "Transfer" on the session panel: opens the picker (the core asks the LDS whom to).
    OpenTransfer,
    /// Closes the picker without transferring.
    CloseTransfer,
    /// Transfers the session's customer to `to` (one of the picker's options).
    Transfer {
        to: TransferTarget,
    },
    /// The agent picked a desk in the navigation. (A struct variant: intents are tagged by an
    /// `intent` field, so a payload must be an object: `{"intent":"open_desk","desk":"requests"}`.)
    OpenDesk {
        desk: DeskId,
    },
    /// The agent tapped a queue on the dashboard: show who waits in it.
    OpenQueue {
        queue: QueueId,
    },
    /// Back from a queue's waiting customers to the list of queues.
    CloseQueue,
    /// Search the contacts (the first page); empty text and no filter list them all.
    SearchContacts {
        #[serde(default)]
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        list: Option<ContactListId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
    },
    /// The next page of the current search ("More contacts").
    MoreContacts,
    /// Open a contact's card (from the results or the session panel); opens the contacts desk.
    OpenContact {
        contact: ContactId,
    },
    /// Close the card, back to the results.
    CloseContact,
    /// Switch the card's tab.
    ContactTab {
        tab: ContactTab,
    },
    /// Start (`true`) or cancel (`false`) editing the open card.
    EditContact {
        editing: bool,
    },
    /// Save the open card's edit form, as an edit of the version the card read.
    SaveContact {
        draft: ContactDraft,
    },
    /// Open a blank card to write a new contact.
    NewContact,
    /// Add a new contact to `list`.
    AddContact {
        list: ContactListId,
        draft: ContactDraft,
    },
    /// Merge the contact `with` into the open card's contact (the card's is kept).
    MergeContact {
        with: ContactId,
    },
    /// Copy the open card's contact into `list`.
    DuplicateContact {
        list: ContactListId,
    },
    /// Show a conversation on the Chats desk (its history, canned answers; marks it read).
    OpenChat {
        conversation: ConversationId,
    },
    /// Back to the list (phone widths).
    CloseChat,
    /// Show only the conversations that pass `filter` (the core asks the LDS for them).
    FilterChats {
        #[serde(default)]
        filter: ChatFilter,
    },
    /// Send the composer's text to the open conversation (`note`: as an internal note).
    SendChatMessage {
        conversation: ConversationId,
        body: String,
        #[serde(default)]
        note: bool,
    },
    /// Send again the message the view keys `key` (a failed one).
    RetryChatMessage {
        key: String,
    },
    /// Send one of the team's templates (`code`) to the open conversation: what the composer
    /// offers once the channel's free-text window is over.
    SendChatTemplate {
        conversation: ConversationId,
        template: String,
    },
    /// Replace the conversation's tags (the core checks and sends them).
    SetChatTags {
        conversation: ConversationId,
        tags: Vec<String>,
    },
    /// The page of messages before the oldest shown.
    OlderChatMessages,
    /// Save a message's file (one the open conversation shows) into the downloads folder.
    SaveChatAttachment {
        attachment: crate::AttachmentId,
    },
    /// The composer writes internal notes (`true`) or messages to the customer.
    ChatNoteMode {
        note: bool,
    },
    /// Start (`true`) or cancel (`false`) editing the session panel's contact card.
    EditSessionContact {
        editing: bool,
    },
    /// Save the session panel's contact card, as an edit of the version it read.
    SaveSessionContact {
        draft: ContactDraft,
    },
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
    fn open_desk_has_documented_shape() {
        let i: Intent =
            serde_json::from_str(r#"{"intent":"open_desk","desk":"requests"}"#).unwrap();
        assert_eq!(
            i,
            Intent::OpenDesk {
                desk: DeskId::Requests
            }
        );
    }

    #[test]
    fn contact_intents_have_documented_shape() {
        let i: Intent = serde_json::from_str(r#"{"intent":"open_contact","contact":5}"#).unwrap();
        assert_eq!(
            i,
            Intent::OpenContact {
                contact: ContactId(5)
            }
        );
        let i: Intent =
            serde_json::from_str(r#"{"intent":"search_contacts","text":"lop"}"#).unwrap();
        assert_eq!(
            i,
            Intent::SearchContacts {
                text: "lop".into(),
                list: None,
                tag: None
            }
        );
        let i: Intent =
            serde_json::from_str(r#"{"intent":"contact_tab","tab":"journey"}"#).unwrap();
        assert_eq!(
            i,
            Intent::ContactTab {
                tab: ContactTab::Journey
            }
        );
        let json = serde_json::to_string(&Intent::DuplicateContact {
            list: ContactListId(2),
        })
        .unwrap();
        assert_eq!(json, r#"{"intent":"duplicate_contact","list":2}"#);
    }

    #[test]
    fn default_view_round_trips() {
        let v = ViewState::default();
        let s = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<ViewState>(&s).unwrap(), v);
        assert!(Settings::default().notifications && Settings::default().sound);
    }
}

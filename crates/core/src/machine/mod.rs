//! [`Core`]: the agent's state machine. Inputs go in with `now`; outputs, the view and the next
//! wake-up come out. Nothing here touches a socket, a file or a clock.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use headsup_protocol::lds::{ClientFrame, Event, ServerFrame, PROTOCOL_VERSION};
use headsup_protocol::model::{
    AgentInfo, Request, RequestKind, RequestState, Session, SessionState, TransferTargets,
};
use headsup_protocol::view::{
    DeskId, Intent, LoginView, Notice, NoticeLevel, Settings, ViewState, ViewUpdate,
};
use headsup_protocol::{ErrorCode, RequestId};

use crate::alerts::{notification_id, Alerts, CATCH_UP_ID};
use crate::copy;
use crate::input::{Input, LoginFailure};
use crate::link::{Link, LinkDue};
use crate::notification::Notification;
use crate::output::Output;
use crate::queue::waiting_since;
use crate::saved::SavedState;
use crate::view::stream::{RowInputs, RowSource, ViewStream};
use crate::view::{frame, nav, shell::ShellFollow};

mod chats;
mod connection;
mod desks;
mod frames;
mod intents;
mod notify;
mod replay;
mod session_contact;
mod sign_in;
mod status;
mod transfer;

/// Smallest re-alert interval accepted from settings (published to the UI as a limit).
const MIN_REALERT_SECS: u32 = frame::SETTINGS_LIMITS.realert_secs_min;

pub struct Core {
    device: String,
    settings: Settings,
    email: Option<String>,
    login: LoginView,
    token: Option<String>,
    agent: Option<AgentInfo>,
    /// The connection; like `requests`, `alerts` and `replay`, a sub-machine with its own
    /// deadlines (see `Core::on_timeout` and `Core::poll_timeout`).
    link: Link,
    requests: desks::requests::RequestsDesk,
    /// The queues desk: the LDS's live numbers of the agent's queues (a minute deadline: ages).
    dashboard: desks::dashboard::DashboardDesk,
    /// The contacts desk: search, card, journey (no deadline: nothing in it changes by itself).
    contacts: desks::contacts::ContactsDesk,
    /// The chats desk: conversations, the open one, the outbox (deadline: a window closing).
    chats: desks::chats::ChatsDesk,
    /// The agent's status as the LDS keeps it (no deadlines of its own).
    status: status::Status,
    session: Option<Session>,
    /// The transfer picker on the session panel (the countdown follows from `session`).
    transfer_picker: transfer::TransferPicker,
    /// The session's customer: what happened with them before (the session panel).
    session_contact: session_contact::SessionContact,
    last_seq: Option<u64>,
    /// The queue in memory came from the LDS in this process. Only then can a reconnect resume
    /// from `last_seq`; after a restart the queue is empty, so the first hello asks for a
    /// snapshot (the saved `notified` set still keeps every request to one notification).
    has_server_state: bool,
    alerts: Alerts,
    /// A resume's replayed events being applied as one batch (see `replay.rs`).
    replay: replay::ReplayBatch,
    notice: Option<Notice>,
    focus: Option<RequestId>,
    /// The desk on screen (see [`ViewState::open_desk`]).
    open_desk: DeskId,
    next_cid: u64,
    outputs: VecDeque<Output>,
    /// The view last sent, for patches.
    stream: ViewStream,
    /// What the shell was last asked to do because of the state (keep-alive, permission).
    shell_follow: ShellFollow,
    /// The `now` of the latest input: time is only ever learnt from inputs.
    now: DateTime<Utc>,
}

impl Core {
    /// A core for this device, starting from what was saved last time. `jitter_seed` seeds the
    /// reconnect jitter (the driver passes a random number; tests a fixed one).
    pub fn new(device: impl Into<String>, saved: SavedState, jitter_seed: u64) -> Self {
        Core {
            device: device.into(),
            settings: saved.settings,
            email: saved.email,
            login: LoginView::Email,
            token: None,
            agent: None,
            link: Link::new(jitter_seed),
            requests: desks::requests::RequestsDesk::default(),
            dashboard: desks::dashboard::DashboardDesk::default(),
            contacts: desks::contacts::ContactsDesk::default(),
            chats: desks::chats::ChatsDesk::new(jitter_seed),
            status: status::Status::default(),
            session: None,
            transfer_picker: transfer::TransferPicker::default(),
            session_contact: session_contact::SessionContact::default(),
            last_seq: saved.last_seq,
            has_server_state: false,
            alerts: Alerts::from_saved(saved.notified),
            replay: replay::ReplayBatch::default(),
            notice: None,
            focus: None,
            open_desk: DeskId::default(),
            next_cid: 1,
            outputs: VecDeque::new(),
            stream: ViewStream::default(),
            shell_follow: ShellFollow::default(),
            now: DateTime::<Utc>::MIN_UTC,
        }
    }

    /// Feeds one input. Outputs are then taken with [`Core::poll`].
    pub fn handle(&mut self, input: Input, now: DateTime<Utc>) {
        self.now = now;
        self.requests.advance(now);
        match input {
            Input::Intent(intent) => self.on_intent(intent),
            Input::TokenLoaded(token) => self.on_token_loaded(token, now),
            Input::LoginFinished(result) => self.on_login_finished(result, now),
            Input::Connected => self.on_connected(now),
            Input::Frame(frame) => {
                self.link.heard(now);
                self.on_frame(*frame, now);
            }
            Input::Heartbeat => self.link.heard(now),
            Input::Disconnected { reason: _ } => {
                if self.link.lost(now) {
                    self.changed();
                }
            }
            Input::NotificationTapped(request) => {
                self.focus = request;
                self.open_desk = nav::of_notification(request);
                self.changed();
            }
            Input::ChatNotificationTapped(conversation) => self.open_chat(conversation),
            Input::Timeout => self.on_timeout(now),
            Input::ClockJumped => {
                // Whatever the socket says, events may have been missed while we slept:
                // reconnect now and resume from the last processed sequence.
                if self.link.has_socket() {
                    self.push(Output::Disconnect);
                }
                if self.token.is_some() {
                    self.connect(now);
                }
            }
        }
    }

    /// The next thing to do, or `None` when there is nothing until the next input.
    #[must_use]
    pub fn poll(&mut self) -> Option<Output> {
        if self.outputs.is_empty() {
            // Last, once the input's own outputs are out: what the state now asks of the shell.
            let changes = self.shell_follow.changes(&self.login, &self.link.view());
            self.outputs.extend(changes);
        }
        self.outputs.pop_front()
    }

    /// When to call `handle(Input::Timeout, ..)` if nothing else happens first: the soonest
    /// deadline of the sub-machines.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<DateTime<Utc>> {
        [
            self.link.poll_timeout(),
            self.replay.poll_timeout(),
            self.alerts.poll_timeout(),
            // Rows change by themselves (lingering, scheduled calls falling due) only if shown.
            self.token
                .as_ref()
                .and_then(|_| self.requests.poll_timeout()),
            transfer::countdown_tick(self.session.as_ref(), self.now),
            self.status.poll_timeout(self.now),
            self.token
                .as_ref()
                .and_then(|_| self.dashboard.poll_timeout()),
            self.token
                .as_ref()
                .and_then(|_| self.chats.poll_timeout(self.now)),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// What the UI shows at `now`, whole.
    pub fn view(&self, now: DateTime<Utc>) -> ViewState {
        let rows =
            self.requests
                .queue
                .rows(now, self.time_zone(), self.settings.mask_phone, self.held());
        ViewState {
            queue: rows.queue,
            scheduled: rows.scheduled,
            ..self.view_frame(rows.waiting, now)
        }
    }

    /// The view at `now` as the next message of the view stream: a full slice the first time,
    /// then the patches since the last one; `None` if nothing changed. Call it on
    /// [`Output::ViewChanged`] and send what it returns to the UI. Builds only the rows of
    /// requests that changed.
    pub fn view_update(&mut self, now: DateTime<Utc>) -> Option<ViewUpdate> {
        // Rows of a held agent (busy or not ready) neither blink nor offer to be taken.
        let (tz, mask_phone, busy) = (self.time_zone(), self.settings.mask_phone, self.held());
        let mut changed = self.requests.queue.take_changed();
        let order = self.requests.queue.order(now);
        if let Some(changed) = changed.as_mut() {
            changed.extend(order.volatile.iter().copied());
        }
        let frame = self.view_frame(order.waiting, now);
        let queue = &self.requests.queue;
        let build = |id| {
            queue
                .row(id, now, tz, mask_phone, busy)
                .expect("the order lists requests the queue holds")
        };
        let rows = RowSource {
            queue: &order.queue,
            scheduled: &order.scheduled,
            changed,
            inputs: RowInputs {
                time_zone: tz.name().to_string(),
                mask_phone,
                busy,
            },
            build: &build,
        };
        self.stream.update(frame, rows)
    }

    /// The view without its rows, for `waiting` customers, at `now`.
    fn view_frame(&self, waiting: u32, now: DateTime<Utc>) -> ViewState {
        let tz = self.time_zone();
        let busy = self.busy();
        let connection = self.link.view();
        ViewState {
            login: self.login.clone(),
            connection_times: frame::connection_times(&connection, tz),
            connection,
            agent: self.agent.clone(),
            attend_next: frame::attend_next(busy, self.status.is_available(), waiting),
            desks: nav::tabs(waiting, self.dashboard.waiting(), self.chats.unread()),
            waiting,
            queue: Vec::new(),
            scheduled: Vec::new(),
            session: self.session.as_ref().map(|s| {
                let connected = self.link.is_up();
                frame::SessionPanel {
                    transfer_text: transfer::text(s, now),
                    can_transfer: connected,
                    transfer_picker: self.transfer_picker.view(),
                    recent: self.session_contact.view(tz),
                    contact_card: self.contacts.session_card_view(tz, connected),
                }
                .view(s, self.settings.mask_phone)
            }),
            busy,
            settings: self.settings.clone(),
            settings_limits: frame::SETTINGS_LIMITS,
            focus: self.focus,
            notice: self.notice.clone(),
            open_desk: self.open_desk,
            status: self.status.view(tz, now),
            dashboard: self.dashboard.view(now, self.settings.mask_phone),
            contacts: self.contacts.view(tz, self.link.is_up()),
            chats: self.chats.view(&self.chats_view_context(now)),
        }
    }

    /// A full slice of the view last returned by [`Core::view_update`], with its version: for a
    /// UI that starts or missed an update.
    pub fn full_view(&self) -> ViewUpdate {
        self.stream.full()
    }

    /// What the driver writes to disk on [`Output::SaveState`].
    pub fn saved_state(&self) -> SavedState {
        SavedState {
            settings: self.settings.clone(),
            email: self.email.clone(),
            last_seq: self.last_seq,
            notified: self.alerts.notified().clone(),
        }
    }

    /// The requests already notified, as [`Core::saved_state`] would save them; lets the driver
    /// check that the file lists a request before its notification is shown, without a copy.
    pub fn notified(&self) -> &std::collections::BTreeSet<RequestId> {
        self.alerts.notified()
    }

    /// Whether the agent has a session token (signed in, or signing in from a stored one).
    pub fn is_signed_in(&self) -> bool {
        self.token.is_some()
    }

    pub fn last_seq(&self) -> Option<u64> {
        self.last_seq
    }

    /// In a session or on a call: accepting another customer is refused.
    pub fn busy(&self) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| s.state != SessionState::Ended)
    }

    /// The agent's time zone, for every time the agent reads (UTC until the LDS says).
    pub(super) fn time_zone(&self) -> Tz {
        self.agent
            .as_ref()
            .and_then(|a| a.time_zone.parse().ok())
            .unwrap_or(Tz::UTC)
    }

    pub(super) fn cid(&mut self) -> u64 {
        let cid = self.next_cid;
        self.next_cid += 1;
        cid
    }

    pub(super) fn notify_agent(&mut self, level: NoticeLevel, text: &str) {
        self.notice = Some(Notice {
            level,
            text: text.to_string(),
        });
        self.changed();
    }

    pub(super) fn push(&mut self, output: Output) {
        self.outputs.push_back(output);
    }

    /// Marks the view dirty. One `ViewChanged` per batch is enough: the driver renders the
    /// current view, not a diff.
    /// Reads the journey of the session's contact when the session on screen names a new one.
    pub(super) fn follow_session_contact(&mut self) {
        let connected = self.link.is_up();
        let mut next = self.next_cid;
        let frame = self
            .session_contact
            .follow(self.session.as_ref(), connected, || {
                next += 1;
                next - 1
            });
        self.next_cid = next;
        if let Some(frame) = frame {
            self.push(Output::Send(frame));
        }
        let contact = self
            .session
            .as_ref()
            .and_then(|s| s.contact.as_ref())
            .map(|c| c.id);
        let frames = self
            .contacts
            .follow_session(contact, connected, &mut self.next_cid);
        self.send_all(frames);
    }

    pub(super) fn changed(&mut self) {
        if !self.outputs.iter().any(|o| *o == Output::ViewChanged) {
            self.push(Output::ViewChanged);
        }
    }
}

//! [`Core`]: the agent's state machine. Inputs go in with `now`; outputs, the view and the next
//! wake-up come out. Nothing here touches a socket, a file or a clock.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use headsup_protocol::lds::{ClientFrame, Event, ServerFrame, PROTOCOL_VERSION};
use headsup_protocol::model::{AgentInfo, Request, RequestState, Session, SessionState};
use headsup_protocol::view::{Intent, LoginView, Notice, NoticeLevel, Settings, ViewState};
use headsup_protocol::{ErrorCode, RequestId};

use crate::alerts::{notification_id, Alerts, CATCH_UP_ID};
use crate::copy;
use crate::input::{Input, LoginFailure};
use crate::link::{dead_after, heartbeat, Link, LinkState};
use crate::notification::Notification;
use crate::output::Output;
use crate::queue::{waiting_since, Queue};
use crate::saved::SavedState;

/// Smallest re-alert interval accepted from settings: faster would be harassment.
const MIN_REALERT_SECS: u32 = 5;

pub struct Core {
    device: String,
    settings: Settings,
    email: Option<String>,
    login: LoginView,
    token: Option<String>,
    agent: Option<AgentInfo>,
    link: Link,
    queue: Queue,
    session: Option<Session>,
    last_seq: Option<u64>,
    alerts: Alerts,
    notice: Option<Notice>,
    focus: Option<RequestId>,
    next_cid: u64,
    outputs: VecDeque<Output>,
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
            queue: Queue::default(),
            session: None,
            last_seq: saved.last_seq,
            alerts: Alerts::from_saved(saved.notified),
            notice: None,
            focus: None,
            next_cid: 1,
            outputs: VecDeque::new(),
            now: DateTime::<Utc>::MIN_UTC,
        }
    }

    /// Feeds one input. Outputs are then taken with [`Core::poll`].
    pub fn handle(&mut self, input: Input, now: DateTime<Utc>) {
        self.now = now;
        match input {
            Input::Intent(intent) => self.on_intent(intent, now),
            Input::TokenLoaded(token) => self.on_token_loaded(token, now),
            Input::LoginFinished(result) => self.on_login_finished(result, now),
            Input::Connected => self.on_connected(now),
            Input::Frame(frame) => {
                self.link.heard(now);
                self.on_frame(frame, now);
            }
            Input::Heartbeat => self.link.heard(now),
            Input::Disconnected { reason: _ } => {
                if !matches!(self.link.state, LinkState::Idle | LinkState::Offline { .. }) {
                    self.link.go_offline(now);
                    self.changed();
                }
            }
            Input::NotificationTapped(request) => {
                self.focus = request;
                self.changed();
            }
            Input::Timeout => self.on_timeout(now),
            Input::ClockJumped => {
                // Whatever the socket says, events may have been missed while we slept:
                // reconnect now and resume from the last processed sequence.
                if self.link.is_open() || matches!(self.link.state, LinkState::Opening { .. }) {
                    self.push(Output::Disconnect);
                }
                if self.token.is_some() {
                    self.connect(now);
                }
            }
        }
    }

    /// The next thing to do, or `None` when there is nothing until the next input.
    pub fn poll(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When to call `handle(Input::Timeout, ..)` if nothing else happens first.
    pub fn poll_timeout(&self) -> Option<DateTime<Utc>> {
        [
            self.link.deadline(),
            self.alerts.next_deadline(),
            // Rows change by themselves (lingering, scheduled calls falling due) only if shown.
            self.token.as_ref().and_then(|_| self.queue_next_change()),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// What the UI shows at `now`.
    pub fn view(&self, now: DateTime<Utc>) -> ViewState {
        let tz: Tz = self
            .agent
            .as_ref()
            .and_then(|a| a.time_zone.parse().ok())
            .unwrap_or(Tz::UTC);
        let (queue, scheduled) = self
            .queue
            .rows(now, tz, self.settings.mask_phone, self.busy());
        ViewState {
            login: self.login.clone(),
            connection: self.link.view(),
            agent: self.agent.clone(),
            queue,
            scheduled,
            session: self.session.clone(),
            busy: self.busy(),
            settings: self.settings.clone(),
            focus: self.focus,
            notice: self.notice.clone(),
        }
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

    /// The session token, for the driver's `hello`-less uses (none today; kept for HTTP calls).
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

    // ------------------------------------------------------------------------------------------
    // Sign-in

    fn on_token_loaded(&mut self, token: Option<String>, now: DateTime<Utc>) {
        match token {
            Some(token) => {
                // Optimistic: the stored token is used at once; if the LDS refuses it, the
                // agent lands on the password step with the reason.
                self.token = Some(token);
                self.login = LoginView::SignedIn;
                self.connect(now);
            }
            None => self.login = LoginView::Email,
        }
        self.changed();
    }

    fn on_intent(&mut self, intent: Intent, now: DateTime<Utc>) {
        match intent {
            Intent::SubmitEmail { email } => {
                let email = email.trim().to_string();
                if email.is_empty() || !email.contains('@') {
                    self.notify_agent(
                        NoticeLevel::Error,
                        "Enter the e-mail address you sign in with.",
                    );
                } else {
                    self.notice = None;
                    self.login = LoginView::Password { email, error: None };
                }
            }
            Intent::SubmitPassword { password } => {
                let LoginView::Password { email, .. } = &self.login else {
                    return;
                };
                let email = email.clone();
                if password.is_empty() {
                    self.login = LoginView::Password {
                        email,
                        error: Some("Enter your password.".into()),
                    };
                } else {
                    self.login = LoginView::Connecting {
                        email: email.clone(),
                    };
                    self.push(Output::Login { email, password });
                }
            }
            Intent::ChangeEmail => {
                if matches!(self.login, LoginView::Password { .. }) {
                    self.login = LoginView::Email;
                }
            }
            Intent::Logout => self.sign_out(None),
            Intent::Accept { request } => {
                if self.refuse_command(Some(request)) {
                    return;
                }
                let cid = self.cid();
                self.push(Output::Send(ClientFrame::Accept { cid, request }));
            }
            Intent::Reject { request } => {
                if !self.require_link() {
                    return;
                }
                let cid = self.cid();
                self.push(Output::Send(ClientFrame::Reject { cid, request }));
            }
            Intent::AttendNext => {
                if self.refuse_command(None) {
                    return;
                }
                let cid = self.cid();
                self.push(Output::Send(ClientFrame::AttendNext { cid }));
            }
            Intent::EndSession => {
                let Some(session) = self.session.as_ref().filter(|_| self.busy()).map(|s| s.id)
                else {
                    self.notify_agent(NoticeLevel::Info, "You are not in a session.");
                    return;
                };
                if !self.require_link() {
                    return;
                }
                let cid = self.cid();
                self.push(Output::Send(ClientFrame::EndSession { cid, session }));
            }
            Intent::SaveSettings { mut settings } => {
                settings.realert_secs = settings.realert_secs.max(MIN_REALERT_SECS);
                if !settings.notifications {
                    // Turned off: nothing stays on screen and nothing re-alerts.
                    for id in self.alerts.withdraw_all() {
                        self.push(Output::Withdraw(id));
                    }
                }
                self.settings = settings;
                self.push(Output::SaveState);
            }
            Intent::DismissNotice => self.notice = None,
        }
        let _ = now;
        self.changed();
    }

    fn on_login_finished(
        &mut self,
        result: Result<headsup_protocol::lds::LoginResponse, LoginFailure>,
        now: DateTime<Utc>,
    ) {
        let LoginView::Connecting { email } = &self.login else {
            return; // The agent moved on (changed e-mail) before the answer came.
        };
        let email = email.clone();
        match result {
            Ok(resp) => {
                self.push(Output::StoreToken(resp.token.clone()));
                self.token = Some(resp.token);
                if self.agent.as_ref().is_some_and(|a| a.id != resp.agent.id) {
                    // Another agent on this device: their events are not ours to resume.
                    self.last_seq = None;
                }
                self.agent = Some(resp.agent);
                self.email = Some(email);
                self.login = LoginView::SignedIn;
                self.notice = None;
                self.push(Output::SaveState);
                self.connect(now);
            }
            Err(failure) => {
                let error = match failure {
                    LoginFailure::Refused {
                        code: ErrorCode::InvalidCredentials,
                        ..
                    } => "Wrong e-mail or password.".to_string(),
                    LoginFailure::Refused {
                        code: ErrorCode::RateLimited,
                        message,
                    } => {
                        format!("Too many attempts. {message}")
                    }
                    LoginFailure::Refused { message, .. } => message,
                    LoginFailure::Unreachable(why) => {
                        format!(
                            "Cannot reach the server ({why}). Check the connection and try again."
                        )
                    }
                };
                self.login = LoginView::Password {
                    email,
                    error: Some(error),
                };
            }
        }
        self.changed();
    }

    /// Logout (no reason) or the LDS refused the token (with the reason the agent must read).
    fn sign_out(&mut self, reason: Option<String>) {
        if self.link.is_open() || matches!(self.link.state, LinkState::Opening { .. }) {
            self.push(Output::Disconnect);
        }
        if self.token.take().is_some() || reason.is_some() {
            self.push(Output::ClearToken);
        }
        for id in self.alerts.withdraw_all() {
            self.push(Output::Withdraw(id));
        }
        self.link.state = LinkState::Idle;
        self.queue.clear();
        self.session = None;
        self.focus = None;
        self.login = match (&reason, &self.email) {
            (Some(reason), Some(email)) => LoginView::Password {
                email: email.clone(),
                error: Some(reason.clone()),
            },
            _ => LoginView::Email,
        };
        self.notice = reason.map(|text| Notice {
            level: NoticeLevel::Warning,
            text,
        });
        self.push(Output::SaveState);
        self.changed();
    }

    // ------------------------------------------------------------------------------------------
    // Connection

    fn connect(&mut self, now: DateTime<Utc>) {
        self.link.state = LinkState::Opening { since: now };
        self.push(Output::Connect);
        self.changed();
    }

    fn on_connected(&mut self, now: DateTime<Utc>) {
        let (LinkState::Opening { .. }, Some(token)) = (self.link.state, self.token.clone()) else {
            return;
        };
        self.link.state = LinkState::Handshake { since: now };
        self.link.heard(now);
        self.push(Output::Send(ClientFrame::Hello {
            token,
            last_seq: self.last_seq,
            device: self.device.clone(),
            protocol: PROTOCOL_VERSION,
        }));
        self.changed();
    }

    /// Drops the connection and retries at once, resuming from the last processed sequence.
    fn resync(&mut self, now: DateTime<Utc>) {
        self.push(Output::Disconnect);
        self.connect(now);
    }

    fn on_timeout(&mut self, now: DateTime<Utc>) {
        // The connection.
        match self.link.state {
            LinkState::Opening { since } | LinkState::Handshake { since }
                if since + dead_after() <= now =>
            {
                self.push(Output::Disconnect);
                self.link.go_offline(now);
                self.changed();
            }
            LinkState::CatchingUp { .. } | LinkState::Synced { .. } => {
                if self.link.last_heard + dead_after() <= now {
                    // Nothing for DEAD_AFTER_SECS, not even a pong: the socket is a corpse.
                    self.push(Output::Disconnect);
                    self.link.go_offline(now);
                    self.changed();
                } else if self.link.last_heard.max(self.link.last_ping) + heartbeat() <= now {
                    self.link.last_ping = now;
                    self.push(Output::Ping);
                }
            }
            LinkState::Offline { retry_at, .. } if retry_at <= now && self.token.is_some() => {
                self.connect(now)
            }
            _ => {}
        }
        // Re-alerts.
        for id in self.alerts.due(now) {
            self.realert(id, now);
        }
        // Rows that change by themselves.
        if self.queue.drop_lingering(now) {
            self.changed();
        }
        if self.queue_next_change().is_some_and(|at| at <= now) {
            self.changed();
        }
    }

    fn queue_next_change(&self) -> Option<DateTime<Utc>> {
        // A scan of the queue; `benches/core.rs` measures it with 10,000 requests.
        self.queue.next_change(self.now)
    }

    // ------------------------------------------------------------------------------------------
    // Frames

    fn on_frame(&mut self, frame: ServerFrame, now: DateTime<Utc>) {
        match frame {
            ServerFrame::Welcome {
                agent, head_seq, ..
            } => {
                self.agent = Some(agent);
                self.link.reset_backoff();
                self.login = LoginView::SignedIn;
                self.link.state = LinkState::CatchingUp { head_seq };
                self.check_caught_up(now);
                self.changed();
            }
            ServerFrame::Snapshot {
                seq,
                requests,
                session,
            } => {
                self.apply_snapshot(seq, requests, session, now);
                self.check_caught_up(now);
            }
            ServerFrame::Event { seq, event, .. } => {
                match self.last_seq {
                    Some(last) if seq <= last => return, // Already processed: a replay overlap.
                    Some(last) if seq == last + 1 => {}
                    // A gap (or events before any snapshot): we would miss something. Start over
                    // from what we have; the LDS replays or sends a snapshot.
                    _ => return self.resync(now),
                }
                self.apply_event(event, now);
                self.last_seq = Some(seq);
                self.push(Output::SaveState);
                self.check_caught_up(now);
                self.changed();
            }
            ServerFrame::Reply { .. } => {}
            ServerFrame::Error { cid, code, message } => {
                if code.requires_sign_in() {
                    let reason = match code {
                        ErrorCode::TokenExpired => "Your session expired. Sign in again.",
                        ErrorCode::TokenRevoked => {
                            "You were signed out from the server. Sign in again."
                        }
                        _ => "The server did not recognise your session. Sign in again.",
                    };
                    self.sign_out(Some(reason.to_string()));
                } else if cid.is_some() {
                    self.notify_agent(NoticeLevel::Warning, &command_refused(code, &message));
                } else {
                    self.notify_agent(NoticeLevel::Error, &message);
                }
            }
        }
    }

    fn check_caught_up(&mut self, now: DateTime<Utc>) {
        match self.link.state {
            LinkState::CatchingUp { head_seq } if self.last_seq.is_some_and(|s| s >= head_seq) => {
                self.link.state = LinkState::Synced { at: now };
            }
            LinkState::Synced { .. } => self.link.state = LinkState::Synced { at: now },
            _ => {}
        }
    }

    fn apply_snapshot(
        &mut self,
        seq: u64,
        requests: Vec<Request>,
        session: Option<Session>,
        now: DateTime<Utc>,
    ) {
        let was_busy = self.busy();
        self.queue.replace_all(requests);
        self.session = session.filter(|s| s.state != SessionState::Ended);
        self.last_seq = Some(seq);
        // Withdraw what is on screen for requests no longer waiting.
        let stale: Vec<RequestId> = self
            .alerts
            .live_ids()
            .filter(|&id| {
                self.queue
                    .get(id)
                    .is_none_or(|r| r.state != RequestState::Pending)
            })
            .collect();
        for id in stale {
            self.withdraw(id);
        }
        if was_busy && !self.busy() {
            self.catch_up(now);
        } else {
            // Offers that came while we were away: one each, or one summary for a burst.
            let fresh: Vec<Request> = self
                .queue
                .waiting()
                .filter(|r| self.may_notify(r))
                .cloned()
                .collect();
            if fresh.len() > 1 {
                self.catch_up(now);
            } else {
                for r in fresh {
                    self.first_alert(&r, now);
                }
            }
        }
        self.withdraw_catch_up_if_done();
        self.push(Output::SaveState);
        self.changed();
    }

    fn apply_event(&mut self, event: Event, now: DateTime<Utc>) {
        match event {
            Event::Offered { request } => {
                let request = Request {
                    state: RequestState::Pending,
                    ..request
                };
                self.queue.upsert(request.clone());
                if self.may_notify(&request) {
                    self.first_alert(&request, now);
                }
            }
            Event::Scheduled { request } => self.queue.upsert(request),
            Event::Taken { request, by } => {
                let label = self
                    .queue
                    .get(request)
                    .map(|r| copy::customer_label(&r.customer, self.settings.mask_phone));
                if self
                    .queue
                    .close(request, RequestState::Taken { by: by.clone() }, now)
                {
                    if let Some(label) = label {
                        self.notify_agent(NoticeLevel::Info, &format!("{} took {label}.", by.name));
                    }
                }
                self.withdraw(request);
            }
            Event::Rejected { request } => {
                self.queue.remove(request);
                self.withdraw(request);
            }
            Event::TimedOut { request } => {
                self.queue.close(request, RequestState::TimedOut, now);
                self.withdraw(request);
            }
            Event::Cancelled { request } => {
                self.queue.close(request, RequestState::Cancelled, now);
                self.withdraw(request);
            }
            Event::Assigned { request, session } => {
                // Ours (from this device or another of the agent's): it is a session now.
                self.queue.remove(request.id);
                self.withdraw(request.id);
                self.alerts.mark_notified(request.id);
                self.set_session(session, now);
            }
            Event::SessionUpdated { session } => self.set_session(session, now),
        }
        self.withdraw_catch_up_if_done();
    }

    fn set_session(&mut self, session: Session, now: DateTime<Utc>) {
        let was_busy = self.busy();
        self.session = (session.state != SessionState::Ended).then_some(session);
        if was_busy && !self.busy() {
            self.catch_up(now);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Notifications

    /// The seeds' rules: signed in, notifications on, not busy for inbound/scheduled kinds, and
    /// never twice for one request.
    fn may_notify(&self, r: &Request) -> bool {
        self.token.is_some()
            && self.settings.notifications
            && r.state == RequestState::Pending
            && !(self.busy() && r.kind.quiet_while_busy())
            && !self.alerts.was_notified(r.id)
    }

    fn first_alert(&mut self, r: &Request, now: DateTime<Utc>) {
        if !self.alerts.mark_notified(r.id) {
            return;
        }
        let who = copy::customer_label(&r.customer, self.settings.mask_phone);
        let (title, body) = copy::first_alert(r.kind, &who);
        self.push(Output::Notify(Notification {
            id: notification_id(r.id),
            request: Some(r.id),
            title,
            body,
            sound: self.settings.sound,
            urgency: 0,
        }));
        self.alerts
            .shown(r.id, now, self.realert_every(), self.settings.realert_max);
    }

    fn realert(&mut self, id: RequestId, now: DateTime<Utc>) {
        let still_waiting = self
            .queue
            .get(id)
            .filter(|r| r.state == RequestState::Pending)
            .cloned();
        let Some(r) = still_waiting else {
            self.withdraw(id);
            return;
        };
        if self.busy() || !self.settings.notifications {
            // Nothing the agent can do about it now; the catch-up covers it when free.
            self.alerts.postpone(id, now + self.realert_every());
            return;
        }
        let urgency =
            self.alerts
                .realerted(id, now, self.realert_every(), self.settings.realert_max);
        let who = copy::customer_label(&r.customer, self.settings.mask_phone);
        let (title, body) = copy::re_alert(r.kind, &who, waiting_since(&r), now);
        self.push(Output::Notify(Notification {
            id: notification_id(id),
            request: Some(id),
            title,
            body,
            sound: self.settings.sound,
            urgency,
        }));
    }

    /// One summary instead of a burst: the agent just became free, or came back to many offers.
    fn catch_up(&mut self, now: DateTime<Utc>) {
        if self.token.is_none() || !self.settings.notifications {
            return;
        }
        let waiting: Vec<(RequestId, DateTime<Utc>)> = self
            .queue
            .waiting()
            .map(|r| (r.id, waiting_since(r)))
            .collect();
        let Some(oldest) = waiting.iter().map(|w| w.1).min() else {
            return;
        };
        for (id, _) in &waiting {
            self.alerts.mark_notified(*id);
        }
        let (title, body) = copy::catch_up(waiting.len(), oldest, now);
        self.alerts.catch_up_live = true;
        self.push(Output::Notify(Notification {
            id: CATCH_UP_ID,
            request: None,
            title,
            body,
            sound: self.settings.sound,
            urgency: 0,
        }));
    }

    fn withdraw(&mut self, id: RequestId) {
        if let Some(nid) = self.alerts.withdraw(id) {
            self.push(Output::Withdraw(nid));
        }
    }

    fn withdraw_catch_up_if_done(&mut self) {
        if self.alerts.catch_up_live && self.queue.waiting().next().is_none() {
            self.alerts.catch_up_live = false;
            self.push(Output::Withdraw(CATCH_UP_ID));
        }
    }

    fn realert_every(&self) -> Duration {
        Duration::seconds(i64::from(self.settings.realert_secs.max(MIN_REALERT_SECS)))
    }

    // ------------------------------------------------------------------------------------------
    // Commands

    /// Refuses locally what the server would refuse anyway, with a reason the agent can act on.
    fn refuse_command(&mut self, request: Option<RequestId>) -> bool {
        if self.busy() {
            let who = self
                .session
                .as_ref()
                .map(|s| copy::customer_label(&s.customer, self.settings.mask_phone));
            let text = match who {
                Some(who) => format!(
                    "You are in a session with {who}. End it before taking another customer."
                ),
                None => "You are in a session. End it before taking another customer.".to_string(),
            };
            self.notify_agent(NoticeLevel::Warning, &text);
            return true;
        }
        if let Some(id) = request {
            if self
                .queue
                .get(id)
                .is_none_or(|r| !matches!(r.state, RequestState::Pending | RequestState::Scheduled))
            {
                self.notify_agent(NoticeLevel::Warning, "This customer is no longer waiting.");
                return true;
            }
        }
        !self.require_link()
    }

    fn require_link(&mut self) -> bool {
        if self.link.is_up() {
            return true;
        }
        self.notify_agent(
            NoticeLevel::Warning,
            "Not connected to the server yet. Try again in a moment.",
        );
        false
    }

    fn cid(&mut self) -> u64 {
        let cid = self.next_cid;
        self.next_cid += 1;
        cid
    }

    fn notify_agent(&mut self, level: NoticeLevel, text: &str) {
        self.notice = Some(Notice {
            level,
            text: text.to_string(),
        });
        self.changed();
    }

    fn push(&mut self, output: Output) {
        self.outputs.push_back(output);
    }

    /// Marks the view dirty. One `ViewChanged` per batch is enough: the driver renders the
    /// current view, not a diff.
    fn changed(&mut self) {
        if !self.outputs.iter().any(|o| *o == Output::ViewChanged) {
            self.push(Output::ViewChanged);
        }
    }
}

/// The agent-facing reason for a refused command.
fn command_refused(code: ErrorCode, message: &str) -> String {
    match code {
        ErrorCode::AlreadyTaken => "Another agent took this customer first.".into(),
        ErrorCode::NotPending => "This customer is no longer waiting.".into(),
        ErrorCode::Busy => "You are in a session. End it before taking another customer.".into(),
        ErrorCode::NotOffered => "This request is not offered to you.".into(),
        ErrorCode::NothingPending => "No customer is waiting right now.".into(),
        _ => message.to_string(),
    }
}

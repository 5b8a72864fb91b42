//! Frames from the LDS: welcome, snapshot, events in sequence, replies and errors.

use super::*;
use headsup_protocol::lds::{ErrorFrame, EventFrame, Reply, Snapshot, Welcome};
use headsup_protocol::model::{AgentStatus, TransferOutcome};

impl Core {
    pub(super) fn on_frame(&mut self, frame: ServerFrame, now: DateTime<Utc>) {
        match frame {
            ServerFrame::Welcome(Welcome {
                agent,
                head_seq,
                resumed,
                status_reasons,
                ..
            }) => {
                self.agent = Some(agent);
                self.status.set_reasons(status_reasons);
                self.login = LoginView::SignedIn;
                self.link.welcomed(head_seq);
                if resumed && self.has_server_state {
                    let held = self.held();
                    self.replay.start(self.last_seq, head_seq, held, now);
                }
                // The contacts desk asks again what it shows: answers went with the old socket.
                let open = self.open_desk == DeskId::Contacts;
                let frames = self.contacts.reload(&mut self.next_cid, open);
                self.send_all(frames);
                // The conversations, the open one's messages, and what was sent unanswered.
                let me = self.agent.as_ref().map(|a| a.id);
                let frames = self.chats.reconnected(me, &mut self.next_cid);
                self.send_all(frames);
                self.session_contact.reconnected();
                self.follow_session_contact();
                // A queue left open across a reconnect: its answer went with the old socket.
                if let Some(queue) = self.dashboard.open_queue() {
                    let cid = self.cid();
                    self.dashboard.relisting(cid);
                    self.push(Output::Send(ClientFrame::QueueWaiting { cid, queue }));
                }
                self.check_caught_up(now);
                self.changed();
            }
            ServerFrame::Snapshot(Snapshot {
                seq,
                requests,
                session,
                status,
            }) => {
                self.apply_snapshot(seq, requests, session, status, now);
                self.follow_session_contact();
                self.check_caught_up(now);
            }
            ServerFrame::Event(EventFrame { seq, event, .. }) => {
                match self.applied_seq() {
                    Some(last) if seq <= last => return, // Already processed: a replay overlap.
                    Some(last) if seq == last + 1 => {}
                    // A gap (or events before any snapshot): we would miss something. Start over
                    // from what we have; the LDS replays or sends a snapshot.
                    _ => return self.resync(now),
                }
                self.apply_event(event, now);
                self.follow_session_contact();
                self.last_seq = Some(seq);
                self.push(Output::SaveState);
                if let Some(ended) = self.replay.applied_up_to(self.last_seq) {
                    self.replay_ended(ended, now);
                }
                self.check_caught_up(now);
                self.changed();
            }
            ServerFrame::Reply(reply) if self.session_contact.awaits(reply.cid) => {
                self.session_contact.answered(reply.journey);
                self.changed();
            }
            ServerFrame::Reply(reply) if self.chats.awaits(reply.cid) => {
                let on_screen = self.chat_on_screen();
                let frame = self.chats.on_reply(reply, on_screen, &mut self.next_cid);
                self.send_all(frame);
                self.changed();
            }
            ServerFrame::Reply(reply) if self.contacts.awaits(reply.cid) => {
                match self.contacts.on_reply(reply) {
                    desks::contacts::Follow::Nothing => {}
                    desks::contacts::Follow::Tell(text) => {
                        self.notify_agent(NoticeLevel::Info, &text)
                    }
                    desks::contacts::Follow::Warn(text) => {
                        self.notify_agent(NoticeLevel::Warning, &text)
                    }
                }
                self.changed();
            }
            ServerFrame::Reply(Reply {
                transfer_targets: Some(targets),
                ..
            }) => {
                self.transfer_picker.answered(targets);
                self.changed();
            }
            ServerFrame::Reply(Reply {
                cid,
                waiting: Some(waiting),
                ..
            }) => {
                if self.dashboard.on_waiting(cid, waiting, now) {
                    self.changed();
                }
            }
            ServerFrame::Reply(Reply { .. }) => {}
            ServerFrame::Dashboard(dashboard) => {
                if let desks::dashboard::Follow::Relist(queue) =
                    self.dashboard.on_dashboard(dashboard, now)
                {
                    // Who waits changed while the agent looks at the queue: list it again.
                    let cid = self.cid();
                    self.dashboard.relisting(cid);
                    self.push(Output::Send(ClientFrame::QueueWaiting { cid, queue }));
                }
                self.changed();
            }
            ServerFrame::Error(ErrorFrame { cid, code, message }) => {
                if code.requires_sign_in() {
                    let reason = match code {
                        ErrorCode::TokenExpired => "Your session expired. Sign in again.",
                        ErrorCode::TokenRevoked => {
                            "You were signed out from the server. Sign in again."
                        }
                        _ => "The server did not recognise your session. Sign in again.",
                    };
                    self.sign_out(Some(reason.to_string()));
                } else if cid.is_some_and(|cid| self.session_contact.awaits(cid)) {
                    // The history is a courtesy: without it the panel just lists nothing.
                    self.session_contact.answered(None);
                    self.changed();
                } else if let Some(cid) = cid.filter(|cid| self.chats.awaits(*cid)) {
                    // A chat command: a refused message fails with the reason, on its row.
                    if let Some(why) = self.chats.on_refused(cid, code, &message) {
                        self.notify_agent(NoticeLevel::Warning, &why);
                    }
                    self.changed();
                } else if let Some((follow, frame)) =
                    cid.and_then(|cid| self.contacts.on_refused(cid, code, &mut self.next_cid))
                {
                    // A contact command: the desk words it (a stale edit reloads the card).
                    self.send_all(frame);
                    if let desks::contacts::Follow::Warn(text)
                    | desks::contacts::Follow::Tell(text) = follow
                    {
                        self.notify_agent(NoticeLevel::Warning, &text);
                    }
                    self.changed();
                } else if let Some(cid) = cid {
                    // A queue that is no longer the agent's: the desk goes back to the list.
                    self.dashboard.on_refused(cid);
                    self.notify_agent(NoticeLevel::Warning, &command_refused(code, &message));
                } else {
                    self.notify_agent(NoticeLevel::Error, &message);
                }
            }
        }
    }

    pub(super) fn check_caught_up(&mut self, now: DateTime<Utc>) {
        self.link.applied_up_to(self.applied_seq(), now);
    }

    pub(super) fn apply_snapshot(
        &mut self,
        seq: u64,
        requests: Vec<Request>,
        session: Option<Session>,
        status: AgentStatus,
        now: DateTime<Utc>,
    ) {
        // A replay cut short by this snapshot: the snapshot is the truth now, and alerts.
        let was_busy = self.replay.drop_batch().unwrap_or(self.held());
        self.requests.queue.replace_all(requests);
        self.has_server_state = true;
        self.session = session.filter(|s| s.state != SessionState::Ended);
        // Under the replay's rule: the backlog below alerts (or summarises) what waits.
        self.status.replace(status);
        if !self.status.is_available() {
            for id in self.alerts.withdraw_all() {
                self.push(Output::Withdraw(id));
            }
        }
        self.last_seq = Some(seq);
        // Withdraw what is on screen for requests no longer waiting.
        let stale: Vec<RequestId> = self
            .alerts
            .live_ids()
            .filter(|&id| {
                self.requests
                    .queue
                    .get(id)
                    .is_none_or(|r| r.state != RequestState::Pending)
            })
            .collect();
        for id in stale {
            self.withdraw(id);
        }
        // Offers that came while we were away: one each, or one summary for a burst.
        self.alert_backlog(was_busy, now);
        self.push(Output::SaveState);
        self.changed();
    }

    pub(super) fn apply_event(&mut self, event: Event, now: DateTime<Utc>) {
        match event {
            Event::Offered { request } => {
                let request = Request {
                    state: RequestState::Pending,
                    ..request
                };
                self.requests.queue.upsert(request.clone());
                // In a replay, only what is still open at its end alerts.
                if !self.replay.is_running() && self.may_notify(&request) {
                    self.first_alert(&request, now);
                }
            }
            Event::Scheduled { request } => self.requests.queue.upsert(request),
            Event::Taken { request, by } => {
                let label = self.requests.queue.get(request).map(|r| {
                    copy::customer_with_contact(
                        &r.customer,
                        r.contact.as_ref(),
                        self.settings.mask_phone,
                    )
                });
                if self
                    .requests
                    .queue
                    .close(request, RequestState::Taken { by: by.clone() }, now)
                {
                    if let Some(label) = label {
                        let by = copy::person_name(&by.name);
                        self.notify_agent(NoticeLevel::Info, &format!("{by} took {label}."));
                    }
                }
                self.withdraw(request);
            }
            Event::Rejected { request } | Event::Passed { request } => {
                self.requests.queue.remove(request);
                self.withdraw(request);
            }
            Event::TimedOut { request } => {
                self.requests
                    .queue
                    .close(request, RequestState::TimedOut, now);
                self.withdraw(request);
            }
            Event::Cancelled { request } => {
                self.requests
                    .queue
                    .close(request, RequestState::Cancelled, now);
                self.withdraw(request);
            }
            Event::Assigned { request, session } => {
                // Ours (from this device or another of the agent's): it is a session now.
                self.requests.queue.remove(request.id);
                self.withdraw(request.id);
                self.alerts.mark_notified(request.id);
                let chat = session.conversation;
                self.set_session(session, now);
                // A chat just taken: the agent's next move is to greet, so its conversation
                // opens (not while a resume replays what happened while away).
                if let Some(id) = chat.filter(|_| !self.replay.is_running()) {
                    self.open_chat(id);
                }
            }
            Event::SessionUpdated { session } => self.set_session(session, now),
            Event::StatusChanged { status } => self.set_status(status, now),
            event @ (Event::Conversation { .. }
            | Event::Message { .. }
            | Event::MessageState { .. }) => self.on_chat_event(event),
        }
        self.withdraw_catch_up_if_done();
    }

    pub(super) fn set_session(&mut self, session: Session, now: DateTime<Utc>) {
        let was_held = self.held();
        self.tell_transfer_outcome(&session);
        if session.state == SessionState::Ended {
            self.transfer_picker.close();
        }
        self.session = (session.state != SessionState::Ended).then_some(session);
        if was_held && !self.held() && !self.replay.is_running() {
            self.catch_up(now);
        }
    }
}

impl Core {
    /// A transfer of the agent's session was decided: say so once, in a notice (a taken one
    /// ends the session, so its panel is gone).
    fn tell_transfer_outcome(&mut self, session: &Session) {
        let Some(t) = &session.transfer else {
            return;
        };
        let before = self
            .session
            .as_ref()
            .filter(|s| s.id == session.id)
            .and_then(|s| s.transfer.as_ref())
            .filter(|b| b.request == t.request)
            .map(|b| &b.outcome);
        if before != Some(&TransferOutcome::Waiting) || t.outcome == TransferOutcome::Waiting {
            return;
        }
        let who = copy::customer_with_contact(
            &session.customer,
            session.contact.as_ref(),
            self.settings.mask_phone,
        );
        let (level, text) = match &t.outcome {
            TransferOutcome::Taken { by } => (
                NoticeLevel::Info,
                format!("{} took {who}.", copy::person_name(&by.name)),
            ),
            _ => (
                NoticeLevel::Warning,
                format!("Nobody took the transfer in time: {who} is back with you."),
            ),
        };
        self.notify_agent(level, &text);
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
        ErrorCode::NotAvailable => "You are not ready. Set yourself Available first.".into(),
        ErrorCode::UnknownReason => "That reason is not on your team's list.".into(),
        ErrorCode::DispositionRequired => "Pick a disposition to finish your wrap-up.".into(),
        ErrorCode::UnknownDisposition => "That disposition is not on the queue's list.".into(),
        ErrorCode::TransferPending => "This customer is already being transferred.".into(),
        ErrorCode::AgentOffline => "That colleague is not signed in any more.".into(),
        ErrorCode::ChannelNotServed => "That queue takes chats only, not calls.".into(),
        _ => message.to_string(),
    }
}

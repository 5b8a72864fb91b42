//! What the agent asks for in the UI, with the local refusals that spare a round trip.

use super::*;

impl Core {
    pub(super) fn on_intent(&mut self, intent: Intent) {
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
            Intent::ScheduleCall { customer, due_at } => {
                if customer.name.is_none() && customer.phone.is_none() {
                    self.notify_agent(
                        NoticeLevel::Error,
                        "Give the customer's name or phone number.",
                    );
                    return;
                }
                if due_at.with_timezone(&Utc) <= self.now {
                    self.notify_agent(NoticeLevel::Error, "Pick a time in the future.");
                    return;
                }
                if !self.require_link() {
                    return;
                }
                let cid = self.cid();
                self.push(Output::Send(ClientFrame::Schedule {
                    cid,
                    customer,
                    due_at,
                }));
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
        self.changed();
    }

    /// Refuses locally what the server would refuse anyway, with a reason the agent can act on.
    pub(super) fn refuse_command(&mut self, request: Option<RequestId>) -> bool {
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

    pub(super) fn require_link(&mut self) -> bool {
        if self.link.is_up() {
            return true;
        }
        self.notify_agent(
            NoticeLevel::Warning,
            "Not connected to the server yet. Try again in a moment.",
        );
        false
    }
}

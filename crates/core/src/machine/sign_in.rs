//! Sign-in: the stored token at start, the login answer, and signing out (by the agent, or
//! because the LDS refused the token).

use super::*;

impl Core {
    pub(super) fn on_token_loaded(&mut self, token: Option<String>, now: DateTime<Utc>) {
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

    pub(super) fn on_login_finished(
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
    pub(super) fn sign_out(&mut self, reason: Option<String>) {
        if self.link.has_socket() {
            self.push(Output::Disconnect);
        }
        if self.token.take().is_some() || reason.is_some() {
            self.push(Output::ClearToken);
        }
        for id in self.alerts.withdraw_all() {
            self.push(Output::Withdraw(id));
        }
        self.link.closed();
        self.replay.drop_batch();
        self.requests.queue.clear();
        self.dashboard.clear();
        self.contacts.clear();
        self.chats.clear();
        self.has_server_state = false;
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
}

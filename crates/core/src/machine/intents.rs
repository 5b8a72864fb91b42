//! What the agent asks for in the UI, with the local refusals that spare a round trip.

use super::*;
use headsup_protocol::model::{Availability, TransferOutcome};
use headsup_protocol::SessionId;

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
            Intent::Accept { request } => self.send_command(|core| {
                core.ensure_free_to_take(Some(request))?;
                core.ensure_connected()?;
                Ok(ClientFrame::Accept {
                    cid: core.cid(),
                    request,
                })
            }),
            Intent::Reject { request } => self.send_command(|core| {
                core.ensure_connected()?;
                Ok(ClientFrame::Reject {
                    cid: core.cid(),
                    request,
                })
            }),
            Intent::AttendNext => self.send_command(|core| {
                core.ensure_free_to_take(None)?;
                core.ensure_connected()?;
                Ok(ClientFrame::AttendNext { cid: core.cid() })
            }),
            Intent::EndSession => self.send_command(|core| {
                let session = core.ensure_in_session()?;
                core.ensure_connected()?;
                Ok(ClientFrame::EndSession {
                    cid: core.cid(),
                    session,
                })
            }),
            Intent::ScheduleCall { customer, due_at } => self.send_command(|core| {
                if customer.name.is_none() && customer.phone.is_none() {
                    return Err(core.refuse(
                        NoticeLevel::Error,
                        "Give the customer's name or phone number.",
                    ));
                }
                if due_at.with_timezone(&Utc) <= core.now {
                    return Err(core.refuse(NoticeLevel::Error, "Pick a time in the future."));
                }
                core.ensure_connected()?;
                Ok(ClientFrame::Schedule {
                    cid: core.cid(),
                    customer,
                    due_at,
                })
            }),
            Intent::SaveSettings { settings } => {
                let settings = crate::view::frame::clamp_settings(settings);
                if !settings.notifications {
                    // Turned off: nothing stays on screen and nothing re-alerts.
                    for id in self.alerts.withdraw_all() {
                        self.push(Output::Withdraw(id));
                    }
                }
                self.settings = settings;
                self.push(Output::SaveState);
            }
            Intent::SetStatus {
                availability,
                reason,
            } => self.send_command(|core| {
                if core.status.wrap_up().is_some_and(|w| w.required) {
                    return Err(core.refuse(
                        NoticeLevel::Warning,
                        "Pick a disposition and press Done to finish your wrap-up first.",
                    ));
                }
                let reason = match availability {
                    Availability::WrapUp => {
                        return Err(core.refuse(
                            NoticeLevel::Info,
                            "Wrap-up starts by itself after a session.",
                        ))
                    }
                    Availability::Available => None,
                    Availability::NotReady => match reason {
                        Some(code) if core.status.knows(&code) => Some(code),
                        _ => {
                            return Err(
                                core.refuse(NoticeLevel::Warning, "Pick why you are not ready.")
                            )
                        }
                    },
                };
                core.ensure_connected()?;
                Ok(ClientFrame::SetStatus {
                    cid: core.cid(),
                    availability,
                    reason,
                })
            }),
            Intent::FinishWrapUp { disposition, note } => self.send_command(|core| {
                let Some(wrap_up) = core.status.wrap_up() else {
                    return Err(core.refuse(NoticeLevel::Info, "You are not in a wrap-up."));
                };
                let disposition = disposition.filter(|d| !d.is_empty());
                if wrap_up.required && disposition.is_none() {
                    return Err(core.refuse(NoticeLevel::Warning, "Pick a disposition first."));
                }
                core.ensure_connected()?;
                Ok(ClientFrame::FinishWrapUp {
                    cid: core.cid(),
                    disposition,
                    note: note.filter(|n| !n.trim().is_empty()),
                })
            }),
            Intent::OpenTransfer => self.send_command(|core| {
                core.ensure_in_session()?;
                core.ensure_connected()?;
                core.transfer_picker.open();
                Ok(ClientFrame::TransferTargets { cid: core.cid() })
            }),
            Intent::CloseTransfer => self.transfer_picker.close(),
            Intent::Transfer { to } => self.send_command(|core| {
                let session = core.ensure_in_session()?;
                if core.session.as_ref().is_some_and(|s| {
                    s.transfer
                        .as_ref()
                        .is_some_and(|t| t.outcome == TransferOutcome::Waiting)
                }) {
                    return Err(core.refuse(
                        NoticeLevel::Info,
                        "This customer is already being transferred.",
                    ));
                }
                core.ensure_connected()?;
                core.transfer_picker.close();
                Ok(ClientFrame::Transfer {
                    cid: core.cid(),
                    session,
                    to,
                    timeout_secs: None,
                })
            }),
            Intent::DismissNotice => self.notice = None,
            intent @ (Intent::OpenChat { .. }
            | Intent::OpenDesk {
                desk: DeskId::Chats,
            }
            | Intent::CloseChat
            | Intent::FilterChats { .. }
            | Intent::SendChatMessage { .. }
            | Intent::RetryChatMessage { .. }
            | Intent::SendChatTemplate { .. }
            | Intent::SetChatTags { .. }
            | Intent::OlderChatMessages
            | Intent::SaveChatAttachment { .. }
            | Intent::ChatNoteMode { .. }) => self.on_chat_intent(intent),
            Intent::OpenDesk { desk } => {
                self.open_desk = desk;
                if desk == DeskId::Contacts && self.link.is_up() {
                    // The first visit: the lists and the first page of every contact.
                    let frames = self.contacts.start(&mut self.next_cid);
                    self.send_all(frames);
                }
            }
            Intent::OpenQueue { queue } => self.send_command(|core| {
                core.ensure_connected()?;
                let cid = core.cid();
                core.dashboard.open(queue, cid);
                Ok(ClientFrame::QueueWaiting { cid, queue })
            }),
            Intent::CloseQueue => self.dashboard.close(),
            Intent::SearchContacts { text, list, tag } => self.send_command(|core| {
                core.ensure_connected()?;
                let cid = core.cid();
                Ok(core.contacts.search(text, list, tag, cid))
            }),
            Intent::MoreContacts => {
                if self.link.is_up() {
                    let frame = self.contacts.more(&mut self.next_cid);
                    self.send_all(frame);
                }
            }
            Intent::OpenContact { contact } => {
                self.open_desk = DeskId::Contacts;
                self.send_command(|core| {
                    core.ensure_connected()?;
                    let frames = core.contacts.start(&mut core.next_cid);
                    core.send_all(frames);
                    let cid = core.cid();
                    Ok(core.contacts.open(contact, cid))
                });
            }
            Intent::CloseContact => self.contacts.close(),
            Intent::ContactTab { tab } => {
                let frame = self.contacts.tab(tab, &mut self.next_cid);
                if self.link.is_up() {
                    self.send_all(frame);
                }
            }
            Intent::EditContact { editing } => self.contacts.edit(editing),
            Intent::NewContact => self.contacts.new_contact(),
            Intent::SaveContact { draft } => self.send_command(|core| {
                core.ensure_connected()?;
                let cid = core.cid();
                core.contacts
                    .save(draft, cid)
                    .map_err(|why| core.refuse(NoticeLevel::Warning, why))
            }),
            Intent::AddContact { list, draft } => self.send_command(|core| {
                core.ensure_connected()?;
                let cid = core.cid();
                core.contacts
                    .add(list, draft, cid)
                    .map_err(|why| core.refuse(NoticeLevel::Warning, why))
            }),
            Intent::MergeContact { with } => self.send_command(|core| {
                core.ensure_connected()?;
                let cid = core.cid();
                core.contacts
                    .merge(with, cid)
                    .map_err(|why| core.refuse(NoticeLevel::Warning, why))
            }),
            Intent::EditSessionContact { editing } => self
                .contacts
                .edit_in(desks::contacts::Slot::Session, editing),
            Intent::SaveSessionContact { draft } => self.send_command(|core| {
                core.ensure_connected()?;
                let cid = core.cid();
                core.contacts
                    .save_in(desks::contacts::Slot::Session, draft, cid)
                    .map_err(|why| core.refuse(NoticeLevel::Warning, why))
            }),
            Intent::DuplicateContact { list } => self.send_command(|core| {
                core.ensure_connected()?;
                let cid = core.cid();
                core.contacts
                    .duplicate(list, cid)
                    .map_err(|why| core.refuse(NoticeLevel::Warning, why))
            }),
        }
        self.changed();
    }

    /// Sends the command `build` makes, unless it refuses it (the agent was told why).
    fn send_command(&mut self, build: impl FnOnce(&mut Self) -> Result<ClientFrame, Refused>) {
        if let Ok(frame) = build(self) {
            self.push(Output::Send(frame));
        }
    }

    /// Sends frames a desk built (with cids it took from the core).
    pub(super) fn send_all(&mut self, frames: impl IntoIterator<Item = ClientFrame>) {
        for frame in frames {
            self.push(Output::Send(frame));
        }
    }

    /// Tells the agent why a command is not sent.
    fn refuse(&mut self, level: NoticeLevel, text: &str) -> Refused {
        self.notify_agent(level, text);
        Refused
    }

    /// Refuses locally what the server would refuse anyway, with a reason the agent can act on:
    /// taking a customer while busy, or one (`request`) that no longer waits.
    fn ensure_free_to_take(&mut self, request: Option<RequestId>) -> Result<(), Refused> {
        if self.busy() {
            let who = self.session.as_ref().map(|s| {
                copy::customer_with_contact(
                    &s.customer,
                    s.contact.as_ref(),
                    self.settings.mask_phone,
                )
            });
            let text = match who {
                Some(who) => format!(
                    "You are in a session with {who}. End it before taking another customer."
                ),
                None => "You are in a session. End it before taking another customer.".to_string(),
            };
            return Err(self.refuse(NoticeLevel::Warning, &text));
        }
        if !self.status.is_available() {
            return Err(self.refuse(
                NoticeLevel::Warning,
                "You are not ready. Set yourself Available to take customers.",
            ));
        }
        let still_waiting =
            |r: &Request| matches!(r.state, RequestState::Pending | RequestState::Scheduled);
        match request {
            Some(id) if !self.requests.queue.get(id).is_some_and(still_waiting) => {
                Err(self.refuse(NoticeLevel::Warning, "This customer is no longer waiting."))
            }
            _ => Ok(()),
        }
    }

    /// The session the agent is in, to end it.
    fn ensure_in_session(&mut self) -> Result<SessionId, Refused> {
        match self.session.as_ref().filter(|_| self.busy()).map(|s| s.id) {
            Some(session) => Ok(session),
            None => Err(self.refuse(NoticeLevel::Info, "You are not in a session.")),
        }
    }

    /// Commands need the link up: past the handshake, frames can be sent.
    fn ensure_connected(&mut self) -> Result<(), Refused> {
        if self.link.is_up() {
            return Ok(());
        }
        Err(self.refuse(
            NoticeLevel::Warning,
            "Not connected to the server yet. Try again in a moment.",
        ))
    }
}

/// A command the core did not send; the notice telling the agent why is already set.
struct Refused;

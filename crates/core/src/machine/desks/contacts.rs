//! The contacts desk: the search (text, list, tag) and the pages of contacts it found, the card
//! open (details, the edit form, merge and duplicate) and its customer journey; and the card
//! of the session's customer, which the session panel shows and edits with the same form, the
//! same version check and the same masking rules (`Slot::Session`).
//!
//! Every question to the LDS goes with a `cid` the desk remembers with what it was for; a reply
//! is matched by that `cid`, so an answer to a search the agent already replaced, or to a card
//! already closed, changes nothing. Nothing here changes by itself as time passes: no deadline.
//!
//! **Masked parts.** The LDS masks what the agent's queue hides (`Contact::masked`); the desk
//! shows those values as given and locks them in the edit form. When saving, the core never
//! sends a masked value back as if it were data: a locked part goes out empty (the LDS keeps the
//! stored value of a hidden part, whatever the draft says), and a draft that tries to change a
//! locked part is refused before anything is sent.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use headsup_protocol::contacts::{
    Contact, ContactDraft, ContactList, ContactPage, ContactQuery, JourneyEntry,
    DEFAULT_CONTACT_PAGE,
};
use headsup_protocol::lds::{ClientFrame, Reply};
use headsup_protocol::view::{
    ContactCardView, ContactFieldView, ContactFormView, ContactListOption, ContactOption,
    ContactRow, ContactTab, ContactsView, JourneyRow,
};
use headsup_protocol::{ContactId, ContactListId, ErrorCode};

use crate::copy;
use crate::plain_text::one_line;

/// Which card a command is for: the desk's open card or the session panel's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::machine) enum Slot {
    Desk,
    Session,
}

/// What a command in flight was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    Lists,
    /// A search's first page (`false`) or the next one (`true`).
    Search {
        more: bool,
    },
    /// The card's contact (on opening, or again after a stale edit).
    Get(Slot),
    Journey,
    Save(Slot),
    Add,
    Merge,
    Duplicate,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Search {
    text: String,
    list: Option<ContactListId>,
    tag: Option<String>,
}

#[derive(Debug)]
struct Card {
    /// `None`: a new contact being written.
    id: Option<ContactId>,
    contact: Option<Contact>,
    tab: ContactTab,
    editing: bool,
    journey: Option<Vec<JourneyEntry>>,
    /// The LDS answered `not_found`: not asked again (the session panel's card).
    unavailable: bool,
}

impl Card {
    fn of(id: Option<ContactId>, contact: Option<Contact>, editing: bool) -> Card {
        Card {
            id,
            contact,
            tab: ContactTab::Details,
            editing,
            journey: None,
            unavailable: false,
        }
    }
}

#[derive(Debug, Default)]
pub(in crate::machine) struct ContactsDesk {
    /// The desk was opened once: what it shows is kept fresh across reconnects.
    started: bool,
    lists: Vec<ContactList>,
    search: Search,
    found: Vec<Contact>,
    /// The `next` of the last page: there are more.
    next: Option<String>,
    /// A search was answered at least once.
    searched: bool,
    card: Option<Card>,
    /// The card of the session's contact, shown in the session panel.
    session_card: Option<Card>,
    /// The lists were read once (the session card names its list and fields from them).
    lists_read: bool,
    /// The contact a merge in flight merges away (its row goes when the merge is done).
    merging: Option<ContactId>,
    asked: BTreeMap<u64, Asked>,
}

/// What the core must do after a reply or a refusal.
#[derive(Debug, PartialEq, Eq)]
pub(in crate::machine) enum Follow {
    Nothing,
    /// Tell the agent (info).
    Tell(String),
    /// Tell the agent (warning).
    Warn(String),
}

impl ContactsDesk {
    /// Whether `cid` is one of the desk's commands in flight.
    pub(in crate::machine) fn awaits(&self, cid: u64) -> bool {
        self.asked.contains_key(&cid)
    }

    fn ask(&mut self, cid: u64, what: Asked) {
        // One search and one card command at a time: a newer one replaces the older.
        let replaced = |a: &Asked| match what {
            Asked::Search { .. } => matches!(a, Asked::Search { .. }),
            Asked::Get(slot) => *a == Asked::Get(slot),
            Asked::Journey => matches!(a, Asked::Journey),
            Asked::Lists => matches!(a, Asked::Lists),
            _ => false,
        };
        self.asked.retain(|_, a| !replaced(a));
        self.asked.insert(cid, what);
    }

    fn in_flight(&self, what: impl Fn(&Asked) -> bool) -> bool {
        self.asked.values().any(what)
    }

    /// The desk opened: the first time, the lists and every contact (the first page).
    pub(in crate::machine) fn start(&mut self, cids: &mut u64) -> Vec<ClientFrame> {
        if self.started {
            return Vec::new();
        }
        self.reload(cids, true)
    }

    /// A new connection: what was asked went with the old socket; ask again what is shown
    /// (`open`: the desk is on screen, so start it if it never was).
    pub(in crate::machine) fn reload(&mut self, cids: &mut u64, open: bool) -> Vec<ClientFrame> {
        // Every answer awaited went with the old socket, the session card's included.
        self.asked.clear();
        self.started |= open;
        if !self.started {
            return Vec::new();
        }
        let mut frames = vec![
            self.lists_frame(take(cids)),
            self.search_frame(take(cids), false),
        ];
        if let Some(id) = self.card.as_ref().and_then(|c| c.id) {
            frames.push(self.get_frame(take(cids), id));
            if self
                .card
                .as_ref()
                .is_some_and(|c| c.tab == ContactTab::Journey)
            {
                frames.push(self.journey_frame(take(cids), id));
            }
        }
        frames
    }

    fn lists_frame(&mut self, cid: u64) -> ClientFrame {
        self.ask(cid, Asked::Lists);
        ClientFrame::ContactLists { cid }
    }

    fn search_frame(&mut self, cid: u64, more: bool) -> ClientFrame {
        self.ask(cid, Asked::Search { more });
        let text = self.search.text.trim();
        ClientFrame::SearchContacts {
            cid,
            query: ContactQuery {
                text: (!text.is_empty()).then(|| text.to_string()),
                list: self.search.list,
                tag: self.search.tag.clone().filter(|t| !t.trim().is_empty()),
                after: if more { self.next.clone() } else { None },
                limit: Some(DEFAULT_CONTACT_PAGE),
                ..ContactQuery::default()
            },
        }
    }

    fn get_frame(&mut self, cid: u64, contact: ContactId) -> ClientFrame {
        self.get_frame_for(Slot::Desk, cid, contact)
    }

    fn get_frame_for(&mut self, slot: Slot, cid: u64, contact: ContactId) -> ClientFrame {
        self.ask(cid, Asked::Get(slot));
        ClientFrame::GetContact { cid, contact }
    }

    fn journey_frame(&mut self, cid: u64, contact: ContactId) -> ClientFrame {
        self.ask(cid, Asked::Journey);
        ClientFrame::ContactJourney { cid, contact }
    }

    /// A new search (the first page).
    pub(in crate::machine) fn search(
        &mut self,
        text: String,
        list: Option<ContactListId>,
        tag: Option<String>,
        cid: u64,
    ) -> ClientFrame {
        self.started = true;
        self.search = Search {
            text: one_line(&text),
            list,
            tag: tag.map(|t| one_line(&t)).filter(|t| !t.is_empty()),
        };
        self.search_frame(cid, false)
    }

    /// The next page, if there is one and no search is on its way.
    pub(in crate::machine) fn more(&mut self, cids: &mut u64) -> Option<ClientFrame> {
        if self.next.is_none() || self.in_flight(|a| matches!(a, Asked::Search { .. })) {
            return None;
        }
        Some(self.search_frame(take(cids), true))
    }

    /// Opens a contact's card (Details) and asks for it.
    pub(in crate::machine) fn open(&mut self, id: ContactId, cid: u64) -> ClientFrame {
        let known = self.found.iter().find(|c| c.id == id).cloned();
        self.asked
            .retain(|_, a| !matches!(a, Asked::Journey | Asked::Save(Slot::Desk) | Asked::Merge));
        self.card = Some(Card::of(Some(id), known, false));
        self.get_frame(cid, id)
    }

    /// A blank card, in edit mode, for a new contact.
    pub(in crate::machine) fn new_contact(&mut self) {
        self.card = Some(Card::of(None, None, true));
    }

    pub(in crate::machine) fn close(&mut self) {
        self.card = None;
        self.asked.retain(|_, a| {
            !matches!(
                a,
                Asked::Get(Slot::Desk)
                    | Asked::Journey
                    | Asked::Save(Slot::Desk)
                    | Asked::Merge
                    | Asked::Duplicate
            )
        });
    }

    /// Switches the card's tab; the Journey tab asks for the journey (again: it grows).
    pub(in crate::machine) fn tab(
        &mut self,
        tab: ContactTab,
        cids: &mut u64,
    ) -> Option<ClientFrame> {
        // A new contact has no journey yet: it stays on its form.
        let card = self.card.as_mut().filter(|c| c.id.is_some())?;
        card.tab = tab;
        let id = card.id?;
        if tab == ContactTab::Journey {
            card.journey = None;
            return Some(self.journey_frame(take(cids), id));
        }
        None
    }

    fn slot(&self, slot: Slot) -> Option<&Card> {
        match slot {
            Slot::Desk => self.card.as_ref(),
            Slot::Session => self.session_card.as_ref(),
        }
    }

    fn slot_mut(&mut self, slot: Slot) -> Option<&mut Card> {
        match slot {
            Slot::Desk => self.card.as_mut(),
            Slot::Session => self.session_card.as_mut(),
        }
    }

    /// Follows the contact of the session on screen (`None`: no session, or no contact): a new
    /// one is read, with the lists the first time (its list's name and fields). Returns the
    /// frames to send, none while `connected` is false (a reconnect follows again).
    pub(in crate::machine) fn follow_session(
        &mut self,
        contact: Option<ContactId>,
        connected: bool,
        cids: &mut u64,
    ) -> Vec<ClientFrame> {
        if self.session_card.as_ref().and_then(|c| c.id) != contact {
            self.asked.retain(|_, a| {
                !matches!(a, Asked::Get(Slot::Session) | Asked::Save(Slot::Session))
            });
            self.session_card = contact.map(|id| Card::of(Some(id), None, false));
        }
        let Some(card) = self.session_card.as_ref() else {
            return Vec::new();
        };
        let (Some(id), false) = (card.id, card.unavailable) else {
            return Vec::new();
        };
        let mut frames = Vec::new();
        if !connected {
            return frames;
        }
        if card.contact.is_none() && !self.in_flight(|a| *a == Asked::Get(Slot::Session)) {
            frames.push(self.get_frame_for(Slot::Session, take(cids), id));
        }
        if !self.lists_read && !self.in_flight(|a| *a == Asked::Lists) {
            frames.push(self.lists_frame(take(cids)));
        }
        frames
    }

    /// Starts or cancels editing the loaded card.
    pub(in crate::machine) fn edit(&mut self, editing: bool) {
        self.edit_in(Slot::Desk, editing);
    }

    /// Starts or cancels editing a loaded card.
    pub(in crate::machine) fn edit_in(&mut self, slot: Slot, editing: bool) {
        if let Some(card) = self.slot_mut(slot).filter(|c| c.contact.is_some()) {
            card.editing = editing;
            card.tab = ContactTab::Details;
        }
    }

    /// The open (loaded, existing) contact.
    pub(in crate::machine) fn open_contact(&self) -> Option<&Contact> {
        self.card.as_ref()?.contact.as_ref()
    }

    /// Whether a save, merge or duplicate of the card is on its way.
    fn card_busy(&self) -> bool {
        self.busy_in(Slot::Desk)
    }

    /// Whether a command changing this slot's card is on its way.
    fn busy_in(&self, slot: Slot) -> bool {
        self.in_flight(|a| match slot {
            Slot::Desk => matches!(
                a,
                Asked::Save(Slot::Desk) | Asked::Add | Asked::Merge | Asked::Duplicate
            ),
            Slot::Session => *a == Asked::Save(Slot::Session),
        })
    }

    /// Saving the edit form: the edit frame on the version read, or why not.
    pub(in crate::machine) fn save(
        &mut self,
        draft: ContactDraft,
        cid: u64,
    ) -> Result<ClientFrame, &'static str> {
        self.save_in(Slot::Desk, draft, cid)
    }

    /// Saving a card's edit form: the edit frame on the version that card read, or why not.
    pub(in crate::machine) fn save_in(
        &mut self,
        slot: Slot,
        draft: ContactDraft,
        cid: u64,
    ) -> Result<ClientFrame, &'static str> {
        if self.busy_in(slot) {
            return Err("Still saving: wait a moment.");
        }
        let Some(contact) = self.slot(slot).and_then(|c| c.contact.as_ref()) else {
            return Err("Open a contact to edit it.");
        };
        let draft = outgoing(contact, clean_draft(draft))?;
        let (id, version) = (contact.id, contact.version);
        self.ask(cid, Asked::Save(slot));
        Ok(ClientFrame::EditContact {
            cid,
            contact: id,
            version,
            draft,
        })
    }

    /// Adding a new contact to `list`.
    pub(in crate::machine) fn add(
        &mut self,
        list: ContactListId,
        draft: ContactDraft,
        cid: u64,
    ) -> Result<ClientFrame, &'static str> {
        if self.card_busy() {
            return Err("Still saving: wait a moment.");
        }
        let draft = clean_draft(draft);
        if draft == ContactDraft::default() {
            return Err("Write at least a name, a phone number or an e-mail.");
        }
        self.ask(cid, Asked::Add);
        Ok(ClientFrame::AddContact { cid, list, draft })
    }

    /// Merging `with` into the open contact.
    pub(in crate::machine) fn merge(
        &mut self,
        with: ContactId,
        cid: u64,
    ) -> Result<ClientFrame, &'static str> {
        if self.card_busy() {
            return Err("Still saving: wait a moment.");
        }
        let Some(keep) = self.open_contact().map(|c| c.id) else {
            return Err("Open a contact to merge another into it.");
        };
        if keep == with {
            return Err("Pick another contact to merge into this one.");
        }
        self.ask(cid, Asked::Merge);
        self.merging = Some(with);
        Ok(ClientFrame::MergeContacts {
            cid,
            keep,
            merge: with,
        })
    }

    /// Copying the open contact into `list`.
    pub(in crate::machine) fn duplicate(
        &mut self,
        list: ContactListId,
        cid: u64,
    ) -> Result<ClientFrame, &'static str> {
        if self.card_busy() {
            return Err("Still saving: wait a moment.");
        }
        let Some(contact) = self.open_contact() else {
            return Err("Open a contact to copy it.");
        };
        if contact.list == list {
            return Err("The contact is in that list already. Pick another list.");
        }
        let id = contact.id;
        self.ask(cid, Asked::Duplicate);
        Ok(ClientFrame::DuplicateContact {
            cid,
            contact: id,
            list,
        })
    }

    /// A reply to one of the desk's commands.
    pub(in crate::machine) fn on_reply(&mut self, reply: Reply) -> Follow {
        let Some(asked) = self.asked.remove(&reply.cid) else {
            return Follow::Nothing;
        };
        match asked {
            Asked::Lists => {
                self.lists = reply.contact_lists.unwrap_or_default();
                self.lists_read = true;
                Follow::Nothing
            }
            Asked::Search { more } => {
                let ContactPage { contacts, next } = reply.contacts.unwrap_or_default();
                if more {
                    let known: Vec<ContactId> = self.found.iter().map(|c| c.id).collect();
                    self.found
                        .extend(contacts.into_iter().filter(|c| !known.contains(&c.id)));
                } else {
                    self.found = contacts;
                }
                self.next = next;
                self.searched = true;
                Follow::Nothing
            }
            Asked::Get(slot) => {
                if let Some(contact) = reply.contact {
                    self.show(slot, *contact, false);
                }
                Follow::Nothing
            }
            Asked::Journey => {
                if let Some(card) = self.card.as_mut() {
                    let mut journey = reply.journey.unwrap_or_default();
                    journey.sort_by_key(|e| std::cmp::Reverse(e.at));
                    card.journey = Some(journey);
                }
                Follow::Nothing
            }
            Asked::Save(slot) => match reply.contact {
                Some(contact) => {
                    self.show(slot, *contact, true);
                    Follow::Tell("Contact saved.".into())
                }
                None => Follow::Nothing,
            },
            Asked::Add => match reply.contact {
                Some(contact) => {
                    self.found.insert(0, (*contact).clone());
                    self.card = Some(Card::of(Some(contact.id), None, false));
                    self.show(Slot::Desk, *contact, true);
                    Follow::Tell("Contact added.".into())
                }
                None => Follow::Nothing,
            },
            Asked::Merge => match reply.contact {
                Some(contact) => {
                    let name = copy::contact_name(&contact);
                    // The merged one is gone: its id now answers the kept one.
                    let (kept, gone) = (contact.id, self.merging.take());
                    self.found.retain(|c| c.id == kept || Some(c.id) != gone);
                    self.show(Slot::Desk, *contact, true);
                    Follow::Tell(format!("Merged into {name}."))
                }
                None => Follow::Nothing,
            },
            Asked::Duplicate => match reply.contact {
                Some(contact) => {
                    let list = self.list_name(contact.list);
                    Follow::Tell(format!("Copied to {list}."))
                }
                None => Follow::Nothing,
            },
        }
    }

    /// Puts a contact (fresh from the LDS) on the `slot`'s card and in the results; `done`
    /// leaves edit mode (a save, merge or add went through). The other card, if it shows the
    /// same contact and is not being edited, shows the new version too; one being edited keeps
    /// the version its form was read on, so its save is checked against the LDS's, not lost.
    fn show(&mut self, slot: Slot, contact: Contact, done: bool) {
        if let Some(row) = self.found.iter_mut().find(|c| c.id == contact.id) {
            *row = contact.clone();
        }
        let other = match slot {
            Slot::Desk => Slot::Session,
            Slot::Session => Slot::Desk,
        };
        if let Some(card) = self
            .slot_mut(other)
            .filter(|c| c.id == Some(contact.id) && !c.editing)
        {
            card.contact = Some(contact.clone());
        }
        if let Some(card) = self.slot_mut(slot) {
            // A merged contact's id answers the kept one: follow it.
            if card.id.is_some() {
                card.id = Some(contact.id);
                card.contact = Some(contact);
                if done {
                    card.editing = false;
                }
            }
        }
    }

    /// A command refused by the LDS. Returns `None` when it was not the desk's.
    pub(in crate::machine) fn on_refused(
        &mut self,
        cid: u64,
        code: ErrorCode,
        cids: &mut u64,
    ) -> Option<(Follow, Option<ClientFrame>)> {
        let asked = self.asked.remove(&cid)?;
        match (asked, code) {
            (Asked::Save(slot), ErrorCode::StaleVersion) => {
                // Someone saved first: never overwrite. Show theirs; the agent edits again.
                let card = self.slot_mut(slot)?;
                card.editing = false;
                let id = card.id?;
                let frame = self.get_frame_for(slot, take(cids), id);
                Some((
                    Follow::Warn(
                        "Someone else changed this contact while you were editing. Your changes \
                         were not saved: the card now shows theirs. Edit it again if needed."
                            .into(),
                    ),
                    Some(frame),
                ))
            }
            (Asked::Get(Slot::Session), _) => {
                // The panel's card is a courtesy: without it the panel shows the rest.
                if let Some(card) = self.session_card.as_mut() {
                    card.unavailable = true;
                }
                Some((Follow::Nothing, None))
            }
            (Asked::Get(Slot::Desk), ErrorCode::NotFound) => {
                self.card = None;
                Some((
                    Follow::Warn(
                        "This contact is not there any more, or not in your lists.".into(),
                    ),
                    None,
                ))
            }
            (Asked::Search { .. }, _) => {
                self.searched = true;
                Some((Follow::Warn(refused(code)), None))
            }
            _ => Some((Follow::Warn(refused(code)), None)),
        }
    }

    /// Signed out: nothing of it stays.
    pub(in crate::machine) fn clear(&mut self) {
        *self = ContactsDesk::default();
    }

    fn list_name(&self, id: ContactListId) -> String {
        self.lists
            .iter()
            .find(|l| l.id == id)
            .map_or_else(|| "another list".into(), |l| copy::queue_name(&l.name))
    }

    fn list_options(&self) -> Vec<ContactListOption> {
        self.lists
            .iter()
            .map(|l| ContactListOption {
                id: l.id,
                name: copy::queue_name(&l.name),
            })
            .collect()
    }

    /// The desk as the UI shows it; `connected`: commands can be sent.
    pub(in crate::machine) fn view(&self, tz: Tz, connected: bool) -> ContactsView {
        let searching = self.in_flight(|a| matches!(a, Asked::Search { .. }));
        let status_text = if searching && self.found.is_empty() {
            "Searching…".to_string()
        } else if !self.searched {
            "Search by name, phone number or e-mail.".to_string()
        } else {
            copy::contacts_found(self.found.len(), self.next.is_some())
        };
        ContactsView {
            text: self.search.text.clone(),
            list: self.search.list,
            tag: self.search.tag.clone(),
            lists: self.list_options(),
            rows: self.found.iter().map(|c| self.row(c)).collect(),
            status_text,
            can_more: self.next.is_some() && !searching,
            loading: searching,
            card: self
                .card
                .as_ref()
                .map(|c| self.card_view(c, Slot::Desk, tz, connected)),
        }
    }

    fn row(&self, c: &Contact) -> ContactRow {
        let detail = [Some(&c.company), c.phones.first(), c.emails.first()]
            .into_iter()
            .flatten()
            .map(|s| one_line(s))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        ContactRow {
            id: c.id,
            name: copy::contact_name(c),
            detail,
            list_name: self.list_name(c.list),
            tags: clean_tags(&c.tags),
        }
    }

    /// The session's contact card as the session panel shows it: details and the edit form
    /// (merging, copying and the journey stay on the desk); `None` until the contact is read.
    pub(in crate::machine) fn session_card_view(
        &self,
        tz: Tz,
        connected: bool,
    ) -> Option<ContactCardView> {
        let card = self.session_card.as_ref().filter(|c| c.contact.is_some())?;
        Some(ContactCardView {
            merge_options: Vec::new(),
            duplicate_lists: Vec::new(),
            ..self.card_view(card, Slot::Session, tz, connected)
        })
    }

    fn card_view(&self, card: &Card, slot: Slot, tz: Tz, connected: bool) -> ContactCardView {
        let busy = self.busy_in(slot);
        let journey = card.journey.as_ref().map(|entries| {
            entries
                .iter()
                .map(|e| copy::journey_row(e, tz))
                .collect::<Vec<JourneyRow>>()
        });
        let journey_empty_text = if card.journey.is_none() {
            "Loading…".into()
        } else {
            "Nothing happened with this contact yet.".into()
        };
        let Some(contact) = &card.contact else {
            let new = card.id.is_none();
            return ContactCardView {
                id: card.id,
                title: if new { "New contact" } else { "Loading…" }.into(),
                loaded: false,
                tab: card.tab,
                fields: Vec::new(),
                tags: Vec::new(),
                form: new.then(|| ContactFormView {
                    draft: ContactDraft::default(),
                    field_labels: Vec::new(),
                    name_locked: false,
                    phones_locked: false,
                    emails_locked: false,
                    lists: self.list_options(),
                }),
                can_edit: false,
                busy,
                merge_options: Vec::new(),
                duplicate_lists: Vec::new(),
                journey,
                journey_empty_text,
            };
        };
        let list = self.lists.iter().find(|l| l.id == contact.list);
        let field_labels: Vec<(String, String)> = list
            .map(|l| {
                l.fields
                    .iter()
                    .map(|f| (f.key.clone(), one_line(&f.label)))
                    .collect()
            })
            .unwrap_or_default();
        let m = contact.masked;
        let joined = |values: &[String]| {
            values
                .iter()
                .map(|v| one_line(v))
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut fields = vec![
            field("Name", copy::contact_name(contact), m.name),
            field("Company", one_line(&contact.company), m.name),
            field("Phone", joined(&contact.phones), m.phone),
            field("E-mail", joined(&contact.emails), m.email),
        ];
        for (key, label) in &field_labels {
            let value = contact.fields.get(key).map(|v| one_line(v));
            fields.push(field(label, value.unwrap_or_default(), false));
        }
        fields.push(field("List", self.list_name(contact.list), false));
        fields.push(field(
            "Updated",
            copy::local_time(contact.updated_at, tz),
            false,
        ));
        let form = card.editing.then(|| ContactFormView {
            draft: ContactDraft {
                first_name: one_line(&contact.first_name),
                last_name: one_line(&contact.last_name),
                company: one_line(&contact.company),
                phones: contact.phones.iter().map(|p| one_line(p)).collect(),
                emails: contact.emails.iter().map(|e| one_line(e)).collect(),
                tags: clean_tags(&contact.tags),
                fields: contact
                    .fields
                    .iter()
                    .map(|(k, v)| (k.clone(), one_line(v)))
                    .collect(),
            },
            field_labels: field_labels.clone(),
            name_locked: m.name,
            phones_locked: m.phone,
            emails_locked: m.email,
            lists: Vec::new(),
        });
        ContactCardView {
            id: Some(contact.id),
            title: copy::contact_name(contact),
            loaded: true,
            tab: card.tab,
            fields,
            tags: clean_tags(&contact.tags),
            form,
            can_edit: connected && !busy,
            busy,
            merge_options: self
                .found
                .iter()
                .filter(|c| c.id != contact.id)
                .map(|c| ContactOption {
                    id: c.id,
                    name: format!("{} ({})", copy::contact_name(c), self.list_name(c.list)),
                })
                .collect(),
            duplicate_lists: self
                .list_options()
                .into_iter()
                .filter(|l| l.id != contact.list)
                .collect(),
            journey,
            journey_empty_text,
        }
    }
}

/// The next cid of the core's counter.
fn take(cids: &mut u64) -> u64 {
    let cid = *cids;
    *cids += 1;
    cid
}

fn field(label: &str, value: String, masked: bool) -> ContactFieldView {
    ContactFieldView {
        label: label.into(),
        value: if value.is_empty() {
            "—".into()
        } else {
            value
        },
        masked,
    }
}

fn clean_tags(tags: &[String]) -> Vec<String> {
    tags.iter()
        .map(|t| one_line(t))
        .filter(|t| !t.is_empty())
        .collect()
}

/// The agent's draft as one-line values, with empty entries dropped.
fn clean_draft(d: ContactDraft) -> ContactDraft {
    let many = |v: Vec<String>| {
        v.iter()
            .map(|s| one_line(s))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
    };
    ContactDraft {
        first_name: one_line(&d.first_name),
        last_name: one_line(&d.last_name),
        company: one_line(&d.company),
        phones: many(d.phones),
        emails: many(d.emails),
        tags: many(d.tags),
        fields: d
            .fields
            .into_iter()
            .map(|(k, v)| (k, one_line(&v)))
            .collect(),
    }
}

/// The draft as sent: each part the LDS masked goes out empty (it keeps the stored value), and
/// a draft that changed a masked part is refused — a masked value is never sent back as data.
fn outgoing(contact: &Contact, mut draft: ContactDraft) -> Result<ContactDraft, &'static str> {
    let m = contact.masked;
    let same = |given: &[String], shown: &[String]| {
        given.is_empty()
            || given
                .iter()
                .map(|s| one_line(s))
                .eq(shown.iter().map(|s| one_line(s)))
    };
    if m.name {
        // The LDS hides a company as it hides a name (`masked.name` covers both).
        let untouched = (draft.first_name.is_empty()
            || draft.first_name == one_line(&contact.first_name))
            && (draft.last_name.is_empty() || draft.last_name == one_line(&contact.last_name))
            && (draft.company.is_empty() || draft.company == one_line(&contact.company));
        if !untouched {
            return Err("The name is hidden from you and cannot be changed.");
        }
        draft.first_name.clear();
        draft.last_name.clear();
        draft.company.clear();
    }
    if m.phone {
        if !same(&draft.phones, &contact.phones) {
            return Err("The phone numbers are hidden from you and cannot be changed.");
        }
        draft.phones.clear();
    }
    if m.email {
        if !same(&draft.emails, &contact.emails) {
            return Err("The e-mail addresses are hidden from you and cannot be changed.");
        }
        draft.emails.clear();
    }
    Ok(draft)
}

/// An LDS refusal of a contact command, in words.
fn refused(code: ErrorCode) -> String {
    match code {
        ErrorCode::NotFound => "That contact or list is not there any more, or not yours.",
        ErrorCode::InvalidContact => {
            "The contact was not saved: check the phone numbers and e-mail addresses."
        }
        ErrorCode::StaleVersion => "Someone else changed this contact first. Try again.",
        _ => "The server refused that. Try again in a moment.",
    }
    .into()
}

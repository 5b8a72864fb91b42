//! The contacts desk: searches and pages matched by cid, the card (edit on the version read,
//! stale edits reloaded, never overwritten; masked parts locked), merge and duplicate, the
//! journey worded on the agent's clock, and the session's contact on the session panel.

use std::collections::BTreeMap;

use crate::support::*;
use chrono::{Duration, TimeZone, Utc};
use headsup_core::Output;
use headsup_protocol::contacts::{
    Contact, ContactDraft, ContactList, ContactPage, ContactRef, CustomField, JourneyEntry,
    JourneyItem, Masked,
};
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame};
use headsup_protocol::model::{RequestKind, SessionState};
use headsup_protocol::view::{ContactTab, DeskId, Intent, NoticeLevel};
use headsup_protocol::{ContactId, ContactListId, ErrorCode, RequestId, SessionId};

fn contact(id: i64, first: &str, last: &str) -> Contact {
    Contact {
        id: ContactId(id),
        list: ContactListId(1),
        version: 1,
        first_name: first.into(),
        last_name: last.into(),
        company: String::new(),
        phones: vec!["+34600111222".into()],
        emails: Vec::new(),
        tags: Vec::new(),
        fields: BTreeMap::new(),
        updated_at: t0(),
        masked: Masked::default(),
    }
}

fn lists() -> Vec<ContactList> {
    vec![
        ContactList {
            id: ContactListId(1),
            name: "Customers".into(),
            fields: vec![CustomField {
                key: "plan".into(),
                label: "Plan".into(),
            }],
        },
        ContactList {
            id: ContactListId(2),
            name: "Leads\u{202e}".into(),
            fields: Vec::new(),
        },
    ]
}

/// Signed in, the contacts desk opened; returns the cids of its first `contact_lists` and
/// `search_contacts`.
fn open_desk(h: &mut Harness) -> (u64, u64) {
    h.sign_in(vec![]);
    let out = h.intent(Intent::OpenDesk {
        desk: DeskId::Contacts,
    });
    let frames = sent(&out);
    assert_eq!(frames.len(), 2, "{frames:?}");
    let ClientFrame::ContactLists { cid: lists_cid } = frames[0] else {
        panic!("lists first: {frames:?}");
    };
    let ClientFrame::SearchContacts { cid, query } = &frames[1] else {
        panic!("then every contact: {frames:?}");
    };
    assert_eq!(query.text, None);
    assert_eq!(query.after, None);
    (lists_cid, *cid)
}

fn reply(h: &mut Harness, reply: Reply) -> Vec<Output> {
    h.frame(ServerFrame::Reply(reply))
}

fn page(h: &mut Harness, cid: u64, contacts: Vec<Contact>, next: Option<&str>) -> Vec<Output> {
    reply(
        h,
        Reply {
            contacts: Some(ContactPage {
                contacts,
                next: next.map(str::to_string),
            }),
            ..Reply::new(cid)
        },
    )
}

fn one(h: &mut Harness, cid: u64, c: Contact) -> Vec<Output> {
    reply(
        h,
        Reply {
            contact: Some(Box::new(c)),
            ..Reply::new(cid)
        },
    )
}

fn refuse(h: &mut Harness, cid: u64, code: ErrorCode) -> Vec<Output> {
    h.frame(ServerFrame::Error(ErrorFrame {
        cid: Some(cid),
        code,
        message: "refused".into(),
    }))
}

fn only_sent(out: &[Output]) -> ClientFrame {
    let frames = sent(out);
    assert_eq!(frames.len(), 1, "{frames:?}");
    frames.into_iter().next().unwrap()
}

fn cid_of(frame: &ClientFrame) -> u64 {
    match frame {
        ClientFrame::SearchContacts { cid, .. }
        | ClientFrame::GetContact { cid, .. }
        | ClientFrame::EditContact { cid, .. }
        | ClientFrame::AddContact { cid, .. }
        | ClientFrame::MergeContacts { cid, .. }
        | ClientFrame::DuplicateContact { cid, .. }
        | ClientFrame::ContactJourney { cid, .. }
        | ClientFrame::ContactLists { cid } => *cid,
        other => panic!("not a contact frame: {other:?}"),
    }
}

/// The desk open with the lists and a first page of `contacts`.
fn with_page(h: &mut Harness, contacts: Vec<Contact>) {
    let (lists_cid, search_cid) = open_desk(h);
    reply(
        h,
        Reply {
            contact_lists: Some(lists()),
            ..Reply::new(lists_cid)
        },
    );
    page(h, search_cid, contacts, None);
}

/// Opens contact `id`'s card and answers its `get_contact` with `c`.
fn open_card(h: &mut Harness, c: Contact) {
    let out = h.intent(Intent::OpenContact { contact: c.id });
    let frame = only_sent(&out);
    assert!(matches!(frame, ClientFrame::GetContact { contact, .. } if contact == c.id));
    one(h, cid_of(&frame), c);
}

#[test]
fn a_search_sends_its_query_and_the_reply_fills_the_page() {
    let mut h = Harness::new();
    let (lists_cid, first) = open_desk(&mut h);
    assert_eq!(h.core.view(h.now).contacts.status_text, "Searching…");

    let out = h.intent(Intent::SearchContacts {
        text: "  lop \n".into(),
        list: Some(ContactListId(2)),
        tag: Some("vip".into()),
    });
    let ClientFrame::SearchContacts { cid, query } = only_sent(&out) else {
        panic!("a search");
    };
    assert_eq!(query.text.as_deref(), Some("lop"));
    assert_eq!(query.list, Some(ContactListId(2)));
    assert_eq!(query.tag.as_deref(), Some("vip"));
    assert_eq!(query.after, None);

    // The first search's answer comes late: the newer search replaced it.
    page(&mut h, first, vec![contact(9, "Old", "Answer")], None);
    assert!(h.core.view(h.now).contacts.rows.is_empty());

    reply(
        &mut h,
        Reply {
            contact_lists: Some(lists()),
            ..Reply::new(lists_cid)
        },
    );
    let mut maria = contact(1, "María", "López\u{202e}");
    maria.tags = vec!["vip\n".into(), "".into()];
    maria.company = "Acme".into();
    let out = page(&mut h, cid, vec![maria], None);
    assert!(out.contains(&Output::ViewChanged));
    let view = h.core.view(h.now).contacts;
    assert_eq!(view.text, "lop");
    assert_eq!(view.list, Some(ContactListId(2)));
    assert_eq!(view.rows.len(), 1);
    assert_eq!(view.rows[0].name, "María López");
    assert_eq!(view.rows[0].detail, "Acme · +34600111222");
    assert_eq!(view.rows[0].list_name, "Customers");
    assert_eq!(view.rows[0].tags, vec!["vip".to_string()]);
    assert_eq!(view.status_text, "1 contact");
    assert!(!view.can_more);
    assert_eq!(view.lists[1].name, "Leads", "list names are cleaned");
}

#[test]
fn more_asks_for_the_next_page_and_appends_it() {
    let mut h = Harness::new();
    let (_, cid) = open_desk(&mut h);
    page(&mut h, cid, vec![contact(1, "Ana", "A")], Some("cursor-1"));
    let view = h.core.view(h.now).contacts;
    assert!(view.can_more);
    assert_eq!(view.status_text, "1 contact, more to load");

    let out = h.intent(Intent::MoreContacts);
    let frame = only_sent(&out);
    let ClientFrame::SearchContacts { cid, query } = &frame else {
        panic!("the next page");
    };
    assert_eq!(query.after.as_deref(), Some("cursor-1"));
    // A second tap while the page is on its way sends nothing more.
    assert!(sent(&h.intent(Intent::MoreContacts)).is_empty());

    page(
        &mut h,
        *cid,
        vec![contact(1, "Ana", "A"), contact(2, "Bea", "B")],
        None,
    );
    let view = h.core.view(h.now).contacts;
    let ids: Vec<_> = view.rows.iter().map(|r| r.id.0).collect();
    assert_eq!(ids, vec![1, 2], "appended, without the one already shown");
    assert!(!view.can_more);
    assert!(sent(&h.intent(Intent::MoreContacts)).is_empty(), "no more");
}

#[test]
fn a_stale_edit_is_not_overwritten_the_card_reloads_with_a_notice() {
    let mut h = Harness::new();
    with_page(&mut h, vec![contact(1, "Ana", "Silva")]);
    let mut ana = contact(1, "Ana", "Silva");
    ana.version = 4;
    open_card(&mut h, ana.clone());
    h.intent(Intent::EditContact { editing: true });
    let form = h.core.view(h.now).contacts.card.unwrap().form.unwrap();
    assert_eq!(form.draft.first_name, "Ana");
    assert_eq!(form.field_labels, vec![("plan".into(), "Plan".into())]);

    let draft = ContactDraft {
        first_name: "Anna".into(),
        ..form.draft
    };
    let frame = only_sent(&h.intent(Intent::SaveContact { draft }));
    let ClientFrame::EditContact {
        cid,
        contact: id,
        version,
        draft,
    } = frame
    else {
        panic!("an edit");
    };
    assert_eq!((id, version), (ContactId(1), 4), "on the version read");
    assert_eq!(draft.first_name, "Anna");
    assert!(h.core.view(h.now).contacts.card.unwrap().busy);

    let out = refuse(&mut h, cid, ErrorCode::StaleVersion);
    let reload = only_sent(&out);
    assert!(matches!(reload, ClientFrame::GetContact { contact, .. } if contact == ContactId(1)));
    let view = h.core.view(h.now);
    let notice = view.notice.unwrap();
    assert_eq!(notice.level, NoticeLevel::Warning);
    assert!(notice.text.contains("not saved"), "{}", notice.text);
    assert!(view.contacts.card.as_ref().unwrap().form.is_none());

    let mut theirs = contact(1, "Ana María", "Silva");
    theirs.version = 5;
    one(&mut h, cid_of(&reload), theirs);
    let card = h.core.view(h.now).contacts.card.unwrap();
    assert_eq!(card.title, "Ana María Silva");
    assert_eq!(h.core.view(h.now).contacts.rows[0].name, "Ana María Silva");

    // Editing again goes on their version.
    h.intent(Intent::EditContact { editing: true });
    let draft = h
        .core
        .view(h.now)
        .contacts
        .card
        .unwrap()
        .form
        .unwrap()
        .draft;
    let ClientFrame::EditContact { version, .. } =
        only_sent(&h.intent(Intent::SaveContact { draft }))
    else {
        panic!("an edit");
    };
    assert_eq!(version, 5);
}

#[test]
fn a_saved_edit_updates_the_card_and_leaves_the_form() {
    let mut h = Harness::new();
    with_page(&mut h, vec![contact(1, "Ana", "Silva")]);
    open_card(&mut h, contact(1, "Ana", "Silva"));
    h.intent(Intent::EditContact { editing: true });
    let mut draft = h
        .core
        .view(h.now)
        .contacts
        .card
        .unwrap()
        .form
        .unwrap()
        .draft;
    draft.tags = vec!["vip".into(), "  ".into()];
    let frame = only_sent(&h.intent(Intent::SaveContact { draft }));
    let ClientFrame::EditContact { cid, draft, .. } = frame else {
        panic!("an edit");
    };
    assert_eq!(draft.tags, vec!["vip".to_string()], "empty entries dropped");
    let mut saved = contact(1, "Ana", "Silva");
    saved.version = 2;
    saved.tags = vec!["vip".into()];
    one(&mut h, cid, saved);
    let view = h.core.view(h.now);
    let card = view.contacts.card.unwrap();
    assert!(card.form.is_none());
    assert_eq!(card.tags, vec!["vip".to_string()]);
    assert_eq!(view.notice.unwrap().text, "Contact saved.");
}

#[test]
fn masked_parts_are_shown_as_given_locked_and_never_sent_back() {
    let mut h = Harness::new();
    let mut hidden = contact(1, "A•••", "S•••");
    hidden.phones = vec!["+34 6•• ••• •22".into()];
    hidden.masked = Masked {
        name: true,
        phone: true,
        email: false,
    };
    with_page(&mut h, vec![hidden.clone()]);
    open_card(&mut h, hidden);
    let card = h.core.view(h.now).contacts.card.unwrap();
    let phone = card.fields.iter().find(|f| f.label == "Phone").unwrap();
    assert_eq!(phone.value, "+34 6•• ••• •22");
    assert!(phone.masked);
    assert!(
        card.fields
            .iter()
            .find(|f| f.label == "Name")
            .unwrap()
            .masked
    );
    // The LDS hides a company with the name (`masked.name` covers both).
    assert!(
        card.fields
            .iter()
            .find(|f| f.label == "Company")
            .unwrap()
            .masked
    );

    h.intent(Intent::EditContact { editing: true });
    let form = h.core.view(h.now).contacts.card.unwrap().form.unwrap();
    assert!(form.name_locked && form.phones_locked && !form.emails_locked);

    // Changing a masked phone is refused; nothing is sent.
    let mut changed = form.draft.clone();
    changed.phones = vec!["+34600999999".into()];
    let out = h.intent(Intent::SaveContact { draft: changed });
    assert!(sent(&out).is_empty());
    assert!(h.core.view(h.now).notice.unwrap().text.contains("hidden"));

    // So is changing the company while names are hidden.
    let mut changed = form.draft.clone();
    changed.company = "Acme".into();
    let out = h.intent(Intent::SaveContact { draft: changed });
    assert!(sent(&out).is_empty());

    // The masked values as shown go out empty: the LDS keeps what it stores.
    let mut draft = form.draft;
    draft.tags = vec!["vip".into()];
    let ClientFrame::EditContact { draft, .. } =
        only_sent(&h.intent(Intent::SaveContact { draft }))
    else {
        panic!("an edit");
    };
    assert_eq!(draft.tags, vec!["vip".to_string()]);
    assert!(draft.first_name.is_empty() && draft.last_name.is_empty() && draft.company.is_empty());
    assert!(draft.phones.is_empty());
    assert!(!format!("{draft:?}").contains('•'));
}

#[test]
fn merge_and_duplicate_send_the_open_card_and_word_the_reply() {
    let mut h = Harness::new();
    with_page(
        &mut h,
        vec![contact(1, "Ana", "Silva"), contact(2, "Ana", "S.")],
    );
    open_card(&mut h, contact(1, "Ana", "Silva"));
    let card = h.core.view(h.now).contacts.card.unwrap();
    assert_eq!(card.merge_options.len(), 1, "itself excluded");
    assert_eq!(card.merge_options[0].id, ContactId(2));
    assert_eq!(card.merge_options[0].name, "Ana S. (Customers)");
    assert_eq!(card.duplicate_lists.len(), 1, "its own list excluded");
    assert_eq!(card.duplicate_lists[0].id, ContactListId(2));

    let frame = only_sent(&h.intent(Intent::MergeContact { with: ContactId(2) }));
    let ClientFrame::MergeContacts { cid, keep, merge } = frame else {
        panic!("a merge");
    };
    assert_eq!((keep, merge), (ContactId(1), ContactId(2)));
    let mut kept = contact(1, "Ana", "Silva");
    kept.version = 2;
    kept.phones.push("+34600333444".into());
    one(&mut h, cid, kept);
    let view = h.core.view(h.now);
    assert_eq!(view.notice.unwrap().text, "Merged into Ana Silva.");
    let ids: Vec<_> = view.contacts.rows.iter().map(|r| r.id.0).collect();
    assert_eq!(ids, vec![1], "the merged contact is gone");
    let phone = view.contacts.card.unwrap().fields[2].value.clone();
    assert_eq!(phone, "+34600111222, +34600333444");

    // Duplicating into its own list is refused locally.
    let out = h.intent(Intent::DuplicateContact {
        list: ContactListId(1),
    });
    assert!(sent(&out).is_empty());
    let frame = only_sent(&h.intent(Intent::DuplicateContact {
        list: ContactListId(2),
    }));
    let ClientFrame::DuplicateContact {
        cid,
        contact: c,
        list,
    } = frame
    else {
        panic!("a duplicate");
    };
    assert_eq!((c, list), (ContactId(1), ContactListId(2)));
    let mut copy = contact(7, "Ana", "Silva");
    copy.list = ContactListId(2);
    one(&mut h, cid, copy);
    let view = h.core.view(h.now);
    assert_eq!(view.notice.unwrap().text, "Copied to Leads.");
    assert_eq!(view.contacts.card.unwrap().id, Some(ContactId(1)));

    // A refused merge is a notice, and the card stays.
    let frame = only_sent(&h.intent(Intent::MergeContact { with: ContactId(9) }));
    refuse(&mut h, cid_of(&frame), ErrorCode::NotFound);
    let view = h.core.view(h.now);
    assert_eq!(view.notice.unwrap().level, NoticeLevel::Warning);
    assert!(view.contacts.card.is_some());
}

#[test]
fn adding_a_contact_opens_its_card() {
    let mut h = Harness::new();
    with_page(&mut h, vec![]);
    h.intent(Intent::NewContact);
    let card = h.core.view(h.now).contacts.card.unwrap();
    assert_eq!(card.title, "New contact");
    assert_eq!(card.form.unwrap().lists.len(), 2);
    // No journey before it exists: the form stays.
    let out = h.intent(Intent::ContactTab {
        tab: ContactTab::Journey,
    });
    assert!(sent(&out).is_empty());
    assert_eq!(
        h.core.view(h.now).contacts.card.unwrap().tab,
        ContactTab::Details
    );

    let out = h.intent(Intent::AddContact {
        list: ContactListId(1),
        draft: ContactDraft::default(),
    });
    assert!(sent(&out).is_empty(), "an empty contact is refused");

    let draft = ContactDraft {
        first_name: "Cy\u{202e}".into(),
        phones: vec!["600 111 222".into()],
        ..ContactDraft::default()
    };
    let frame = only_sent(&h.intent(Intent::AddContact {
        list: ContactListId(1),
        draft,
    }));
    let ClientFrame::AddContact { cid, list, draft } = frame else {
        panic!("an add");
    };
    assert_eq!(list, ContactListId(1));
    assert_eq!(draft.first_name, "Cy");
    one(&mut h, cid, contact(3, "Cy", ""));
    let view = h.core.view(h.now);
    let card = view.contacts.card.unwrap();
    assert_eq!(card.id, Some(ContactId(3)));
    assert_eq!(card.title, "Cy");
    assert!(card.form.is_none());
    assert_eq!(view.contacts.rows[0].id, ContactId(3));
}

#[test]
fn the_journey_is_newest_first_worded_on_the_agents_clock() {
    let mut h = Harness::new();
    with_page(&mut h, vec![contact(1, "Ana", "Silva")]);
    open_card(&mut h, contact(1, "Ana", "Silva"));
    let frame = only_sent(&h.intent(Intent::ContactTab {
        tab: ContactTab::Journey,
    }));
    let ClientFrame::ContactJourney { cid, contact } = frame else {
        panic!("the journey");
    };
    assert_eq!(contact, ContactId(1));
    let card = h.core.view(h.now).contacts.card.unwrap();
    assert_eq!(card.tab, ContactTab::Journey);
    assert_eq!(card.journey, None);
    assert_eq!(card.journey_empty_text, "Loading…");

    let at = |h: u32| Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0).unwrap();
    let older = JourneyEntry {
        at: at(8),
        queue: Some("Sales\n".into()),
        agent: None,
        what: JourneyItem::Request {
            request: RequestId(4),
            request_kind: RequestKind::CallNow,
            outcome: "timed_out".into(),
        },
    };
    let newer = JourneyEntry {
        at: at(10),
        queue: Some("Sales".into()),
        agent: Some(bo()),
        what: JourneyItem::Session {
            session: SessionId(3),
            request: RequestId(5),
            ended_at: Some(at(10) + Duration::minutes(12)),
            disposition: Some("Sale".into()),
        },
    };
    let transfer = JourneyEntry {
        at: at(9),
        queue: None,
        agent: Some(bo()),
        what: JourneyItem::Transfer {
            request: RequestId(5),
            to: "Billing".into(),
            outcome: "came_back".into(),
        },
    };
    let chat = JourneyEntry {
        at: at(7),
        queue: Some("Sales".into()),
        agent: Some(bo()),
        what: JourneyItem::Conversation {
            conversation: headsup_protocol::ConversationId(2),
            request: RequestId(2),
            channel: headsup_protocol::chat::Channel::Whatsapp,
            state: headsup_protocol::chat::ConversationState::Closed,
            tags: vec!["vip".into(), "follow up".into()],
        },
    };
    // Out of order on purpose: the core orders them.
    reply(
        &mut h,
        Reply {
            journey: Some(vec![older, chat, newer, transfer]),
            ..Reply::new(cid)
        },
    );
    let journey = h.core.view(h.now).contacts.card.unwrap().journey.unwrap();
    let texts: Vec<_> = journey.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "Session: Sale (ended 11:12)",
            "Transferred to Billing: came back",
            "Call now request: nobody took it in time",
            "WhatsApp chat: closed · tags: vip, follow up",
        ]
    );
    assert_eq!(journey[3].who, "Handled by Bo");
    // Europe/Madrid is UTC+1 in March.
    assert_eq!(journey[0].when, "Mon 2 Mar, 11:00");
    assert_eq!(journey[0].who, "Handled by Bo");
    assert_eq!(journey[0].queue.as_deref(), Some("in Sales"));
    assert_eq!(journey[2].who, "No agent");
    assert_eq!(journey[2].queue.as_deref(), Some("in Sales"));
    assert_eq!(journey[1].queue, None);
}

#[test]
fn a_sessions_contact_is_on_the_session_panel_and_opens_its_card() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let mut s = session(1, 5, SessionState::Bridged);
    s.contact = Some(ContactRef {
        id: ContactId(8),
        name: "Bea\u{202e} Ruiz\n".into(),
    });
    h.event(Event::SessionUpdated { session: s });
    let panel = h.core.view(h.now).session.unwrap();
    assert_eq!(panel.contact_label.as_deref(), Some("Bea Ruiz"));

    let out = h.intent(Intent::OpenContact {
        contact: ContactId(8),
    });
    let frames = sent(&out);
    assert!(frames
        .iter()
        .any(|f| matches!(f, ClientFrame::GetContact { contact, .. } if *contact == ContactId(8))));
    let view = h.core.view(h.now);
    assert_eq!(view.open_desk, DeskId::Contacts);
    assert_eq!(view.contacts.card.unwrap().title, "Loading…");
}

#[test]
fn an_offer_names_the_customer_as_typed_else_their_contact() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    // A caller who gave no name, matched by phone to a contact: the contact's name, in the row
    // and in the notification alike.
    let mut r = request(1, RequestKind::CallNow, h.now);
    r.customer.name = None;
    r.contact = Some(ContactRef {
        id: ContactId(8),
        name: "Bea Ruiz".into(),
    });
    let out = h.event(Event::Offered { request: r });
    let notified = out
        .iter()
        .any(|o| matches!(o, Output::Notify(n) if n.body.contains("Bea Ruiz")));
    assert!(notified, "{out:?}");
    // A customer who gave a name for this request is called by it, contact or not.
    let mut named = request(2, RequestKind::CallNow, h.now);
    named.contact = Some(ContactRef {
        id: ContactId(8),
        name: "Bea Ruiz".into(),
    });
    h.event(Event::Offered { request: named });
    h.offer(3, RequestKind::CallNow);
    let view = h.core.view(h.now);
    let label = |id: i64| {
        view.queue
            .iter()
            .find(|row| row.id == RequestId(id))
            .map(|row| row.label.clone())
            .unwrap()
    };
    assert_eq!(label(1), "Bea Ruiz");
    assert_eq!(label(2), "Customer 2");
    assert_eq!(label(3), "Customer 3", "no contact: the customer");
}

#[test]
fn a_reconnect_asks_again_for_what_the_desk_shows() {
    let mut h = Harness::new();
    with_page(&mut h, vec![contact(1, "Ana", "Silva")]);
    open_card(&mut h, contact(1, "Ana", "Silva"));
    h.input(headsup_core::Input::Disconnected {
        reason: "lost".into(),
    });
    h.input(headsup_core::Input::Connected);
    let out = h.welcome(1, true);
    let frames = sent(&out);
    assert!(frames
        .iter()
        .any(|f| matches!(f, ClientFrame::ContactLists { .. })));
    assert!(frames
        .iter()
        .any(|f| matches!(f, ClientFrame::SearchContacts { .. })));
    assert!(frames
        .iter()
        .any(|f| matches!(f, ClientFrame::GetContact { contact, .. } if *contact == ContactId(1))));
}

#[test]
fn the_desk_travels_as_one_field_patch_and_the_replica_follows() {
    use headsup_protocol::view::{FieldPatch, ViewPatch, ViewReplica, ViewUpdate};
    let mut h = Harness::new();
    let (_, cid) = open_desk(&mut h);
    let mut replica = ViewReplica::default();
    let first = h.core.view_update(h.now).expect("a first update");
    assert!(matches!(first, ViewUpdate::Full { .. }));
    replica.receive(first).unwrap();

    page(&mut h, cid, vec![contact(1, "Ana", "Silva")], Some("next"));
    let Some(ViewUpdate::Patch { patches, .. }) = h.core.view_update(h.now) else {
        panic!("a patch");
    };
    let contacts: Vec<_> = patches
        .iter()
        .filter(|p| matches!(p, ViewPatch::Field(FieldPatch::Contacts(_))))
        .collect();
    assert_eq!(contacts.len(), 1, "{patches:?}");
    let update = ViewUpdate::Patch {
        version: replica.version + 1,
        patches,
    };
    replica.receive(update).unwrap();
    assert_eq!(replica.view, h.core.view(h.now));
    assert_eq!(replica.view.contacts.rows[0].name, "Ana Silva");
}

#[test]
fn the_session_panel_lists_the_contacts_last_interactions_before_this_one() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    let mut s = session(1, 5, SessionState::Bridged);
    s.contact = Some(ContactRef {
        id: ContactId(8),
        name: "Bea Ruiz".into(),
    });
    let out = h.event(Event::SessionUpdated { session: s.clone() });
    let asked: Vec<u64> = sent(&out)
        .iter()
        .filter_map(|f| match f {
            ClientFrame::ContactJourney { cid, contact } if *contact == ContactId(8) => Some(*cid),
            _ => None,
        })
        .collect();
    assert_eq!(asked.len(), 1, "one read of the contact's journey");
    // Another update of the same session does not read it again.
    let again = h.event(Event::SessionUpdated { session: s.clone() });
    assert!(!sent(&again)
        .iter()
        .any(|f| matches!(f, ClientFrame::ContactJourney { .. })));

    let at = |hour: u32| Utc.with_ymd_and_hms(2026, 3, 2, hour, 0, 0).unwrap();
    let earlier = |request: i64, hour: u32| JourneyEntry {
        at: at(hour),
        queue: Some("Sales".into()),
        agent: Some(bo()),
        what: JourneyItem::Request {
            request: RequestId(request),
            request_kind: RequestKind::CallNow,
            outcome: "taken".into(),
        },
    };
    let this_one = JourneyEntry {
        at: at(12),
        queue: Some("Sales".into()),
        agent: None,
        what: JourneyItem::Session {
            session: SessionId(1),
            request: RequestId(5),
            ended_at: None,
            disposition: None,
        },
    };
    // Out of order on purpose, with this session's own entry among them.
    let journey = vec![
        earlier(2, 8),
        this_one,
        earlier(4, 10),
        earlier(1, 7),
        earlier(3, 9),
    ];
    reply(
        &mut h,
        Reply {
            journey: Some(journey),
            ..Reply::new(asked[0])
        },
    );
    let panel = h.core.view(h.now).session.unwrap();
    let when: Vec<&str> = panel.recent.iter().map(|r| r.when.as_str()).collect();
    // Europe/Madrid is UTC+1 in March: requests 4, 3, 2; not this session, not the oldest.
    assert_eq!(
        when,
        ["Mon 2 Mar, 11:00", "Mon 2 Mar, 10:00", "Mon 2 Mar, 09:00"]
    );
    assert!(panel.recent.iter().all(|r| r.who == "Handled by Bo"));

    // The session ends: no panel, and a new contact's session reads its own journey.
    let mut next = session(2, 6, SessionState::Bridged);
    next.contact = Some(ContactRef {
        id: ContactId(9),
        name: "Chen Wei".into(),
    });
    let out = h.event(Event::SessionUpdated { session: next });
    assert!(sent(&out).iter().any(
        |f| matches!(f, ClientFrame::ContactJourney { contact, .. } if *contact == ContactId(9))
    ));
    assert!(h.core.view(h.now).session.unwrap().recent.is_empty());
}

/// Signed in, in a session whose customer is contact 8; returns the cids of the card's
/// `get_contact` and of the `contact_lists` read with it.
fn session_with_contact(h: &mut Harness) -> (u64, u64) {
    h.sign_in(vec![]);
    let mut s = session(1, 5, SessionState::Bridged);
    s.contact = Some(ContactRef {
        id: ContactId(8),
        name: "Bea Ruiz".into(),
    });
    let out = h.event(Event::SessionUpdated { session: s.clone() });
    let frames = sent(&out);
    let get = frames
        .iter()
        .find_map(|f| match f {
            ClientFrame::GetContact { cid, contact } if *contact == ContactId(8) => Some(*cid),
            _ => None,
        })
        .expect("the session's contact is read");
    let lists = frames
        .iter()
        .find_map(|f| match f {
            ClientFrame::ContactLists { cid } => Some(*cid),
            _ => None,
        })
        .expect("with the lists, for its list's name and fields");
    // Another update of the same session reads nothing again.
    let again = h.event(Event::SessionUpdated { session: s });
    assert!(!sent(&again).iter().any(|f| matches!(
        f,
        ClientFrame::GetContact { .. } | ClientFrame::ContactLists { .. }
    )));
    (get, lists)
}

fn bea() -> Contact {
    let mut bea = contact(8, "Bea", "Ruiz");
    bea.version = 3;
    bea.company = "Acme".into();
    bea.phones = vec!["+34 6•• ••• •22".into()];
    bea.emails = vec!["bea@example.com".into()];
    bea.tags = vec!["vip".into(), "\u{202e}late".into()];
    bea.masked = Masked {
        phone: true,
        ..Masked::default()
    };
    bea
}

#[test]
fn the_session_panel_shows_the_contacts_card_masked_as_given_and_saves_an_edit() {
    let mut h = Harness::new();
    let (get, lists_cid) = session_with_contact(&mut h);
    assert!(h.core.view(h.now).session.unwrap().contact_card.is_none());
    reply(
        &mut h,
        Reply {
            contact_lists: Some(lists()),
            ..Reply::new(lists_cid)
        },
    );
    one(&mut h, get, bea());

    let view = h.core.view(h.now);
    assert_eq!(
        view.open_desk,
        DeskId::Requests,
        "the desk stays where it was"
    );
    assert!(view.contacts.card.is_none(), "the desk's card is its own");
    let card = view.session.unwrap().contact_card.expect("the card");
    assert_eq!(card.title, "Bea Ruiz");
    let field = |label: &str| card.fields.iter().find(|f| f.label == label).unwrap();
    assert_eq!(field("Company").value, "Acme");
    assert_eq!(field("Phone").value, "+34 6•• ••• •22");
    assert!(field("Phone").masked);
    assert_eq!(field("E-mail").value, "bea@example.com");
    assert!(!field("E-mail").masked);
    assert_eq!(field("List").value, "Customers");
    assert_eq!(card.tags, vec!["vip".to_string(), "late".to_string()]);
    assert!(card.can_edit && card.form.is_none());
    assert!(card.merge_options.is_empty() && card.duplicate_lists.is_empty());

    h.intent(Intent::EditSessionContact { editing: true });
    let card = h.core.view(h.now).session.unwrap().contact_card.unwrap();
    let form = card.form.expect("the form, in the panel");
    assert!(form.phones_locked && !form.name_locked);
    assert_eq!(form.field_labels, vec![("plan".into(), "Plan".into())]);
    assert!(h.core.view(h.now).contacts.card.is_none());

    let draft = ContactDraft {
        last_name: "Ruiz Gil".into(),
        ..form.draft
    };
    let frame = only_sent(&h.intent(Intent::SaveSessionContact { draft }));
    let ClientFrame::EditContact {
        cid,
        contact,
        version,
        draft,
    } = frame
    else {
        panic!("an edit: {frame:?}");
    };
    assert_eq!((contact, version), (ContactId(8), 3), "on the version read");
    assert_eq!(draft.last_name, "Ruiz Gil");
    assert!(draft.phones.is_empty(), "a masked phone is never sent back");
    let card = h.core.view(h.now).session.unwrap().contact_card.unwrap();
    assert!(card.busy && !card.can_edit);
    // A second save while the first is on its way is refused, not sent.
    let draft = card.form.unwrap().draft;
    assert!(sent(&h.intent(Intent::SaveSessionContact { draft })).is_empty());

    let mut saved = bea();
    saved.last_name = "Ruiz Gil".into();
    saved.version = 4;
    one(&mut h, cid, saved);
    let view = h.core.view(h.now);
    let card = view.session.unwrap().contact_card.unwrap();
    assert_eq!(card.title, "Bea Ruiz Gil");
    assert!(card.form.is_none() && !card.busy);
    assert_eq!(view.notice.unwrap().text, "Contact saved.");
}

#[test]
fn a_stale_edit_from_the_session_panel_reloads_its_card_and_keeps_the_desks_form() {
    let mut h = Harness::new();
    let (get, _) = session_with_contact(&mut h);
    one(&mut h, get, bea());
    // The same contact open and being edited on the desk.
    let out = h.intent(Intent::OpenContact {
        contact: ContactId(8),
    });
    let open = sent(&out)
        .into_iter()
        .find(|f| matches!(f, ClientFrame::GetContact { .. }))
        .unwrap();
    one(&mut h, cid_of(&open), bea());
    h.intent(Intent::EditContact { editing: true });

    h.intent(Intent::EditSessionContact { editing: true });
    let draft = h
        .core
        .view(h.now)
        .session
        .unwrap()
        .contact_card
        .unwrap()
        .form
        .unwrap()
        .draft;
    let save = only_sent(&h.intent(Intent::SaveSessionContact { draft }));
    let out = refuse(&mut h, cid_of(&save), ErrorCode::StaleVersion);
    let reload = only_sent(&out);
    assert!(matches!(reload, ClientFrame::GetContact { contact, .. } if contact == ContactId(8)));
    let view = h.core.view(h.now);
    assert!(view.notice.unwrap().text.contains("not saved"));
    assert!(view.session.unwrap().contact_card.unwrap().form.is_none());

    let mut theirs = bea();
    theirs.first_name = "Beatriz".into();
    theirs.version = 9;
    one(&mut h, cid_of(&reload), theirs);
    let view = h.core.view(h.now);
    assert_eq!(
        view.session.unwrap().contact_card.unwrap().title,
        "Beatriz Ruiz"
    );
    // The desk's form keeps the version it was read on: its save is checked, never lost.
    let desk = view.contacts.card.unwrap();
    assert!(desk.form.is_some());
    let ClientFrame::EditContact { version, .. } = only_sent(&h.intent(Intent::SaveContact {
        draft: desk.form.unwrap().draft,
    })) else {
        panic!("an edit");
    };
    assert_eq!(version, 3);
}

#[test]
fn the_session_card_follows_the_session_and_survives_a_refusal_and_a_reconnect() {
    let mut h = Harness::new();
    let (get, _) = session_with_contact(&mut h);
    // Asked again after a reconnect while unanswered (the answer went with the socket).
    h.input(headsup_core::Input::Disconnected {
        reason: "lost".into(),
    });
    h.input(headsup_core::Input::Connected);
    let out = h.welcome(1, true);
    let again = sent(&out)
        .into_iter()
        .find(|f| matches!(f, ClientFrame::GetContact { contact, .. } if *contact == ContactId(8)))
        .expect("read again");
    // The old socket's answer changes nothing; the new one shows the card.
    one(&mut h, get, contact(8, "Old", "Answer"));
    assert!(h.core.view(h.now).session.unwrap().contact_card.is_none());
    one(&mut h, cid_of(&again), bea());
    assert!(h.core.view(h.now).session.unwrap().contact_card.is_some());

    // A session with another contact that the agent may not see: no card, no warning, and
    // not asked again on every update.
    let mut next = session(2, 6, SessionState::Bridged);
    next.contact = Some(ContactRef {
        id: ContactId(9),
        name: "Chen Wei".into(),
    });
    let out = h.event(Event::SessionUpdated {
        session: next.clone(),
    });
    assert!(h.core.view(h.now).session.unwrap().contact_card.is_none());
    let get9 = sent(&out)
        .into_iter()
        .find(|f| matches!(f, ClientFrame::GetContact { contact, .. } if *contact == ContactId(9)))
        .expect("the new contact is read");
    refuse(&mut h, cid_of(&get9), ErrorCode::NotFound);
    let view = h.core.view(h.now);
    assert!(view.notice.is_none(), "{:?}", view.notice);
    assert!(view.session.unwrap().contact_card.is_none());
    let out = h.event(Event::SessionUpdated { session: next });
    assert!(!sent(&out)
        .iter()
        .any(|f| matches!(f, ClientFrame::GetContact { .. })));
    // Editing a card that is not there does nothing.
    h.intent(Intent::EditSessionContact { editing: true });
    assert!(h.core.view(h.now).session.unwrap().contact_card.is_none());
}

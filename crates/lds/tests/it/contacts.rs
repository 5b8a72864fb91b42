//! Contacts over the agents' WebSocket: lists and who may see them, add / edit with optimistic
//! concurrency / merge / duplicate, the search (phones in any formatting, name prefixes, tags,
//! paging), the automatic contact at intake and the journey.

use headsup_protocol::contacts::{
    Contact, ContactDraft, ContactList, ContactPage, ContactQuery, JourneyEntry, JourneyItem,
};
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame};
use headsup_protocol::{ContactId, ContactListId, ErrorCode};
use headsup_testkit::lds::{AgentConn, TestServer};
use lds::admin::contacts::{self, Grantee};
use serde_json::json;

fn refused(frame: &ServerFrame) -> Option<ErrorCode> {
    match frame {
        ServerFrame::Error(ErrorFrame { code, .. }) => Some(*code),
        _ => None,
    }
}

async fn reply(conn: &mut AgentConn, make: impl FnOnce(u64) -> ClientFrame) -> Reply {
    match conn.command(make).await.unwrap() {
        ServerFrame::Reply(r) => r,
        other => panic!("refused: {other:?}"),
    }
}

async fn lists(conn: &mut AgentConn) -> Vec<ContactList> {
    reply(conn, |cid| ClientFrame::ContactLists { cid })
        .await
        .contact_lists
        .unwrap()
}

async fn list_named(conn: &mut AgentConn, name: &str) -> ContactListId {
    lists(conn)
        .await
        .into_iter()
        .find(|l| l.name == name)
        .unwrap_or_else(|| panic!("no list {name}"))
        .id
}

fn draft(first: &str, last: &str, phones: &[&str]) -> ContactDraft {
    ContactDraft {
        first_name: first.into(),
        last_name: last.into(),
        phones: phones.iter().map(|p| p.to_string()).collect(),
        ..ContactDraft::default()
    }
}

async fn add(conn: &mut AgentConn, list: ContactListId, d: ContactDraft) -> Contact {
    *reply(conn, |cid| ClientFrame::AddContact {
        cid,
        list,
        draft: d,
    })
    .await
    .contact
    .unwrap()
}

async fn search(conn: &mut AgentConn, query: ContactQuery) -> ContactPage {
    reply(conn, |cid| ClientFrame::SearchContacts { cid, query })
        .await
        .contacts
        .unwrap()
}

fn text(t: &str) -> ContactQuery {
    ContactQuery {
        text: Some(t.into()),
        ..ContactQuery::default()
    }
}

fn ids(page: &ContactPage) -> Vec<ContactId> {
    page.contacts.iter().map(|c| c.id).collect()
}

async fn get(conn: &mut AgentConn, contact: ContactId) -> ServerFrame {
    conn.command(|cid| ClientFrame::GetContact { cid, contact })
        .await
        .unwrap()
}

async fn journey(conn: &mut AgentConn, contact: ContactId) -> Vec<JourneyEntry> {
    reply(conn, |cid| ClientFrame::ContactJourney { cid, contact })
        .await
        .journey
        .unwrap()
}

/// A team "Desk" reading national numbers as Spanish, with Ana signed in.
async fn desk() -> (TestServer, String, AgentConn) {
    let s = TestServer::start().await;
    let (_, key) = s.team("Desk", 3600).await;
    contacts::set_phone_region(s.server.db(), "Desk", Some("es"))
        .await
        .unwrap();
    let (_, token) = s.agent("Desk", "Ana").await;
    let ana = s.connect(&token, None).await;
    (s, key, ana)
}

#[tokio::test]
async fn a_phone_in_any_formatting_a_name_prefix_an_e_mail_or_a_tag_finds_the_contact() {
    let (_s, _key, mut ana) = desk().await;
    let customers = list_named(&mut ana, "Customers").await;
    let maria = add(
        &mut ana,
        customers,
        ContactDraft {
            emails: vec!["Maria@Example.com".into()],
            tags: vec!["vip".into()],
            ..draft("María", "López", &["+34 600 11 12 22"])
        },
    )
    .await;
    assert_eq!(maria.phones, ["+34600111222"]);
    assert_eq!(maria.emails, ["maria@example.com"]);
    assert_eq!(maria.version, 1);
    let other = add(
        &mut ana,
        customers,
        draft("Lopa", "Ruiz", &["600 99 88 77"]),
    )
    .await;
    for t in [
        "+34 600 11 12 22",
        "0034600111222",
        "600111222",
        "600-11-12-22",
    ] {
        assert_eq!(ids(&search(&mut ana, text(t)).await), [maria.id], "{t}");
    }
    // "lop" starts a word of both; "lóp" folds to it; two words must both match.
    assert_eq!(
        ids(&search(&mut ana, text("lop")).await),
        [maria.id, other.id]
    );
    assert_eq!(ids(&search(&mut ana, text("LÓP maría")).await), [maria.id]);
    assert_eq!(
        ids(&search(&mut ana, text("MARIA@example.com")).await),
        [maria.id]
    );
    let tagged = ContactQuery {
        tag: Some("vip".into()),
        ..ContactQuery::default()
    };
    assert_eq!(ids(&search(&mut ana, tagged).await), [maria.id]);
    let advanced = ContactQuery {
        last_name: Some("lo".into()),
        first_name: Some("mar".into()),
        ..ContactQuery::default()
    };
    assert_eq!(ids(&search(&mut ana, advanced).await), [maria.id]);
    assert!(search(&mut ana, text("nobody")).await.contacts.is_empty());
}

#[tokio::test]
async fn pages_follow_the_listing_order_without_gaps_or_repeats() {
    let (_s, _key, mut ana) = desk().await;
    let customers = list_named(&mut ana, "Customers").await;
    let mut added = Vec::new();
    for i in 0..7 {
        let c = add(&mut ana, customers, draft("Ann", &format!("Smith{i}"), &[])).await;
        added.push(c.id);
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = search(
            &mut ana,
            ContactQuery {
                limit: Some(3),
                after: after.clone(),
                ..ContactQuery::default()
            },
        )
        .await;
        assert!(page.contacts.len() <= 3);
        seen.extend(ids(&page));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, added);
    let forged = ContactQuery {
        after: Some("forged!".into()),
        ..ContactQuery::default()
    };
    let answer = ana
        .command(|cid| ClientFrame::SearchContacts { cid, query: forged })
        .await
        .unwrap();
    assert_eq!(refused(&answer), Some(ErrorCode::BadRequest));
}

#[tokio::test]
async fn a_list_an_agent_may_not_see_does_not_exist_for_them_by_any_route() {
    let (s, key, mut ana) = desk().await;
    let db = s.server.db();
    contacts::add_list(db, "Desk", "VIP", &[]).await.unwrap();
    let (_, bo_token) = s.agent("Desk", "Bo").await;
    assert!(
        contacts::grant(db, "Desk", "VIP", Grantee::Agent("bo@test.example"), true)
            .await
            .unwrap()
    );
    let mut bo = s.connect(&bo_token, None).await;
    let vip = list_named(&mut bo, "VIP").await;
    assert!(lists(&mut ana).await.iter().all(|l| l.name != "VIP"));
    let secret = add(
        &mut bo,
        vip,
        draft("Secret", "Person", &["+34 611 00 00 01"]),
    )
    .await;
    // Another team's contact is as invisible.
    s.team("Other", 3600).await;
    let (_, cy_token) = s.agent("Other", "Cy").await;
    let mut cy = s.connect(&cy_token, None).await;
    let cy_list = list_named(&mut cy, "Customers").await;
    let foreign = add(&mut cy, cy_list, draft("Foreign", "One", &[])).await;
    let customers = list_named(&mut ana, "Customers").await;
    let mine = add(&mut ana, customers, draft("Mine", "Own", &[])).await;
    for hidden in [secret.id, foreign.id, ContactId(999_999)] {
        assert_eq!(
            refused(&get(&mut ana, hidden).await),
            Some(ErrorCode::NotFound)
        );
        let frames = [
            ClientFrame::ContactJourney {
                cid: 0,
                contact: hidden,
            },
            ClientFrame::EditContact {
                cid: 0,
                contact: hidden,
                version: 1,
                draft: draft("X", "Y", &[]),
            },
            ClientFrame::MergeContacts {
                cid: 0,
                keep: mine.id,
                merge: hidden,
            },
            ClientFrame::MergeContacts {
                cid: 0,
                keep: hidden,
                merge: mine.id,
            },
            ClientFrame::DuplicateContact {
                cid: 0,
                contact: hidden,
                list: customers,
            },
        ];
        for frame in frames {
            let answer = ana.command(|cid| with_cid(frame, cid)).await.unwrap();
            assert_eq!(refused(&answer), Some(ErrorCode::NotFound), "{hidden}");
        }
    }
    // Nor may she add to, copy into or search in the list.
    let answer = ana
        .command(|cid| ClientFrame::AddContact {
            cid,
            list: vip,
            draft: draft("A", "B", &[]),
        })
        .await
        .unwrap();
    assert_eq!(refused(&answer), Some(ErrorCode::NotFound));
    let answer = ana
        .command(|cid| ClientFrame::DuplicateContact {
            cid,
            contact: mine.id,
            list: vip,
        })
        .await
        .unwrap();
    assert_eq!(refused(&answer), Some(ErrorCode::NotFound));
    let in_vip = ContactQuery {
        list: Some(vip),
        ..ContactQuery::default()
    };
    assert!(search(&mut ana, in_vip).await.contacts.is_empty());
    for t in ["+34 611 00 00 01", "secret", "foreign"] {
        assert!(search(&mut ana, text(t)).await.contacts.is_empty(), "{t}");
    }
    // A request of the default queue is linked in its own list only: Ana's offer names a new
    // contact, not Bo's VIP one with the same phone.
    let body = json!({"kind": "call_now", "customer": {"name": "Secret", "phone": "611000001"}});
    assert_eq!(s.post(&key, &body).await.status(), 201);
    let offered = ana
        .wait_event(|e| matches!(e, Event::Offered { .. }))
        .await
        .unwrap();
    let Event::Offered { request } = offered else {
        unreachable!()
    };
    let linked = request.contact.expect("the default queue keeps contacts");
    assert_ne!(linked.id, secret.id);
    // Revoked, Bo no longer sees VIP either.
    contacts::grant(db, "Desk", "VIP", Grantee::Agent("bo@test.example"), false)
        .await
        .unwrap();
    assert_eq!(
        refused(&get(&mut bo, secret.id).await),
        Some(ErrorCode::NotFound)
    );
}

fn with_cid(frame: ClientFrame, cid: u64) -> ClientFrame {
    match frame {
        ClientFrame::ContactJourney { contact, .. } => ClientFrame::ContactJourney { cid, contact },
        ClientFrame::EditContact {
            contact,
            version,
            draft,
            ..
        } => ClientFrame::EditContact {
            cid,
            contact,
            version,
            draft,
        },
        ClientFrame::MergeContacts { keep, merge, .. } => {
            ClientFrame::MergeContacts { cid, keep, merge }
        }
        ClientFrame::DuplicateContact { contact, list, .. } => {
            ClientFrame::DuplicateContact { cid, contact, list }
        }
        other => other,
    }
}

#[tokio::test]
async fn an_edit_on_a_stale_version_is_refused_and_loses_nothing() {
    let (s, _key, mut ana) = desk().await;
    let (_, bo_token) = s.agent("Desk", "Bo").await;
    let mut bo = s.connect(&bo_token, None).await;
    let customers = list_named(&mut ana, "Customers").await;
    let c = add(&mut ana, customers, draft("Maria", "Lopez", &[])).await;
    // Both read version 1; Bo saves first.
    let bo_edit = reply(&mut bo, |cid| ClientFrame::EditContact {
        cid,
        contact: c.id,
        version: 1,
        draft: ContactDraft {
            company: "ACME".into(),
            ..draft("Maria", "Lopez", &["600111222"])
        },
    })
    .await
    .contact
    .unwrap();
    assert_eq!(bo_edit.version, 2);
    assert_eq!(bo_edit.phones, ["+34600111222"]);
    let late = ana
        .command(|cid| ClientFrame::EditContact {
            cid,
            contact: c.id,
            version: 1,
            draft: draft("Mary", "Lopez", &[]),
        })
        .await
        .unwrap();
    assert_eq!(refused(&late), Some(ErrorCode::StaleVersion));
    let ServerFrame::Reply(Reply {
        contact: Some(now), ..
    }) = get(&mut ana, c.id).await
    else {
        panic!("no contact");
    };
    assert_eq!(
        (now.first_name.as_str(), now.company.as_str()),
        ("Maria", "ACME")
    );
    assert_eq!(now.version, 2);
    // Bad drafts are refused with their codes and write nothing.
    for (bad, code) in [
        (ContactDraft::default(), ErrorCode::InvalidContact),
        (draft("A", "", &["call me"]), ErrorCode::InvalidPhone),
    ] {
        let answer = ana
            .command(|cid| ClientFrame::EditContact {
                cid,
                contact: c.id,
                version: 2,
                draft: bad,
            })
            .await
            .unwrap();
        assert_eq!(refused(&answer), Some(code));
    }
}

#[tokio::test]
async fn intake_links_a_known_phone_and_makes_a_contact_for_an_unknown_one() {
    let (s, key, mut ana) = desk().await;
    let post = |name: &str, phone: &str| json!({"kind": "call_now", "customer": {"name": name, "phone": phone}});
    assert_eq!(
        s.post(&key, &post("Maria Lopez", "+34 600 11 12 22"))
            .await
            .status(),
        201
    );
    let first = match ana
        .wait_event(|e| matches!(e, Event::Offered { .. }))
        .await
        .unwrap()
    {
        Event::Offered { request } => request,
        _ => unreachable!(),
    };
    let contact = first.contact.clone().expect("a contact was made");
    assert_eq!(contact.name, "Maria Lopez");
    // The same number typed another way, under another name: the same contact, by its name.
    assert_eq!(
        s.post(&key, &post("M. L.", "0034600111222")).await.status(),
        201
    );
    let second = match ana
        .wait_event(|e| matches!(e, Event::Offered { request } if request.id != first.id))
        .await
        .unwrap()
    {
        Event::Offered { request } => request,
        _ => unreachable!(),
    };
    assert_eq!(second.contact.as_ref().map(|c| c.id), Some(contact.id));
    assert_eq!(second.contact.unwrap().name, "Maria Lopez");
    let ServerFrame::Reply(Reply {
        contact: Some(card),
        ..
    }) = get(&mut ana, contact.id).await
    else {
        panic!("no contact");
    };
    assert_eq!(
        (card.first_name.as_str(), card.last_name.as_str()),
        ("Maria", "Lopez")
    );
    assert_eq!(card.phones, ["+34600111222"]);
    // Ana serves the second one: her session names the contact, and the journey has both
    // requests and the session, newest first, with who handled it.
    let session = ana.accept_session(second.id).await;
    let assigned = ana
        .wait_event(|e| matches!(e, Event::Assigned { .. }))
        .await
        .unwrap();
    let Event::Assigned {
        session: opened, ..
    } = assigned
    else {
        unreachable!()
    };
    assert_eq!(opened.contact.map(|c| c.id), Some(contact.id));
    let end = ana
        .command(|cid| ClientFrame::EndSession { cid, session })
        .await
        .unwrap();
    assert_eq!(refused(&end), None);
    let entries = journey(&mut ana, contact.id).await;
    let kinds: Vec<_> = entries
        .iter()
        .map(|e| match &e.what {
            JourneyItem::Request { request, .. } => format!("request {request}"),
            JourneyItem::Session { request, .. } => format!("session of {request}"),
            JourneyItem::Transfer { .. } => "transfer".into(),
            JourneyItem::Conversation { .. } => "conversation".into(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            format!("session of {}", second.id),
            format!("request {}", second.id),
            format!("request {}", first.id),
        ]
    );
    let served = &entries[0];
    assert_eq!(served.agent.as_ref().map(|a| a.name.as_str()), Some("Ana"));
    assert_eq!(served.queue.as_deref(), Some("default"));
    // She served it: it is among her contacts.
    let mine = ContactQuery {
        mine: true,
        ..ContactQuery::default()
    };
    assert_eq!(ids(&search(&mut ana, mine).await), [contact.id]);
}

#[tokio::test]
async fn merging_keeps_every_value_and_interaction_and_the_old_id_answers_the_survivor() {
    let (s, key, mut ana) = desk().await;
    let post =
        |phone: &str| json!({"kind": "call_now", "customer": {"name": "Maria", "phone": phone}});
    assert_eq!(s.post(&key, &post("600111222")).await.status(), 201);
    assert_eq!(s.post(&key, &post("600333444")).await.status(), 201);
    let page = search(&mut ana, text("maria")).await;
    let [a, b] = &page.contacts[..] else {
        panic!("two contacts: {page:?}");
    };
    let customers = a.list;
    // Give each something the other lacks.
    let b = reply(&mut ana, |cid| ClientFrame::EditContact {
        cid,
        contact: b.id,
        version: b.version,
        draft: ContactDraft {
            emails: vec!["maria@example.com".into()],
            tags: vec!["vip".into()],
            ..draft("Maria", "", &["600333444"])
        },
    })
    .await
    .contact
    .unwrap();
    let merged = reply(&mut ana, |cid| ClientFrame::MergeContacts {
        cid,
        keep: a.id,
        merge: b.id,
    })
    .await
    .contact
    .unwrap();
    assert_eq!(merged.id, a.id);
    assert_eq!(merged.phones, ["+34600111222", "+34600333444"]);
    assert_eq!(merged.emails, ["maria@example.com"]);
    assert_eq!(merged.tags, ["vip"]);
    assert_eq!(merged.version, a.version + 1);
    // The merged id answers the survivor; searches find it by either phone, once.
    let ServerFrame::Reply(Reply {
        contact: Some(via_old),
        ..
    }) = get(&mut ana, b.id).await
    else {
        panic!("no contact");
    };
    assert_eq!(via_old.id, a.id);
    assert_eq!(ids(&search(&mut ana, text("600333444")).await), [a.id]);
    assert_eq!(ids(&search(&mut ana, text("maria")).await), [a.id]);
    let requests = journey(&mut ana, a.id)
        .await
        .iter()
        .filter(|e| matches!(e.what, JourneyItem::Request { .. }))
        .count();
    assert_eq!(requests, 2, "both contacts' requests");
    // A new request from the merged contact's phone lands on the survivor.
    assert_eq!(s.post(&key, &post("+34600333444")).await.status(), 201);
    let offered = ana
        .wait_event(|e| {
            matches!(e, Event::Offered { request }
                if request.customer.phone.as_deref() == Some("+34600333444"))
        })
        .await
        .unwrap();
    let Event::Offered { request } = offered else {
        unreachable!()
    };
    assert_eq!(request.contact.map(|c| c.id), Some(a.id));
    // Merging into itself, or an already merged contact again, is refused.
    let again = ana
        .command(|cid| ClientFrame::MergeContacts {
            cid,
            keep: a.id,
            merge: b.id,
        })
        .await
        .unwrap();
    assert_eq!(refused(&again), Some(ErrorCode::BadRequest));
    // Duplicating copies the values into another list; the original stays.
    contacts::add_list(s.server.db(), "Desk", "Partners", &[])
        .await
        .unwrap();
    contacts::grant(
        s.server.db(),
        "Desk",
        "Partners",
        Grantee::Agent("ana@test.example"),
        true,
    )
    .await
    .unwrap();
    let partners = list_named(&mut ana, "Partners").await;
    let copy = reply(&mut ana, |cid| ClientFrame::DuplicateContact {
        cid,
        contact: a.id,
        list: partners,
    })
    .await
    .contact
    .unwrap();
    assert_ne!(copy.id, a.id);
    assert_eq!(
        (copy.list, copy.phones.clone()),
        (partners, merged.phones.clone())
    );
    let in_customers = ContactQuery {
        list: Some(customers),
        ..ContactQuery::default()
    };
    assert_eq!(ids(&search(&mut ana, in_customers).await), [a.id]);
}

/// A name prefix is read page by page in listing order from every list the agent sees, and
/// follows the contact through an edit (the old name stops matching) and a merge (the merged
/// contact's name finds the survivor, once).
#[tokio::test]
async fn a_name_prefix_pages_over_every_visible_list_and_follows_edits_and_merges() {
    let (s, _key, mut ana) = desk().await;
    let db = s.server.db();
    contacts::add_list(db, "Desk", "VIP", &[]).await.unwrap();
    assert!(
        contacts::grant(db, "Desk", "VIP", Grantee::Agent("ana@test.example"), true)
            .await
            .unwrap()
    );
    let customers = list_named(&mut ana, "Customers").await;
    let vip = list_named(&mut ana, "VIP").await;
    // Interleaved in listing order across the two lists; a decoy that must not match.
    let mut expected = Vec::new();
    for i in 0..9 {
        let list = if i % 2 == 0 { customers } else { vip };
        let c = add(&mut ana, list, draft("Mar", &format!("Prefix{i}"), &[])).await;
        expected.push(c.id);
    }
    add(&mut ana, customers, draft("Luz", "Prefix9", &[])).await;
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = search(
            &mut ana,
            ContactQuery {
                limit: Some(2),
                after: after.clone(),
                ..text("ma prefi")
            },
        )
        .await;
        seen.extend(ids(&page));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, expected, "every match once, in listing order");

    // A word longer than the prefixes kept is matched whole on its tail.
    let long = add(
        &mut ana,
        customers,
        draft("Bartholomew", "Internationalisation", &[]),
    )
    .await;
    assert_eq!(
        ids(&search(&mut ana, text("internationalis")).await),
        [long.id]
    );
    assert!(search(&mut ana, text("internationalx"))
        .await
        .contacts
        .is_empty());

    // An edit: the old name no longer finds the contact, the new one does.
    let first = expected[0];
    let ServerFrame::Reply(Reply {
        contact: Some(current),
        ..
    }) = get(&mut ana, first).await
    else {
        panic!("the contact is there");
    };
    reply(&mut ana, |cid| ClientFrame::EditContact {
        cid,
        contact: first,
        version: current.version,
        draft: draft("Zoe", "Renamed", &[]),
    })
    .await;
    assert!(!ids(&search(&mut ana, text("mar prefix0")).await).contains(&first));
    assert_eq!(ids(&search(&mut ana, text("zo renam")).await), [first]);

    // A merge: the merged contact's name finds the survivor, and only it.
    let gone = expected[1];
    reply(&mut ana, |cid| ClientFrame::MergeContacts {
        cid,
        keep: first,
        merge: gone,
    })
    .await;
    assert_eq!(ids(&search(&mut ana, text("prefix1")).await), [first]);
}

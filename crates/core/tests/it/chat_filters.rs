//! The interactions list's filters (open/closed, read/unread): the UI only says which; the core
//! asks the LDS for the conversations that pass them and lists only those (and the one on
//! screen), whatever the events add later.

use crate::support::*;
use headsup_protocol::chat::{
    Channel, Conversation, ConversationPage, ConversationQuery, ConversationState,
};
use headsup_protocol::lds::{ClientFrame, Event, Reply, ServerFrame};
use headsup_protocol::view::{ChatFilter, Intent};
use headsup_protocol::{ConversationId, RequestId};

fn conv(id: i64, name: &str, state: ConversationState, unread: u32) -> Conversation {
    Conversation {
        id: ConversationId(id),
        channel: Channel::Web,
        queue: None,
        customer: customer(name),
        contact: None,
        state,
        agent: None,
        first_agent: None,
        session: None,
        request: RequestId(id),
        started_at: t0(),
        closed_at: None,
        last_message: None,
        unread,
        free_text_until: None,
        tags: Vec::new(),
        account: None,
    }
}

fn queries(out: &[headsup_core::Output]) -> Vec<(u64, ConversationQuery)> {
    sent(out)
        .into_iter()
        .filter_map(|f| match f {
            ClientFrame::Conversations { cid, query } => Some((cid, query)),
            _ => None,
        })
        .collect()
}

fn names(h: &Harness) -> Vec<String> {
    h.core
        .view(h.now)
        .chats
        .rows
        .into_iter()
        .map(|r| r.name)
        .collect()
}

fn filter(
    h: &mut Harness,
    state: Option<ConversationState>,
    unread: Option<bool>,
) -> Vec<headsup_core::Output> {
    h.intent(Intent::FilterChats {
        filter: ChatFilter {
            state,
            unread,
            ..ChatFilter::default()
        },
    })
}

#[test]
fn the_core_asks_for_what_passes_the_filters_and_lists_only_that() {
    let mut h = Harness::new();
    let out = h.sign_in(vec![]);
    let (cid, query) = queries(&out).pop().expect("the list is read on connect");
    assert_eq!(
        (query.state, query.unread),
        (None, None),
        "unfiltered at first"
    );
    h.frame(ServerFrame::Reply(Reply {
        conversations: Some(ConversationPage {
            conversations: vec![
                conv(1, "Ann", ConversationState::Open, 2),
                conv(2, "Bea", ConversationState::Open, 0),
                conv(3, "Cy", ConversationState::Closed, 0),
            ],
            next: None,
        }),
        ..Reply::new(cid)
    }));
    assert_eq!(names(&h).len(), 3);

    // Closed only: the LDS is asked for them (older ones may not be known here).
    let out = filter(&mut h, Some(ConversationState::Closed), None);
    let (cid, query) = queries(&out).pop().expect("the list is read again");
    assert_eq!(query.state, Some(ConversationState::Closed));
    assert_eq!(query.unread, None);
    assert_eq!(names(&h), ["Cy"]);
    assert_eq!(
        h.core.view(h.now).chats.filter.state,
        Some(ConversationState::Closed)
    );
    h.frame(ServerFrame::Reply(Reply {
        conversations: Some(ConversationPage {
            conversations: vec![
                conv(3, "Cy", ConversationState::Closed, 0),
                conv(4, "Dan", ConversationState::Closed, 0),
            ],
            next: None,
        }),
        ..Reply::new(cid)
    }));
    assert_eq!(names(&h), ["Dan", "Cy"], "newest first");

    // The same filters again ask nothing.
    let again = filter(&mut h, Some(ConversationState::Closed), None);
    assert!(queries(&again).is_empty());

    // Unread only: an event's conversation that does not pass stays off the list.
    let out = filter(&mut h, None, Some(true));
    let (_, query) = queries(&out).pop().expect("the list is read again");
    assert_eq!((query.state, query.unread), (None, Some(true)));
    assert_eq!(names(&h), ["Ann"]);
    h.event(Event::Conversation {
        conversation: Box::new(conv(5, "Eve", ConversationState::Open, 0)),
    });
    assert_eq!(names(&h), ["Ann"]);
    h.event(Event::Conversation {
        conversation: Box::new(conv(5, "Eve", ConversationState::Open, 1)),
    });
    assert_eq!(names(&h).len(), 2, "Eve wrote: she passes now");

    // Nothing passes: the list says so.
    filter(&mut h, Some(ConversationState::Closed), Some(true));
    let view = h.core.view(h.now).chats;
    assert!(view.rows.is_empty());
    assert_eq!(view.status_text, "No conversations match these filters.");
}

#[test]
fn the_conversation_on_screen_stays_listed_once_read() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.event(Event::Conversation {
        conversation: Box::new(conv(1, "Ann", ConversationState::Open, 2)),
    });
    filter(&mut h, None, Some(true));
    h.intent(Intent::OpenChat {
        conversation: ConversationId(1),
    });
    h.event(Event::Conversation {
        conversation: Box::new(conv(1, "Ann", ConversationState::Open, 0)),
    });
    assert_eq!(names(&h), ["Ann"], "read while on screen, still listed");
    h.intent(Intent::CloseChat);
    assert!(names(&h).is_empty());
}

#[test]
fn a_reconnect_asks_with_the_filters_in_force() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    filter(&mut h, Some(ConversationState::Open), Some(false));
    let out = h.welcome(1, true);
    let (_, query) = queries(&out)
        .pop()
        .expect("the list is read after a welcome");
    assert_eq!(
        (query.state, query.unread),
        (Some(ConversationState::Open), Some(false))
    );
}

#[test]
fn every_filter_goes_into_the_query_and_the_choices_come_from_the_lds() {
    use chrono::{NaiveDate, TimeZone, Utc};
    use headsup_protocol::chat::{ChannelAccount, ConversationFilters};
    use headsup_protocol::view::AccountChoice;
    use headsup_protocol::ChannelAccountId;

    let mut h = Harness::new();
    let out = h.sign_in(vec![]);
    let cid = sent(&out)
        .iter()
        .find_map(|f| match f {
            ClientFrame::ConversationFilters { cid } => Some(*cid),
            _ => None,
        })
        .expect("the filters' choices are read on connect");
    h.frame(ServerFrame::Reply(Reply {
        filters: Some(ConversationFilters {
            accounts: vec![ChannelAccount {
                id: ChannelAccountId(5),
                channel: Channel::Whatsapp,
                queue: "Sales".into(),
            }],
            tags: vec!["vip".into()],
        }),
        ..Reply::new(cid)
    }));
    let options = h.core.view(h.now).chats.filter_options;
    assert_eq!(
        options.accounts,
        vec![AccountChoice {
            id: ChannelAccountId(5),
            label: "WhatsApp · Sales".into()
        }]
    );
    assert_eq!(options.tags, ["vip"]);

    let out = h.intent(Intent::FilterChats {
        filter: ChatFilter {
            since: NaiveDate::from_ymd_opt(2026, 12, 1),
            account: Some(ChannelAccountId(5)),
            mine: true,
            tags: vec!["vip".into()],
            text: "  invoice ".into(),
            ..ChatFilter::default()
        },
    });
    let (_, query) = queries(&out).pop().expect("the list is read again");
    // The day starts at midnight on the agent's clock (Madrid, UTC+1 in December).
    assert_eq!(
        query.since,
        Some(Utc.with_ymd_and_hms(2026, 11, 30, 23, 0, 0).unwrap())
    );
    assert_eq!(query.account, Some(ChannelAccountId(5)));
    assert_eq!(
        query.first_agent,
        Some(agent().id),
        "mine: the signed-in agent"
    );
    assert_eq!(query.tags, ["vip"]);
    assert_eq!(query.text, "invoice");

    // What events add later passes the same filters here.
    let mut tagged = conv(8, "Invoice Ivy", ConversationState::Open, 0);
    tagged.account = Some(ChannelAccountId(5));
    tagged.tags = vec!["vip".into()];
    tagged.started_at = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
    tagged.first_agent = Some(headsup_protocol::model::AgentRef {
        id: agent().id,
        name: "Ana".into(),
    });
    let mut untagged = tagged.clone();
    untagged.id = ConversationId(9);
    untagged.tags = Vec::new();
    let mut colleague_s = tagged.clone();
    colleague_s.id = ConversationId(10);
    colleague_s.first_agent = Some(bo());
    for c in [tagged, untagged, colleague_s] {
        h.event(Event::Conversation {
            conversation: Box::new(c),
        });
    }
    assert_eq!(names(&h), ["Invoice Ivy"]);
}

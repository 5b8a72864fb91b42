//! The words the agent reads: notification titles and bodies per request kind, and the phone
//! mask for lock screens.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use headsup_protocol::chat::{Channel, ConversationState};
use headsup_protocol::contacts::{Contact, ContactRef, JourneyEntry, JourneyItem};
use headsup_protocol::model::{
    Customer, LegState, Request, RequestKind, SessionState, TransferOutcome,
};
use headsup_protocol::view::{DeskId, JourneyRow, QueueStatsRow, RowStatus};

use crate::plain_text::one_line;

/// When the call a request asks for is to happen, as the copy says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due<'a> {
    /// Now: an offer, or a scheduled call whose time has come.
    Now,
    /// Later, at this moment in the agent's time zone ("Tue 3 Mar, 14:30").
    At(&'a str),
}

/// A moment in the agent's time zone, as rows and notifications show it: "Tue 3 Mar, 14:30".
pub fn local_time(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%a %-d %b, %H:%M").to_string()
}

/// The due time of a scheduled call still in the future, in the agent's time zone; `None` when
/// the call is for now (not scheduled, or its time has come).
pub fn due_later(request: &Request, now: DateTime<Utc>, tz: Tz) -> Option<String> {
    request
        .due_at
        .filter(|due| request.kind.is_scheduled() && *due > now)
        .map(|due| local_time(due, tz))
}

/// Title and body of the first alert for a request of this kind. `who` is
/// [`customer_label`]'s result (already plain text).
pub fn first_alert(kind: RequestKind, who: &str, due: Due<'_>) -> (String, String) {
    let (title, body) = match (kind, due) {
        (RequestKind::CallNow, Due::Now) => (
            "New customer request".into(),
            format!("{who} is waiting for a call"),
        ),
        (RequestKind::CallNow, Due::At(at)) => (
            "Customer request for later".into(),
            format!("{who} asked for a call at {at}"),
        ),
        (RequestKind::ScheduledByAgent, Due::Now) => (
            "Your scheduled call is due".into(),
            format!("Time to call {who}, as you arranged"),
        ),
        (RequestKind::ScheduledByAgent, Due::At(at)) => (
            "Call scheduled".into(),
            format!("You arranged to call {who} at {at}"),
        ),
        (RequestKind::ScheduledByCustomer, Due::Now) => (
            "Booked call due now".into(),
            format!("{who} booked a call for this time: call them now"),
        ),
        (RequestKind::ScheduledByCustomer, Due::At(at)) => (
            "Call booked by a customer".into(),
            format!("{who} booked a call for {at}"),
        ),
        (RequestKind::CallMeBack, Due::Now) => (
            "Call-me-back request".into(),
            format!("{who} asked to be called back"),
        ),
        (RequestKind::CallMeBack, Due::At(at)) => (
            "Call-back scheduled".into(),
            format!("{who} is to be called back at {at}"),
        ),
        (RequestKind::InboundCall, Due::Now) => {
            ("Incoming call".into(), format!("{who} is calling in"))
        }
        (RequestKind::InboundCall, Due::At(at)) => (
            "Call expected".into(),
            format!("{who} is expected to call in at {at}"),
        ),
        (RequestKind::ChatInbound, Due::Now) => {
            ("New chat".into(), format!("{who} started a chat"))
        }
        (RequestKind::ChatInbound, Due::At(at)) => (
            "Chat expected".into(),
            format!("{who} is expected to start a chat at {at}"),
        ),
        // Worded with the colleague and the time left by [`transfer_alert`]; this is the copy
        // for a transfer whose sender is not known.
        (RequestKind::Transfer, _) => (
            "Transfer".into(),
            format!("{who} is being transferred to you"),
        ),
    };
    (title, body)
}

/// What an open row says about when the call is to happen, next to the kind: the row
/// counterpart of [`first_alert`]'s copy.
pub fn row_status(kind: RequestKind, due: Due<'_>) -> String {
    match (kind, due) {
        (RequestKind::CallNow, Due::Now) => "Waiting now".into(),
        (RequestKind::CallNow, Due::At(at)) => format!("Wants a call at {at}"),
        (RequestKind::ScheduledByAgent, Due::Now) => "Your call, due now".into(),
        (RequestKind::ScheduledByAgent, Due::At(at)) => format!("Your call at {at}"),
        (RequestKind::ScheduledByCustomer, Due::Now) => "Booked call, due now".into(),
        (RequestKind::ScheduledByCustomer, Due::At(at)) => format!("Booked for {at}"),
        (RequestKind::CallMeBack, Due::Now) => "Call back now".into(),
        (RequestKind::CallMeBack, Due::At(at)) => format!("Call back at {at}"),
        (RequestKind::InboundCall, Due::Now) => "Calling now".into(),
        (RequestKind::InboundCall, Due::At(at)) => format!("Expected at {at}"),
        (RequestKind::ChatInbound, Due::Now) => "Chatting now".into(),
        (RequestKind::ChatInbound, Due::At(at)) => format!("Expected at {at}"),
        (RequestKind::Transfer, _) => "Transfer, waiting now".into(),
    }
}

/// Title and body of a transfer offered to this agent: "Transfer from Ana", "Maria Lopez, 4:58
/// left". `from` and `who` are plain text already ([`person_name`], [`customer_label`]).
pub fn transfer_alert(from: &str, who: &str, left: &str) -> (String, String) {
    (
        format!("Transfer from {from}"),
        format!("{who}, {left} left"),
    )
}

/// A transfer row's status: "From Ana, 4:58 left".
pub fn transfer_row(from: &str, left: &str) -> String {
    format!("From {from}, {left} left")
}

/// How a transfer of the agent's own session is going, as the session panel says it.
pub fn transfer_outcome(to: &str, outcome: &TransferOutcome, left: &str) -> String {
    match outcome {
        TransferOutcome::Waiting => format!("Waiting for {to}… {left} left"),
        TransferOutcome::Taken { by } => format!("{} took it", person_name(&by.name)),
        TransferOutcome::CameBack => format!("Came back to you: {to} did not take it in time"),
    }
}

/// Time left until `until`, counting down in whole seconds: "4:58", "0:09", "1:02:00".
pub fn time_left(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    // Rounded up, so "0:00" is never shown while time is left.
    let ms = (until - now).num_milliseconds().max(0);
    let secs = (ms + 999) / 1000;
    match secs {
        0..=3599 => format!("{}:{:02}", secs / 60, secs % 60),
        _ => format!("{}:{:02}:{:02}", secs / 3600, (secs % 3600) / 60, secs % 60),
    }
}

/// The next moment [`time_left`] reads differently, while time is left.
pub fn next_countdown_tick(until: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let ms = (until - now).num_milliseconds();
    if ms <= 0 {
        return None;
    }
    let into_second = ms % 1000;
    let step = if into_second == 0 { 1000 } else { into_second };
    Some(now + chrono::Duration::milliseconds(step))
}

/// Title and body of a re-alert: the same request, said more urgently.
pub fn re_alert(
    kind: RequestKind,
    who: &str,
    waiting_since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (String, String) {
    let (title, _) = first_alert(kind, who, Due::Now);
    (
        format!("Still waiting: {title}"),
        format!("{who} has been waiting {}", waited(waiting_since, now)),
    )
}

/// The catch-up summary when the agent becomes free: one notification instead of a burst.
pub fn catch_up(
    waiting: usize,
    oldest_since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (String, String) {
    let customers = if waiting == 1 {
        "customer"
    } else {
        "customers"
    };
    (
        "You are free: customers are waiting".to_string(),
        format!(
            "{waiting} {customers} waiting, oldest {}",
            waited(oldest_since, now)
        ),
    )
}

/// "4 min", "40 s", "2 h 5 min".
pub fn waited(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - since).num_seconds().max(0);
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3599 => format!("{} min", secs / 60),
        _ => format!("{} h {} min", secs / 3600, (secs % 3600) / 60),
    }
}

/// Whom a request or session is with: the name the customer gave for it, else the name of the
/// contact the LDS matched them to, else [`customer_label`]'s phone or fallback. One rule for
/// rows, notifications, notices and panels, so a tapped notification names whom the row does.
pub fn customer_with_contact(
    customer: &Customer,
    contact: Option<&ContactRef>,
    mask_phone: bool,
) -> String {
    let typed = customer
        .name
        .as_deref()
        .map(one_line)
        .filter(|name| !name.is_empty());
    typed
        .or_else(|| contact_ref_name(contact))
        .unwrap_or_else(|| customer_label(customer, mask_phone))
}

/// The customer as shown: the name, else the phone number (masked when asked), else a fallback,
/// always as one line of plain text (see [`crate::plain_text`]): the customer typed these.
pub fn customer_label(customer: &Customer, mask_phone: bool) -> String {
    let given = |field: &Option<String>| {
        field
            .as_deref()
            .map(one_line)
            .filter(|text| !text.is_empty())
    };
    match (given(&customer.name), given(&customer.phone)) {
        (Some(name), _) => name,
        (None, Some(phone)) if mask_phone => mask(&phone),
        (None, Some(phone)) => phone,
        (None, None) => "Unknown customer".to_string(),
    }
}

/// Another agent's (or a team's) name, as one line of plain text.
pub fn person_name(name: &str) -> String {
    let name = one_line(name);
    if name.is_empty() {
        "Another agent".to_string()
    } else {
        name
    }
}

/// Hides the digits of a phone number except the first two (the country code, usually) and
/// the last two, keeping spaces and signs so the shape stays readable: `+34 •••• ••• •56`.
pub fn mask(phone: &str) -> String {
    let total = phone.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    phone
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= 2 || seen > total.saturating_sub(2) {
                c
            } else {
                '•'
            }
        })
        .collect()
}

/// A request kind as rows and the session panel name it.
pub fn kind(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::CallNow => "Call now",
        RequestKind::ScheduledByCustomer => "Scheduled by customer",
        RequestKind::ScheduledByAgent => "Scheduled by agent",
        RequestKind::CallMeBack => "Call me back",
        RequestKind::InboundCall => "Inbound call",
        RequestKind::ChatInbound => "Chat",
        RequestKind::Transfer => "Transfer",
    }
}

/// A closed row's status in words ("Timed out", "Taken by Bo", "Cancelled"); open rows say when
/// the call is to happen ([`row_status`]).
pub fn closed_status(status: &RowStatus) -> String {
    match status {
        RowStatus::Now => "Now".into(),
        RowStatus::Scheduled => "Scheduled".into(),
        RowStatus::TimedOut => "Timed out".into(),
        RowStatus::Taken { by } => format!("Taken by {by}"),
        RowStatus::Cancelled => "Cancelled".into(),
    }
}

/// A row's accessible name: who, its status, what, and "Accept" when a click takes it. The
/// order is the row's text order, so the words an agent sees are one run of the name, as voice
/// control and WCAG 2.5.3 (label in name) need; a phone hides the kind, the last of them.
pub fn row_name(label: &str, kind: RequestKind, status: &str, can_take: bool) -> String {
    let kind = self::kind(kind);
    if can_take {
        format!("{label}, {status}, {kind}. Accept")
    } else {
        format!("{label}, {status}, {kind}")
    }
}

/// The reject button's accessible name.
pub fn reject_name(label: &str) -> String {
    format!("Reject {label}")
}

pub fn leg(state: LegState) -> &'static str {
    match state {
        LegState::Ringing => "Ringing",
        LegState::Answered => "Answered",
        LegState::Failed => "Failed",
        LegState::HungUp => "Hung up",
        LegState::NotUsed => "No call",
    }
}

pub fn session(state: SessionState) -> &'static str {
    match state {
        SessionState::Connecting => "Connecting",
        SessionState::Bridged => "Bridged",
        SessionState::Ended => "Ended",
    }
}

/// The "Attend next customer" button's words, and why it is disabled while in a session.
pub const ATTEND_NEXT: &str = "Attend next customer";
pub const IN_A_SESSION: &str = "You are in a session";
pub const NOT_READY: &str = "You are not ready";

/// A clock time for the connection bar: "10:42" or, with seconds, "10:42:07", 24-hour.
pub fn clock(at: DateTime<Utc>, tz: Tz, seconds: bool) -> String {
    let pattern = if seconds { "%H:%M:%S" } else { "%H:%M" };
    at.with_timezone(&tz).format(pattern).to_string()
}

/// A desk's name in the navigation.
pub fn desk_label(desk: DeskId) -> String {
    match desk {
        DeskId::Requests => "Requests".into(),
        DeskId::Dashboard => "Queues".into(),
        DeskId::Contacts => "Contacts".into(),
        DeskId::Chats => "Chats".into(),
    }
}

/// An age in whole minutes, as the dashboard shows it: "under a minute", "3 min", "1 h 5 min".
/// Coarse on purpose: it changes once a minute, not every second.
pub fn age_words(age: chrono::Duration) -> String {
    let minutes = age.num_minutes().max(0);
    match minutes {
        0 => "under a minute".into(),
        1..=59 => format!("{minutes} min"),
        _ => format!("{} h {} min", minutes / 60, minutes % 60),
    }
}

/// "oldest 3 min".
pub fn oldest_wait(age: chrono::Duration) -> String {
    format!("oldest {}", age_words(age))
}

/// A queue's name as shown: admins typed it, so it is one line of plain text like any other
/// text from outside.
pub fn queue_name(name: &str) -> String {
    let name = one_line(name);
    if name.is_empty() {
        "Unnamed queue".into()
    } else {
        name
    }
}

/// One queue's row on the dashboard, from its numbers and its oldest wait in words.
pub fn queue_row(q: &headsup_protocol::lds::QueueStats, oldest: Option<String>) -> QueueStatsRow {
    let name = queue_name(&q.name);
    let waiting_text = waiting_sentence(q.waiting);
    let mut members = vec![format!("{} available", q.available)];
    if q.in_session > 0 {
        members.push(format!("{} in a session", q.in_session));
    }
    if q.not_ready > 0 {
        members.push(format!("{} not ready", q.not_ready));
    }
    if q.wrap_up > 0 {
        members.push(format!("{} in wrap-up", q.wrap_up));
    }
    let members_text = members.join(" · ");
    QueueStatsRow {
        id: q.id,
        name,
        waiting_text,
        oldest_text: oldest,
        members_text,
        tap_hint: "Show who is waiting".into(),
    }
}

/// A contact's name as shown: [`Contact::display_name`] (masked parts as the LDS masked them)
/// as one line of plain text, else "Unnamed contact".
pub fn contact_name(contact: &Contact) -> String {
    let name = one_line(&contact.display_name());
    if name.is_empty() {
        "Unnamed contact".into()
    } else {
        name
    }
}

/// A contact's name as an offer or a session names it ([`ContactRef::name`]), if it says one.
pub fn contact_ref_name(contact: Option<&ContactRef>) -> Option<String> {
    contact
        .map(|c| one_line(&c.name))
        .filter(|name| !name.is_empty())
}

/// The search's result in words: "No contacts match.", "1 contact", "50 contacts, more below".
pub fn contacts_found(count: usize, more: bool) -> String {
    let found = match count {
        0 => return "No contacts match.".into(),
        1 => "1 contact".to_string(),
        n => format!("{n} contacts"),
    };
    if more {
        format!("{found}, more to load")
    } else {
        found
    }
}

/// One entry of a customer journey in words, its moment on the agent's clock.
pub fn journey_row(entry: &JourneyEntry, tz: Tz) -> JourneyRow {
    let outcome = |o: &str| match o {
        "pending" => "waiting".to_string(),
        "taken" => "taken".to_string(),
        "timed_out" => "nobody took it in time".to_string(),
        "cancelled" => "cancelled".to_string(),
        "waiting" => "waiting for an answer".to_string(),
        "came_back" => "came back".to_string(),
        other => one_line(&other.replace('_', " ")),
    };
    let text = match &entry.what {
        JourneyItem::Request {
            request_kind,
            outcome: o,
            ..
        } => format!("{} request: {}", kind(*request_kind), outcome(o)),
        JourneyItem::Session {
            ended_at,
            disposition,
            ..
        } => {
            let mut text = "Session".to_string();
            if let Some(d) = disposition
                .as_deref()
                .map(one_line)
                .filter(|d| !d.is_empty())
            {
                text = format!("{text}: {d}");
            }
            match ended_at {
                Some(end) => format!("{text} (ended {})", clock(*end, tz, false)),
                None => format!("{text} (ongoing)"),
            }
        }
        JourneyItem::Transfer { to, outcome: o, .. } => {
            format!("Transferred to {}: {}", person_name(to), outcome(o))
        }
        JourneyItem::Conversation {
            channel,
            state,
            tags,
            ..
        } => {
            let channel = match channel {
                Channel::Web => "Web chat",
                Channel::Whatsapp => "WhatsApp chat",
            };
            let state = match state {
                ConversationState::Open => "open",
                ConversationState::Closed => "closed",
            };
            let tags: Vec<String> = tags.iter().map(|t| one_line(t)).collect();
            if tags.is_empty() {
                format!("{channel}: {state}")
            } else {
                format!("{channel}: {state} · tags: {}", tags.join(", "))
            }
        }
    };
    JourneyRow {
        when: local_time(entry.at, tz),
        text,
        who: match &entry.agent {
            Some(agent) => format!("Handled by {}", person_name(&agent.name)),
            None => "No agent".into(),
        },
        queue: entry
            .queue
            .as_deref()
            .map(one_line)
            .filter(|q| !q.is_empty())
            .map(|q| format!("in {q}")),
    }
}

/// How many customers wait, as a sentence: the requests desk's badge for screen readers and the
/// request tab's live region.
pub fn waiting_sentence(waiting: u32) -> String {
    match waiting {
        0 => "No customers waiting".into(),
        1 => "1 customer waiting".into(),
        n => format!("{n} customers waiting"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn waiting_sentence_counts() {
        assert_eq!(super::waiting_sentence(0), "No customers waiting");
        assert_eq!(super::waiting_sentence(1), "1 customer waiting");
        assert_eq!(super::waiting_sentence(12), "12 customers waiting");
    }

    use super::*;

    #[test]
    fn mask_keeps_country_code_and_last_two_digits() {
        assert_eq!(mask("+34 600 123 456"), "+34 ••• ••• •56");
        assert_eq!(mask("123"), "123");
    }

    /// The copy of every kind, due now and due later: (kind, now title, now body, later
    /// title, later body, now row, later row).
    const TABLE: [(RequestKind, &str, &str, &str, &str, &str, &str); 7] = [
        (
            RequestKind::CallNow,
            "New customer request",
            "Aiko Tanaka is waiting for a call",
            "Customer request for later",
            "Aiko Tanaka asked for a call at Tue 3 Mar, 14:30",
            "Waiting now",
            "Wants a call at Tue 3 Mar, 14:30",
        ),
        (
            RequestKind::ScheduledByCustomer,
            "Booked call due now",
            "Aiko Tanaka booked a call for this time: call them now",
            "Call booked by a customer",
            "Aiko Tanaka booked a call for Tue 3 Mar, 14:30",
            "Booked call, due now",
            "Booked for Tue 3 Mar, 14:30",
        ),
        (
            RequestKind::ScheduledByAgent,
            "Your scheduled call is due",
            "Time to call Aiko Tanaka, as you arranged",
            "Call scheduled",
            "You arranged to call Aiko Tanaka at Tue 3 Mar, 14:30",
            "Your call, due now",
            "Your call at Tue 3 Mar, 14:30",
        ),
        (
            RequestKind::CallMeBack,
            "Call-me-back request",
            "Aiko Tanaka asked to be called back",
            "Call-back scheduled",
            "Aiko Tanaka is to be called back at Tue 3 Mar, 14:30",
            "Call back now",
            "Call back at Tue 3 Mar, 14:30",
        ),
        (
            RequestKind::InboundCall,
            "Incoming call",
            "Aiko Tanaka is calling in",
            "Call expected",
            "Aiko Tanaka is expected to call in at Tue 3 Mar, 14:30",
            "Calling now",
            "Expected at Tue 3 Mar, 14:30",
        ),
        (
            RequestKind::ChatInbound,
            "New chat",
            "Aiko Tanaka started a chat",
            "Chat expected",
            "Aiko Tanaka is expected to start a chat at Tue 3 Mar, 14:30",
            "Chatting now",
            "Expected at Tue 3 Mar, 14:30",
        ),
        (
            RequestKind::Transfer,
            "Transfer",
            "Aiko Tanaka is being transferred to you",
            "Transfer",
            "Aiko Tanaka is being transferred to you",
            "Transfer, waiting now",
            "Transfer, waiting now",
        ),
    ];

    #[test]
    fn a_transfer_counts_down_in_whole_seconds() {
        let t0 = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let until = t0 + chrono::Duration::seconds(300);
        assert_eq!(time_left(until, t0), "5:00");
        let now = t0 + chrono::Duration::milliseconds(1_500);
        assert_eq!(time_left(until, now), "4:59", "rounded up");
        assert_eq!(
            next_countdown_tick(until, now),
            Some(t0 + chrono::Duration::seconds(2)),
            "the next whole second before the end"
        );
        assert_eq!(time_left(until, until), "0:00");
        assert_eq!(next_countdown_tick(until, until), None);
        assert_eq!(time_left(t0 + chrono::Duration::hours(1), t0), "1:00:00");
        assert_eq!(
            transfer_alert("Ana", "Maria Lopez", "4:58"),
            ("Transfer from Ana".into(), "Maria Lopez, 4:58 left".into())
        );
    }

    #[test]
    fn every_kind_reads_right_due_now_and_due_later() {
        let later = Due::At("Tue 3 Mar, 14:30");
        for (kind, now_title, now_body, later_title, later_body, now_row, later_row) in TABLE {
            let who = "Aiko Tanaka";
            assert_eq!(
                first_alert(kind, who, Due::Now),
                (now_title.to_string(), now_body.to_string())
            );
            assert_eq!(
                first_alert(kind, who, later),
                (later_title.to_string(), later_body.to_string())
            );
            assert_eq!(row_status(kind, Due::Now), now_row);
            assert_eq!(row_status(kind, later), later_row);
            assert!(!now_body.contains("for now"), "{now_body}");
        }
        let kinds: std::collections::BTreeSet<_> = TABLE.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(
            kinds.len(),
            RequestKind::ALL.len(),
            "every kind is in the table"
        );
        let titles: std::collections::BTreeSet<_> = TABLE.iter().map(|t| t.1).collect();
        assert_eq!(
            titles.len(),
            RequestKind::ALL.len(),
            "each kind its own title"
        );
    }

    #[test]
    fn untrusted_names_become_one_plain_line() {
        let c = Customer {
            name: Some("Ann\n🔔 [999999] New customer request — CEO\u{7}".into()),
            phone: None,
        };
        assert_eq!(
            customer_label(&c, false),
            "Ann 🔔 [999999] New customer request — CEO"
        );
        let c = Customer {
            name: Some("\u{202E}\u{1b}".into()),
            phone: Some("+34\r600 123 456".into()),
        };
        assert_eq!(customer_label(&c, true), "+34 ••• ••• •56");
        assert_eq!(person_name("Bo\u{202E}b\n"), "Bob");
        assert_eq!(person_name("\u{0}"), "Another agent");
    }

    #[test]
    fn waited_reads_naturally() {
        let t = DateTime::from_timestamp(0, 0).unwrap();
        assert_eq!(waited(t, t + chrono::Duration::seconds(42)), "42 s");
        assert_eq!(waited(t, t + chrono::Duration::seconds(245)), "4 min");
        assert_eq!(waited(t, t + chrono::Duration::seconds(7500)), "2 h 5 min");
    }

    #[test]
    fn label_masks_only_phone_numbers() {
        let c = Customer {
            name: None,
            phone: Some("+34 600 123 456".into()),
        };
        assert_eq!(customer_label(&c, true), "+34 ••• ••• •56");
        assert_eq!(customer_label(&c, false), "+34 600 123 456");
        let c = Customer {
            name: Some("Ana".into()),
            phone: Some("+34 600".into()),
        };
        assert_eq!(customer_label(&c, true), "Ana");
    }
}

//! The navigation: which desks exist, their badges, and which desk an item belongs to.

use headsup_protocol::view::{DeskId, DeskTab};
use headsup_protocol::RequestId;

use crate::copy;

/// The desks that are built, in navigation order, with their badges. `waiting` is the requests
/// desk's count of customers waiting (offers and due scheduled calls); `in_queues` the
/// dashboard's, the customers waiting in the agent's queues (whoever they are offered to);
/// `unread` the chats desk's, the customers' messages the agent has not read.
pub fn tabs(waiting: u32, in_queues: u32, unread: u32) -> Vec<DeskTab> {
    vec![
        tab(DeskId::Requests, waiting, copy::waiting_sentence(waiting)),
        tab(
            DeskId::Dashboard,
            in_queues,
            format!("{} in your queues", copy::waiting_sentence(in_queues)),
        ),
        tab(DeskId::Chats, unread, unread_sentence(unread)),
        // Nothing to count: the label says what the desk is for.
        tab(DeskId::Contacts, 0, "Customer records".into()),
    ]
}

fn unread_sentence(unread: u32) -> String {
    match unread {
        0 => "No unread messages".into(),
        1 => "1 unread message".into(),
        n => format!("{n} unread messages"),
    }
}

fn tab(id: DeskId, count: u32, badge_label: String) -> DeskTab {
    DeskTab {
        id,
        label: copy::desk_label(id),
        badge: (count > 0).then_some(count),
        badge_text: (count > 0).then(|| badge_text(count)),
        badge_label,
    }
}

/// A badge never grows wider than three characters; the exact count stays in `badge_label`.
const BADGE_MAX: u32 = 99;

/// "7", "99", then "99+".
fn badge_text(count: u32) -> String {
    if count > BADGE_MAX {
        format!("{BADGE_MAX}+")
    } else {
        count.to_string()
    }
}

/// The desk a tapped notification opens. Every notification is about requests today (one
/// request, or the catch-up that sums several); chats and call cases will bring their own.
pub fn of_notification(_request: Option<RequestId>) -> DeskId {
    DeskId::Requests
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_badge_counts_waiting_customers() {
        let tabs = tabs(3, 5, 0);
        assert_eq!(tabs.len(), 4, "only built desks are listed");
        assert_eq!(tabs[2].id, DeskId::Chats);
        assert_eq!(tabs[2].badge, None);
        assert_eq!(tabs[3].id, DeskId::Contacts);
        assert_eq!(tabs[3].label, "Contacts");
        assert_eq!(tabs[3].badge, None);
        assert_eq!(tabs[1].id, DeskId::Dashboard);
        assert_eq!(tabs[1].label, "Queues");
        assert_eq!(tabs[1].badge_label, "5 customers waiting in your queues");
        assert_eq!(tabs[0].id, DeskId::Requests);
        assert_eq!(tabs[0].label, "Requests");
        assert_eq!(tabs[0].badge, Some(3));
        assert_eq!(tabs[0].badge_label, "3 customers waiting");
    }

    #[test]
    fn a_badge_caps_at_ninety_nine_plus() {
        assert_eq!(tabs(1, 0, 0)[0].badge_text.as_deref(), Some("1"));
        assert_eq!(tabs(99, 0, 0)[0].badge_text.as_deref(), Some("99"));
        assert_eq!(tabs(100, 0, 0)[0].badge_text.as_deref(), Some("99+"));
        assert_eq!(tabs(5_000, 0, 0)[0].badge_text.as_deref(), Some("99+"));
        assert_eq!(tabs(5_000, 0, 0)[0].badge_label, "5000 customers waiting");
    }

    #[test]
    fn no_badge_when_nobody_waits() {
        let tabs = tabs(0, 0, 0);
        assert_eq!(tabs[0].badge, None);
        assert_eq!(tabs[0].badge_text, None);
        assert_eq!(tabs[0].badge_label, "No customers waiting");
    }
}

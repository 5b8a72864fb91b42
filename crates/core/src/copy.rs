//! The words the agent reads: notification titles and bodies per request kind, and the phone
//! mask for lock screens.

use chrono::{DateTime, Utc};
use headsup_protocol::model::{Customer, RequestKind};

/// Title and body of the first alert for a request of this kind.
pub fn first_alert(kind: RequestKind, who: &str) -> (String, String) {
    let (title, body) = match kind {
        RequestKind::CallNow => (
            "New customer request",
            format!("{who} is waiting for a call"),
        ),
        RequestKind::ScheduledByAgent => (
            "Your scheduled call is due",
            format!("Time to call {who}, as you arranged"),
        ),
        RequestKind::ScheduledByCustomer => (
            "Call booked by a customer",
            format!("{who} booked a call for now"),
        ),
        RequestKind::CallMeBack => (
            "Call-me-back request",
            format!("{who} asked to be called back"),
        ),
        RequestKind::InboundCall => ("Incoming call", format!("{who} is calling in")),
        RequestKind::ChatInbound => ("New chat", format!("{who} started a chat")),
    };
    (title.to_string(), body)
}

/// Title and body of a re-alert: the same request, said more urgently.
pub fn re_alert(
    kind: RequestKind,
    who: &str,
    waiting_since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (String, String) {
    let (title, _) = first_alert(kind, who);
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

/// The customer as shown: the name, else the phone number (masked when asked), else a fallback.
pub fn customer_label(customer: &Customer, mask_phone: bool) -> String {
    let label = customer.label();
    let is_phone = customer.phone.as_deref() == Some(label);
    if is_phone && mask_phone {
        mask(label)
    } else {
        label.to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_keeps_country_code_and_last_two_digits() {
        assert_eq!(mask("+34 600 123 456"), "+34 ••• ••• •56");
        assert_eq!(mask("123"), "123");
    }

    #[test]
    fn every_kind_has_its_own_title() {
        let titles: std::collections::BTreeSet<_> = RequestKind::ALL
            .into_iter()
            .map(|k| first_alert(k, "Ana").0)
            .collect();
        assert_eq!(titles.len(), RequestKind::ALL.len());
        assert_eq!(
            first_alert(RequestKind::CallNow, "Ana"),
            (
                "New customer request".into(),
                "Ana is waiting for a call".into()
            )
        );
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

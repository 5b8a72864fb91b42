//! Masking (XCALLY's Security Suite): what of a customer an agent may read. A team and each of
//! its queues hide a customer's name, phone and e-mail not at all, partly (`+34 6•• ••• •22`,
//! `M••• L•••`, `m•••@example.com`) or fully (`•••`); the stricter of the team's and the queue's
//! rule applies. This module only rewrites values; `domain::masking` decides which rule applies
//! to which frame, and the stored values stay whole (the LDS dials the real number).

use std::fmt;
use std::str::FromStr;

use headsup_protocol::contacts::{Contact, Masked};
use headsup_protocol::model::{ContactRef, Customer, Request, Session};

/// What a hidden character becomes.
const DOT: char = '•';
/// A fully hidden value.
pub(crate) const HIDDEN: &str = "•••";

/// How much of one kind of value is hidden. Ordered: a stricter level is greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Level {
    #[default]
    None,
    Partial,
    Full,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Partial => "partial",
            Level::Full => "full",
        }
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(Level::None),
            "partial" => Ok(Level::Partial),
            "full" => Ok(Level::Full),
            other => Err(format!("{other:?}: give none, partial or full")),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule: how much of each kind of value is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Masking {
    pub name: Level,
    pub phone: Level,
    pub email: Level,
}

impl Masking {
    /// The stricter of two rules, part by part.
    pub(crate) fn strictest(self, other: Masking) -> Masking {
        Masking {
            name: self.name.max(other.name),
            phone: self.phone.max(other.phone),
            email: self.email.max(other.email),
        }
    }

    pub(crate) fn hides_anything(&self) -> bool {
        *self != Masking::default()
    }

    pub(crate) fn customer(&self, customer: &mut Customer) {
        if let Some(name) = customer.name.as_mut() {
            *name = mask_name(name, self.name);
        }
        if let Some(phone) = customer.phone.as_mut() {
            *phone = mask_phone(phone, self.phone);
        }
    }

    fn contact_ref(&self, contact: &mut Option<ContactRef>) {
        if let Some(c) = contact.as_mut() {
            c.name = mask_name(&c.name, self.name);
        }
    }

    pub(crate) fn request(&self, request: &mut Request) {
        self.customer(&mut request.customer);
        self.contact_ref(&mut request.contact);
    }

    pub(crate) fn conversation(&self, conversation: &mut headsup_protocol::chat::Conversation) {
        self.customer(&mut conversation.customer);
        self.contact_ref(&mut conversation.contact);
    }

    pub(crate) fn session(&self, session: &mut Session) {
        self.customer(&mut session.customer);
        self.contact_ref(&mut session.contact);
    }

    /// Masks a contact and says so in its `masked`. Names hidden partly keep their initials;
    /// a company is a name too.
    pub(crate) fn contact(&self, contact: &mut Contact) {
        let masked = Masked {
            name: self.name != Level::None,
            phone: self.phone != Level::None && !contact.phones.is_empty(),
            email: self.email != Level::None && !contact.emails.is_empty(),
        };
        if masked.name {
            for part in [
                &mut contact.first_name,
                &mut contact.last_name,
                &mut contact.company,
            ] {
                if !part.is_empty() {
                    *part = mask_name(part, self.name);
                }
            }
        }
        for phone in &mut contact.phones {
            *phone = mask_phone(phone, self.phone);
        }
        for email in &mut contact.emails {
            *email = mask_email(email, self.email);
        }
        contact.masked = masked;
    }
}

/// `Maria López` → `M••• L•••` (partial): each word's first letter, then a fixed run of dots,
/// so the length of a name says nothing either.
pub(crate) fn mask_name(name: &str, level: Level) -> String {
    match level {
        Level::None => name.to_string(),
        Level::Full => HIDDEN.to_string(),
        Level::Partial => {
            let words: Vec<String> = name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .map(|first| format!("{first}{DOT}{DOT}{DOT}"))
                .collect();
            if words.is_empty() {
                HIDDEN.to_string()
            } else {
                words.join(" ")
            }
        }
    }
}

/// `+34600111222` → `+34 6•• ••• •22` (partial): the country code, the national number's first
/// digit and its last two; the rest dots, in groups of three (the last may hold four).
pub(crate) fn mask_phone(phone: &str, level: Level) -> String {
    match level {
        Level::None => phone.to_string(),
        Level::Full => HIDDEN.to_string(),
        Level::Partial => {
            let (country, national) = match phonenumber::parse(None, phone) {
                Ok(parsed) => (
                    format!("+{} ", parsed.code().value()),
                    parsed.national().value().to_string(),
                ),
                Err(_) => (
                    String::new(),
                    phone.chars().filter(char::is_ascii_digit).collect(),
                ),
            };
            let digits: Vec<char> = national.chars().collect();
            if digits.len() < 6 {
                return HIDDEN.to_string();
            }
            let shown: String = digits
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    if i == 0 || i + 2 >= digits.len() {
                        *d
                    } else {
                        DOT
                    }
                })
                .collect();
            let mut groups: Vec<String> = shown
                .chars()
                .collect::<Vec<_>>()
                .chunks(3)
                .map(|c| c.iter().collect())
                .collect();
            // No group of one at the end: `••5 8` reads worse than `••58`.
            if groups.last().is_some_and(|g| g.chars().count() == 1) {
                let last = groups.pop().unwrap_or_default();
                if let Some(before) = groups.last_mut() {
                    before.push_str(&last);
                }
            }
            format!("{country}{}", groups.join(" "))
        }
    }
}

/// `maria@example.com` → `m•••@example.com` (partial).
pub(crate) fn mask_email(email: &str, level: Level) -> String {
    match level {
        Level::None => email.to_string(),
        Level::Full => HIDDEN.to_string(),
        Level::Partial => match email.split_once('@') {
            Some((local, domain)) if !local.is_empty() => {
                let first = local.chars().next().unwrap_or(DOT);
                format!("{first}{DOT}{DOT}{DOT}@{domain}")
            }
            _ => HIDDEN.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_phone_keeps_the_country_the_first_digit_and_the_last_two() {
        let table = [
            ("+34600111222", "+34 6•• ••• •22"),
            ("+442079460958", "+44 2•• ••• ••58"),
            ("+15550100", "+1 5•• ••00"),
            ("12345", HIDDEN),
        ];
        for (phone, masked) in table {
            assert_eq!(mask_phone(phone, Level::Partial), masked, "{phone}");
        }
        assert_eq!(mask_phone("+34600111222", Level::Full), HIDDEN);
        assert_eq!(mask_phone("+34600111222", Level::None), "+34600111222");
    }

    #[test]
    fn no_hidden_digit_survives_a_partial_phone() {
        let masked = mask_phone("+34600111222", Level::Partial);
        let digits: String = masked.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(digits, "34622");
    }

    #[test]
    fn names_keep_initials_and_e_mails_their_domain() {
        assert_eq!(mask_name("Maria  López", Level::Partial), "M••• L•••");
        assert_eq!(mask_name("  ", Level::Partial), HIDDEN);
        assert_eq!(mask_name("Maria", Level::Full), HIDDEN);
        assert_eq!(
            mask_email("maria@example.com", Level::Partial),
            "m•••@example.com"
        );
        assert_eq!(mask_email("@x", Level::Partial), HIDDEN);
        assert_eq!(mask_email("maria@example.com", Level::Full), HIDDEN);
    }

    #[test]
    fn the_stricter_rule_wins_part_by_part() {
        let team = Masking {
            name: Level::Partial,
            phone: Level::None,
            email: Level::Full,
        };
        let queue = Masking {
            name: Level::None,
            phone: Level::Partial,
            email: Level::None,
        };
        let both = team.strictest(queue);
        assert_eq!(
            both,
            Masking {
                name: Level::Partial,
                phone: Level::Partial,
                email: Level::Full
            }
        );
        assert!(both.hides_anything());
        assert!(!Masking::default().hides_anything());
    }
}

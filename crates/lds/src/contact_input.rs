//! A contact draft from an agent, checked and normalised before it is stored: text cleaned as
//! customer names are (no controls, no markup tricks, one line), phones to E.164 with the team's
//! country, e-mails lower-cased and checked, tags and custom fields bounded. Also the folded
//! words a name search matches, and the key a phone is searched by.

use std::collections::BTreeMap;

use headsup_protocol::contacts::{ContactDraft, CustomField};
use headsup_protocol::ErrorCode;
use phonenumber::country;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::customer_input;
use crate::error::{LdsError, LdsResult};

pub(crate) const MAX_PHONES: usize = 10;
pub(crate) const MAX_EMAILS: usize = 10;
pub(crate) const MAX_TAGS: usize = 30;
pub(crate) const MAX_TAG_CHARS: usize = 40;
pub(crate) const MAX_FIELD_CHARS: usize = 500;
/// RFC 5321's limit on a path, which bounds an address.
pub(crate) const MAX_EMAIL_CHARS: usize = 254;
/// Longest folded word kept for the name search.
const MAX_TERM_CHARS: usize = 40;

/// A draft that passed every check, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct CleanDraft {
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub tags: Vec<String>,
    pub fields: BTreeMap<String, String>,
}

fn invalid(message: impl Into<String>) -> LdsError {
    LdsError::new(ErrorCode::InvalidContact, message)
}

/// Checks and normalises a draft for a list with `fields`, reading national numbers in
/// `region`. Duplicate phones, e-mails and tags collapse into one, in the order given.
pub(crate) fn draft(
    d: ContactDraft,
    region: Option<&str>,
    fields: &[CustomField],
) -> LdsResult<CleanDraft> {
    let text = |raw: &str| customer_input::name(raw).unwrap_or_default();
    let mut clean = CleanDraft {
        first_name: text(&d.first_name),
        last_name: text(&d.last_name),
        company: text(&d.company),
        ..CleanDraft::default()
    };
    if d.phones.len() > MAX_PHONES || d.emails.len() > MAX_EMAILS || d.tags.len() > MAX_TAGS {
        return Err(invalid(format!(
            "a contact has at most {MAX_PHONES} phones, {MAX_EMAILS} e-mails and {MAX_TAGS} tags"
        )));
    }
    for raw in &d.phones {
        if raw.trim().is_empty() {
            continue;
        }
        // The same characters as a customer's phone at intake: `invalid_phone` otherwise.
        let dialable = customer_input::phone(raw).map_err(|_| {
            LdsError::new(
                ErrorCode::InvalidPhone,
                "a phone may hold only digits, spaces, '-', '.', '(', ')' and a leading '+' \
                 (at most 40 characters, at least one digit)",
            )
        })?;
        let Some(dialable) = dialable else {
            continue;
        };
        push_unique(&mut clean.phones, phone_key(&dialable, region));
    }
    for raw in &d.emails {
        if raw.trim().is_empty() {
            continue;
        }
        let email = email(raw).ok_or_else(|| {
            invalid("an e-mail is one address like name@example.com (at most 254 characters)")
        })?;
        push_unique(&mut clean.emails, email);
    }
    for raw in &d.tags {
        let Some(tag) = customer_input::name(raw) else {
            continue;
        };
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(invalid(format!(
                "a tag is at most {MAX_TAG_CHARS} characters"
            )));
        }
        push_unique(&mut clean.tags, tag);
    }
    for (key, raw) in d.fields {
        if !fields.iter().any(|f| f.key == key) {
            return Err(invalid(
                "a field this contact's list does not define (see contact_lists)",
            ));
        }
        let value = clean_field(&raw);
        if value.chars().count() > MAX_FIELD_CHARS {
            return Err(invalid(format!(
                "a field's value is at most {MAX_FIELD_CHARS} characters"
            )));
        }
        if !value.is_empty() {
            clean.fields.insert(key, value);
        }
    }
    if clean.first_name.is_empty()
        && clean.last_name.is_empty()
        && clean.company.is_empty()
        && clean.phones.is_empty()
        && clean.emails.is_empty()
    {
        return Err(invalid(
            "a contact needs a name, a company, a phone or an e-mail",
        ));
    }
    Ok(clean)
}

fn push_unique(values: &mut Vec<String>, value: String) {
    if !values.contains(&value) {
        values.push(value);
    }
}

/// A custom field's value: one line of plain text, like a name but longer.
fn clean_field(raw: &str) -> String {
    raw.split(|c: char| c.is_control())
        .filter_map(customer_input::name)
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a phone is stored and searched: E.164 (`+34600111222`) when its country is known — given
/// with `+` or `00`, or national in the team's `region` — else its digits as given. So
/// `+34 600 11 12 22`, `0034600111222` and (in Spain) `600111222` are one key.
pub(crate) fn phone_key(raw: &str, region: Option<&str>) -> String {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let international = raw.trim_start().starts_with('+') || digits.starts_with("00");
    let international_digits = if raw.trim_start().starts_with('+') {
        digits.as_str()
    } else {
        digits.strip_prefix("00").unwrap_or(&digits)
    };
    let parsed = if international {
        phonenumber::parse(None, format!("+{international_digits}"))
    } else {
        match region.and_then(|r| r.parse::<country::Id>().ok()) {
            Some(id) => phonenumber::parse(Some(id), &digits),
            None => return digits,
        }
    };
    match parsed {
        Ok(number) => number.format().mode(phonenumber::Mode::E164).to_string(),
        Err(_) if international => format!("+{international_digits}"),
        Err(_) => digits,
    }
}

/// A checked e-mail address, lower-cased: one `@`, something before it, a dotted domain after,
/// no spaces or controls.
pub(crate) fn email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    if email.is_empty()
        || email.chars().count() > MAX_EMAIL_CHARS
        || email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ','))
    {
        return None;
    }
    let (local, domain) = email.split_once('@')?;
    let domain_ok = !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    (!local.is_empty() && domain_ok).then_some(email)
}

/// A word folded for search: compatibility-decomposed, accents dropped, lower-cased
/// ("López" → "lopez", "Ｍａｒｉａ" → "maria").
pub(crate) fn fold(word: &str) -> String {
    word.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The folded words of a contact's names and company a name search matches, each once.
pub(crate) fn terms(parts: &[&str]) -> Vec<String> {
    let mut terms = Vec::new();
    for part in parts {
        for word in fold(part).split(|c: char| !c.is_alphanumeric()) {
            let term: String = word.chars().take(MAX_TERM_CHARS).collect();
            if !term.is_empty() && !terms.contains(&term) {
                terms.push(term);
            }
        }
    }
    terms
}

/// How long a prefix `contact_prefixes` keeps: a search word longer than that is looked up by
/// its first `MAX_PREFIX_CHARS` characters there and checked whole in `contact_terms`.
pub(crate) const MAX_PREFIX_CHARS: usize = 12;

/// Every prefix of every term, up to [`MAX_PREFIX_CHARS`] characters, each once.
pub(crate) fn prefixes(terms: &[String]) -> Vec<String> {
    let mut prefixes: Vec<String> = Vec::new();
    for term in terms {
        let mut prefix = String::new();
        for c in term.chars().take(MAX_PREFIX_CHARS) {
            prefix.push(c);
            if !prefixes.contains(&prefix) {
                prefixes.push(prefix.clone());
            }
        }
    }
    prefixes
}

/// The sort key of a listing: folded last name, first name, company.
pub(crate) fn sort_key(first: &str, last: &str, company: &str) -> String {
    fold(&format!("{last} {first} {company}"))
        .trim()
        .to_string()
}

/// The exclusive upper bound of a prefix range: every string starting with `prefix` is
/// `>= prefix` and `< bound` in byte order.
pub(crate) fn prefix_bound(prefix: &str) -> String {
    let mut bound = prefix.to_string();
    bound.push(char::MAX);
    bound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_each_kept_once_and_cut_at_the_limit() {
        let terms = terms(&["María Marín", "Compañía Internacional"]);
        let p = prefixes(&terms);
        assert_eq!(&p[..5], ["m", "ma", "mar", "mari", "maria"]);
        // "marin" shares "m".."mari" with "maria": only its own last prefix is new.
        assert_eq!(p.iter().filter(|x| x.starts_with("mari")).count(), 3);
        assert!(p.contains(&"internaciona".to_string()));
        assert!(!p.contains(&"internacional".to_string()));
        assert!(p.iter().all(|x| x.chars().count() <= MAX_PREFIX_CHARS));
    }

    #[test]
    fn one_number_in_any_formatting_is_one_key() {
        let cases = [
            ("+34 600 11 12 22", Some("ES"), "+34600111222"),
            ("0034600111222", Some("ES"), "+34600111222"),
            ("0034 600-11-12-22", None, "+34600111222"),
            ("600111222", Some("ES"), "+34600111222"),
            ("600 11 12 22", Some("ES"), "+34600111222"),
            ("(600) 111.222", Some("ES"), "+34600111222"),
            ("+1 (415) 555-2671", Some("ES"), "+14155552671"),
            ("415 555 2671", Some("US"), "+14155552671"),
            ("020 7946 0958", Some("GB"), "+442079460958"),
            // No country known: the digits as given, so the same typing still matches.
            ("600 11 12 22", None, "600111222"),
            ("600111222", Some("XX"), "600111222"),
        ];
        for (raw, region, key) in cases {
            assert_eq!(phone_key(raw, region), key, "{raw} in {region:?}");
        }
    }

    #[test]
    fn e_mails_are_checked_and_lower_cased() {
        assert_eq!(
            email(" Maria@Example.COM ").as_deref(),
            Some("maria@example.com")
        );
        for bad in [
            "maria",
            "@example.com",
            "maria@example",
            "maria@@example.com",
            "ma ria@example.com",
            "maria@example..com",
            "<maria@example.com>",
            "maria@example.com\n",
        ] {
            assert_eq!(email(bad.trim_end_matches('\n')), email(bad));
            if bad.ends_with('\n') {
                continue;
            }
            assert_eq!(email(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names_fold_to_search_terms() {
        assert_eq!(fold("López"), "lopez");
        assert_eq!(fold("ＭＡＲＩＡ"), "maria");
        assert_eq!(
            terms(&["María José", "García-López", "ACME, S.L."]),
            ["maria", "jose", "garcia", "lopez", "acme", "s", "l"]
        );
        assert!(prefix_bound("lop").as_str() > "lopez");
        assert!(prefix_bound("lop").as_str() < "loq");
    }

    #[test]
    fn drafts_are_cleaned_and_bounded() {
        let fields = [CustomField {
            key: "plan".into(),
            label: "Plan".into(),
        }];
        let d = ContactDraft {
            first_name: "<b>Maria</b>\u{1b}[31m\n".into(),
            last_name: "López".into(),
            phones: vec!["+34 600 11 12 22".into(), "600111222".into(), " ".into()],
            emails: vec!["Maria@Example.com".into(), "maria@example.com".into()],
            tags: vec!["vip".into(), "vip".into(), "".into()],
            fields: [("plan".to_string(), "Gold\nplus".to_string())].into(),
            ..ContactDraft::default()
        };
        let clean = draft(d, Some("ES"), &fields).unwrap();
        assert_eq!(clean.first_name, "<b>Maria</b>[31m");
        assert_eq!(clean.phones, ["+34600111222"]);
        assert_eq!(clean.emails, ["maria@example.com"]);
        assert_eq!(clean.tags, ["vip"]);
        assert_eq!(clean.fields["plan"], "Gold plus");
        for bad in [
            ContactDraft::default(),
            ContactDraft {
                first_name: "A".into(),
                emails: vec!["nope".into()],
                ..ContactDraft::default()
            },
            ContactDraft {
                first_name: "A".into(),
                fields: [("other".to_string(), "x".to_string())].into(),
                ..ContactDraft::default()
            },
            ContactDraft {
                first_name: "A".into(),
                tags: vec!["t".repeat(41)],
                ..ContactDraft::default()
            },
        ] {
            let e = draft(bad, Some("ES"), &fields).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidContact);
        }
        let bad_phone = ContactDraft {
            first_name: "A".into(),
            phones: vec!["call me".into()],
            ..ContactDraft::default()
        };
        assert_eq!(
            draft(bad_phone, None, &fields).unwrap_err().code(),
            ErrorCode::InvalidPhone
        );
    }
}

//! Conversation tags as agents type them, checked before they are stored: a tag is a short
//! label of letters, digits, spaces, `-` and `_`, so it can never carry markup or a control
//! sequence, and two spellings of one word ("VIP", " vip ") are one tag.

use headsup_protocol::chat::{MAX_CONVERSATION_TAGS, MAX_QUERY_TAGS, MAX_TAG_CHARS};
use headsup_protocol::ErrorCode;

use crate::error::{LdsError, LdsResult};

fn invalid(why: String) -> LdsError {
    LdsError::new(ErrorCode::InvalidTag, why)
}

/// One tag as stored: trimmed, inner runs of spaces as one, lower case. Refused when empty,
/// longer than [`MAX_TAG_CHARS`] or with any other character.
pub(crate) fn tag(raw: &str) -> LdsResult<String> {
    let words: Vec<&str> = raw.split(' ').filter(|w| !w.is_empty()).collect();
    let tag = words.join(" ").to_lowercase();
    if tag.is_empty() {
        return Err(invalid("a tag needs some text".into()));
    }
    if tag.chars().count() > MAX_TAG_CHARS {
        return Err(invalid(format!(
            "a tag is at most {MAX_TAG_CHARS} characters"
        )));
    }
    if !tag
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
    {
        return Err(invalid(
            "a tag has only letters, digits, spaces, '-' and '_'".into(),
        ));
    }
    Ok(tag)
}

/// A conversation's tags as stored: each checked, each once, sorted; at most
/// [`MAX_CONVERSATION_TAGS`].
pub(crate) fn tags(raw: &[String]) -> LdsResult<Vec<String>> {
    let mut tags = raw.iter().map(|t| tag(t)).collect::<LdsResult<Vec<_>>>()?;
    tags.sort();
    tags.dedup();
    if tags.len() > MAX_CONVERSATION_TAGS {
        return Err(invalid(format!(
            "a conversation has at most {MAX_CONVERSATION_TAGS} tags"
        )));
    }
    Ok(tags)
}

/// The tags a query filters by: as [`tags`], at most [`MAX_QUERY_TAGS`].
pub(crate) fn query_tags(raw: &[String]) -> LdsResult<Vec<String>> {
    if raw.len() > MAX_QUERY_TAGS {
        return Err(invalid(format!(
            "a query names at most {MAX_QUERY_TAGS} tags"
        )));
    }
    tags(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_word_are_one_tag() {
        assert_eq!(tag("  VIP  ").unwrap(), "vip");
        assert_eq!(tag("Follow   up").unwrap(), "follow up");
        let both = tags(&["VIP".into(), "vip".into(), "b-2".into()]).unwrap();
        assert_eq!(both, vec!["b-2".to_string(), "vip".to_string()]);
    }

    #[test]
    fn markup_controls_and_length_are_refused() {
        for bad in [
            "",
            "   ",
            "<b>x</b>",
            "a\u{1b}[31m",
            "tab\there",
            "a\u{202e}b",
            "x,y",
        ] {
            assert!(tag(bad).is_err(), "{bad:?} was taken");
        }
        assert!(tag(&"a".repeat(MAX_TAG_CHARS)).is_ok());
        assert!(tag(&"a".repeat(MAX_TAG_CHARS + 1)).is_err());
        let many: Vec<String> = (0..=MAX_CONVERSATION_TAGS)
            .map(|i| format!("t{i}"))
            .collect();
        assert!(tags(&many).is_err());
        assert!(tags(&many[1..]).is_ok());
    }
}

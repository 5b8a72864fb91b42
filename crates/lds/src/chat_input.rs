//! What a customer or an agent writes in a chat, checked before it is stored: a body is plain
//! text that can never forge a line, reorder what an agent reads or carry markup's effects (it is
//! rendered as text everywhere), and a sender's `client_id` is a short visible token.

use headsup_protocol::chat::{MAX_CLIENT_ID_BYTES, MAX_MESSAGE_CHARS};
use headsup_protocol::ErrorCode;

use crate::error::{LdsError, LdsResult};

fn invalid(why: &str) -> LdsError {
    LdsError::new(ErrorCode::InvalidMessage, why.to_string())
}

/// Bidirectional controls: they make text read in another order than it is stored.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The body as stored: line breaks kept (as `\n`), tabs as spaces, every other control and bidi
/// control removed, trimmed. Refused when nothing is left or it is longer than
/// [`MAX_MESSAGE_CHARS`] (never cut: the sender would not know what was lost).
pub(crate) fn body(raw: &str) -> LdsResult<String> {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let cleaned: String = unified
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            // Line and paragraph separators break lines in some renderers: one kind of break.
            '\u{2028}' | '\u{2029}' => Some('\n'),
            c if c.is_control() || is_bidi_control(c) => None,
            c => Some(c),
        })
        .collect();
    let body = cleaned.trim();
    if body.is_empty() {
        return Err(invalid("a message needs some text"));
    }
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(invalid("a message is at most 4000 characters"));
    }
    Ok(body.to_string())
}

/// The body of a message that carries a file: as [`body`], but it may be empty.
pub(crate) fn caption(raw: &str) -> LdsResult<String> {
    match body(raw) {
        Err(_) if body_is_blank(raw) => Ok(String::new()),
        other => other,
    }
}

fn body_is_blank(raw: &str) -> bool {
    raw.chars()
        .all(|c| c.is_whitespace() || c.is_control() || is_bidi_control(c))
}

/// A sender-chosen id: 1 to [`MAX_CLIENT_ID_BYTES`] visible ASCII characters.
pub(crate) fn client_id(raw: &str) -> LdsResult<&str> {
    if raw.is_empty()
        || raw.len() > MAX_CLIENT_ID_BYTES
        || !raw.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(invalid(
            "client_id is 1 to 64 visible ASCII characters, chosen by the sender",
        ));
    }
    Ok(raw)
}

/// A provider's customer address: an international phone number (`+` and the country code;
/// spaces, `-`, `.` and brackets allowed, as at intake) that is a valid number, as E.164
/// (`+34600111222`). Refused `invalid_phone` otherwise.
pub(crate) fn international_phone(raw: &str) -> LdsResult<String> {
    let refuse = || {
        LdsError::new(
            ErrorCode::InvalidPhone,
            "from is an international phone number: '+', the country code and the number",
        )
    };
    let dialable = crate::customer_input::phone(raw)?.ok_or_else(refuse)?;
    if !dialable.starts_with('+') {
        return Err(refuse());
    }
    let digits: String = dialable.chars().filter(char::is_ascii_digit).collect();
    let number = phonenumber::parse(None, format!("+{digits}")).map_err(|_| refuse())?;
    if !phonenumber::is_valid(&number) {
        return Err(refuse());
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// Why a message failed, as the agent is shown it: one line of plain text cleaned and cut as a
/// customer's name is (at most `customer_input::MAX_NAME_CHARS`); a generic reason when none
/// is left.
pub(crate) fn reason(raw: Option<&str>) -> String {
    raw.and_then(crate::customer_input::name)
        .unwrap_or_else(|| "the provider could not deliver it".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_phones_are_international_and_valid() {
        let e164 = |raw| international_phone(raw).map_err(|e| e.code());
        assert_eq!(e164("+34 600 111 222").unwrap(), "+34600111222");
        assert_eq!(e164("+34600111222").unwrap(), "+34600111222");
        for bad in [
            "600111222",
            "+34",
            "+1 23",
            "+34 600<b>",
            "",
            "+\u{202E}34600111222",
        ] {
            assert_eq!(e164(bad), Err(ErrorCode::InvalidPhone), "{bad:?}");
        }
    }

    #[test]
    fn reasons_are_one_clean_line() {
        assert_eq!(reason(Some("number\nblocked\u{202E}")), "number blocked");
        assert_eq!(reason(Some("\u{7}")), "the provider could not deliver it");
        assert_eq!(
            reason(Some(&"x".repeat(500))).chars().count(),
            crate::customer_input::MAX_NAME_CHARS
        );
    }

    #[test]
    fn bodies_keep_breaks_and_lose_controls() {
        let table = [
            ("hola", "hola"),
            ("  two\r\nlines  ", "two\nlines"),
            ("tab\there", "tab here"),
            ("bell\u{7}gone", "bellgone"),
            ("esc\u{1b}[31mred", "esc[31mred"),
            ("order \u{202E}txt.exe", "order txt.exe"),
            ("sep\u{2028}line", "sep\nline"),
            ("<b>bold</b>", "<b>bold</b>"),
            ("emoji 👋🏽", "emoji 👋🏽"),
        ];
        for (raw, want) in table {
            assert_eq!(body(raw).unwrap(), want, "{raw:?}");
        }
    }

    #[test]
    fn empty_and_long_bodies_are_refused() {
        for raw in ["", "   ", "\u{202E}\u{7}", "\n\n"] {
            assert_eq!(body(raw).unwrap_err().code(), ErrorCode::InvalidMessage);
        }
        assert!(body(&"a".repeat(MAX_MESSAGE_CHARS)).is_ok());
        let long = "a".repeat(MAX_MESSAGE_CHARS + 1);
        assert_eq!(body(&long).unwrap_err().code(), ErrorCode::InvalidMessage);
    }

    #[test]
    fn client_ids_are_short_visible_ascii() {
        assert!(client_id("m-1f2e").is_ok());
        for bad in ["", "with space", "ñ", &"x".repeat(65), "tab\t"] {
            assert!(client_id(bad).is_err(), "{bad:?}");
        }
    }
}

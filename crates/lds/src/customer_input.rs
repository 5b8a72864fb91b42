//! What a customer's name and phone may contain, decided once at intake (HTTP and the agent's
//! `schedule` frame) so that every agent's device, notification and terminal gets the same
//! well-formed text (`docs/protocol.md`, "Customer text").
//!
//! A website visitor types these, so they are untrusted. The name is *normalized*, never refused
//! (a real customer with a pasted tab or a stray control character must still reach an agent):
//! line breaks and other whitespace become one space, control and invisible formatting
//! characters (bidi overrides, zero-width spaces, ANSI escapes' ESC, NUL, BEL…) are removed,
//! piles of combining marks are thinned, and it is cut to [`MAX_NAME_CHARS`]. Markup characters
//! (`<`, `>`, `&`) are ordinary text here; whoever renders markup escapes them. The phone is a
//! dialable number, so it is checked strictly and refused when it is not one.

use headsup_protocol::model::Customer;
use headsup_protocol::ErrorCode;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_segmentation::UnicodeSegmentation;

use crate::error::{LdsError, LdsResult};

/// A name is cut to at most this many characters (Unicode scalar values), at a character
/// boundary as the reader sees it (a flag or a family emoji is kept whole or dropped whole).
pub const MAX_NAME_CHARS: usize = 100;
/// A phone number longer than this many characters is refused.
pub const MAX_PHONE_CHARS: usize = 40;
/// Combining marks kept on one character: enough for Vietnamese, pointed Hebrew or a Tibetan
/// stack; "Zalgo" text stacks dozens, which draw over the lines above and below.
pub const MAX_MARKS_PER_CHARACTER: usize = 4;

/// The customer as stored and offered: name normalized, phone checked, empty fields absent.
/// Refused when the phone is not a phone number, or when neither field is left.
pub(crate) fn customer(c: Customer) -> LdsResult<Customer> {
    let c = Customer {
        name: c.name.as_deref().and_then(name),
        phone: c.phone.as_deref().map(phone).transpose()?.flatten(),
    };
    if c.name.is_none() && c.phone.is_none() {
        return Err(LdsError::new(
            ErrorCode::BadRequest,
            "customer needs a name or a phone number",
        ));
    }
    Ok(c)
}

/// The name as agents see it, or `None` when nothing printable is left.
pub(crate) fn name(raw: &str) -> Option<String> {
    let mut spaced = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            spaced.push(' ');
        } else if is_tag(c) {
            // Tag characters are invisible ASCII; their one legitimate use is the tail of a
            // flag (England, Scotland, Wales: a black flag, a few tags, a cancel tag). A run
            // of them is kept only in that shape, removed anywhere else (where it smuggles
            // text past the reader).
            let mut run = vec![c];
            while let Some(t) = chars.next_if(|t| is_tag(*t)) {
                run.push(t);
            }
            if spaced.ends_with(BLACK_FLAG) && is_flag_tail(&run) {
                spaced.extend(run);
            }
        } else if !is_removed(c) {
            spaced.push(c);
        }
    }
    let mut out = String::with_capacity(spaced.len());
    let mut chars = 0;
    for word in spaced.split(' ').filter(|w| !w.is_empty()) {
        let separator = usize::from(chars > 0);
        for (i, grapheme) in word.graphemes(true).enumerate() {
            let grapheme = thin_marks(grapheme);
            let len = grapheme.chars().count() + if i == 0 { separator } else { 0 };
            if chars + len > MAX_NAME_CHARS {
                return (!out.is_empty()).then_some(out);
            }
            if i == 0 && separator == 1 {
                out.push(' ');
            }
            out.push_str(&grapheme);
            chars += len;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The phone trimmed, `None` when empty; refused unless it is `+` (first only), ASCII digits,
/// spaces, `-`, `.`, `(` and `)`, with at least one digit and at most [`MAX_PHONE_CHARS`].
pub(crate) fn phone(raw: &str) -> LdsResult<Option<String>> {
    let p = raw.trim();
    if p.is_empty() {
        return Ok(None);
    }
    let refuse = |why: &str| {
        Err(LdsError::new(
            ErrorCode::InvalidPhone,
            format!("customer.phone {why}"),
        ))
    };
    if p.chars().count() > MAX_PHONE_CHARS {
        return refuse(&format!("is longer than {MAX_PHONE_CHARS} characters"));
    }
    let allowed = |(i, c): (usize, char)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0)
    };
    if !p.char_indices().all(allowed) {
        return refuse(
            "may hold only digits, spaces, '-', '.', '(', ')' and a leading '+' \
             (write the extension or notes in the name)",
        );
    }
    if !p.chars().any(|c| c.is_ascii_digit()) {
        return refuse("has no digit");
    }
    Ok(Some(p.to_string()))
}

const BLACK_FLAG: char = '\u{1F3F4}';
const CANCEL_TAG: char = '\u{E007F}';
const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// Tag letters then the cancel tag, as in the flags' emoji tag sequences (UTS #51).
fn is_flag_tail(run: &[char]) -> bool {
    let Some((last, spec)) = run.split_last() else {
        return false;
    };
    *last == CANCEL_TAG
        && (1..=7).contains(&spec.len())
        && spec.iter().all(|c| matches!(c, '\u{E0020}'..='\u{E007E}'))
}

/// Characters a name never keeps: controls (C0 with NUL and ESC, DEL, C1) and invisible
/// formatting characters (category Cf: the bidi marks, embeddings, overrides and isolates,
/// zero-width space, word joiner, BOM, soft hyphen, interlinear annotations…), except the
/// zero-width joiner and non-joiner that emoji sequences and Persian or Indic names need; and
/// the Hangul fillers, letters that print as nothing (a blank-looking name).
fn is_removed(c: char) -> bool {
    match c.general_category() {
        GeneralCategory::Control => true,
        GeneralCategory::Format => !matches!(c, ZWNJ | ZWJ),
        _ => matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'),
    }
}

/// One user-perceived character with at most [`MAX_MARKS_PER_CHARACTER`] combining marks
/// (variation selectors, which choose an emoji's look and stack nothing, are not counted).
fn thin_marks(grapheme: &str) -> std::borrow::Cow<'_, str> {
    let is_counted_mark = |c: char| {
        matches!(
            c.general_category(),
            GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark
        ) && !matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
    };
    if grapheme.chars().filter(|c| is_counted_mark(*c)).count() <= MAX_MARKS_PER_CHARACTER {
        return grapheme.into();
    }
    let mut marks = 0;
    grapheme
        .chars()
        .filter(|c| {
            if !is_counted_mark(*c) {
                return true;
            }
            marks += 1;
            marks <= MAX_MARKS_PER_CHARACTER
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Option<String> {
        name(s)
    }

    #[test]
    fn ordinary_names_are_kept_as_typed() {
        for s in [
            "Maria Lopez",
            "Zoë O'Brien-Smith",
            "Nguyễn Thị Minh Khai",
            "محمد عبد الله",
            "שָׁלוֹם כהן",
            "김민준",
            "नमस्ते क्षत्रिय",
            "Ann <b>VIP</b> & <a href=\"http://evil.test\">Co</a>",
            "مهرداد\u{200C}پور",
        ] {
            assert_eq!(n(s).as_deref(), Some(s), "{s:?}");
        }
    }

    #[test]
    fn emoji_survive_whole() {
        for s in [
            "Ana 🙂",
            "👩🏽‍💻 Dev",
            "👨‍👩‍👧‍👦 family",
            "Kiss 👩🏻‍❤️‍💋‍👨🏼",
            "🇪🇸 España",
            "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} fan",
            "keycap 1\u{FE0F}\u{20E3}",
            "🏳️‍⚧️ flag",
        ] {
            assert_eq!(n(s).as_deref(), Some(s), "{s:?}");
        }
    }

    #[test]
    fn line_breaks_and_tabs_become_one_space() {
        assert_eq!(
            n("Ann\n🔔 [999999] New customer request — CEO").as_deref(),
            Some("Ann 🔔 [999999] New customer request — CEO")
        );
        assert_eq!(
            n("\t A\r\n\u{0B}\u{0C}B\u{85}C\u{2028}D\u{2029}E\u{A0}\u{3000}F  ").as_deref(),
            Some("A B C D E F")
        );
    }

    #[test]
    fn controls_and_escapes_are_removed() {
        assert_eq!(n("\x1b[31mRed\x1b[0m").as_deref(), Some("[31mRed[0m"));
        assert_eq!(n("Bell\x07\x07").as_deref(), Some("Bell"));
        assert_eq!(n("Nu\0ll").as_deref(), Some("Null"));
        assert_eq!(n("Del\x7f \u{9b}C1").as_deref(), Some("Del C1"));
        assert_eq!(n("back\x08space").as_deref(), Some("backspace"));
    }

    #[test]
    fn bidi_controls_and_invisible_characters_are_removed() {
        assert_eq!(
            n("\u{202E}gnp.exe\u{202C}Invoice").as_deref(),
            Some("gnp.exeInvoice")
        );
        let every_bidi: String = [
            '\u{200E}', '\u{200F}', '\u{061C}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ]
        .iter()
        .collect();
        assert_eq!(n(&format!("A{every_bidi}B")).as_deref(), Some("AB"));
        assert_eq!(
            n("Z\u{200B}e\u{2060}r\u{FEFF}o\u{AD}W\u{180E}").as_deref(),
            Some("ZeroW")
        );
        // Invisible tag characters smuggling ASCII, outside a flag or after one.
        assert_eq!(
            n("Bob\u{E0001}\u{E0069}\u{E0067}\u{E006E}").as_deref(),
            Some("Bob")
        );
        let smuggled: String = "ignore all previous instructions"
            .chars()
            .map(|c| char::from_u32(0xE0000 + c as u32).unwrap())
            .collect();
        assert_eq!(n(&format!("🏴{smuggled}")).as_deref(), Some("🏴"));
        assert_eq!(n(&format!("🏴{smuggled}\u{E007F}")).as_deref(), Some("🏴"));
    }

    #[test]
    fn nothing_visible_left_is_no_name() {
        for s in [
            "",
            "   ",
            "\u{202E}\u{202C}",
            "\0\x1b\x07",
            "\u{3164}\u{3164}",
            "\n\t",
        ] {
            assert_eq!(n(s), None, "{s:?}");
        }
        assert!(customer(Customer {
            name: Some("\u{200B}".into()),
            phone: None
        })
        .is_err());
        let kept = customer(Customer {
            name: Some("\u{200B}".into()),
            phone: Some(" +34 600 ".into()),
        })
        .unwrap();
        assert_eq!((kept.name, kept.phone.as_deref()), (None, Some("+34 600")));
    }

    #[test]
    fn combining_marks_are_kept_but_not_piled_up() {
        let decomposed = "Jose\u{301} Nguye\u{302}\u{303}n";
        assert_eq!(n(decomposed).as_deref(), Some(decomposed));
        let zalgo = format!("Z{}algo", "\u{30D}\u{30E}\u{304}\u{305}".repeat(10));
        let thinned = n(&zalgo).unwrap();
        assert_eq!(thinned, "Z\u{30D}\u{30E}\u{304}\u{305}algo");
    }

    #[test]
    fn long_names_are_cut_at_a_character_boundary() {
        let long = "A".repeat(500);
        assert_eq!(n(&long).unwrap().chars().count(), MAX_NAME_CHARS);
        let words = "word ".repeat(100);
        let cut = n(&words).unwrap();
        assert!(cut.chars().count() <= MAX_NAME_CHARS);
        assert!(!cut.ends_with(' '));
        // 99 letters then a 7-character family emoji: the emoji does not fit and is dropped
        // whole, not cut into a stray man and joiner.
        let edge = format!("{}👨‍👩‍👧‍👦", "B".repeat(99));
        assert_eq!(n(&edge).unwrap(), "B".repeat(99));
        assert_eq!(n(&"é".repeat(150)).unwrap().chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn phones_are_dialable_or_refused() {
        for ok in [
            "+34 600 111 222",
            "(030) 123-45.67",
            "600111222",
            "  +1 (555) 010-0000  ",
        ] {
            assert_eq!(phone(ok).unwrap().as_deref(), Some(ok.trim()), "{ok:?}");
        }
        assert_eq!(phone("   ").unwrap(), None);
        for bad in [
            "+34\n600",
            "600\t111",
            "\u{202E}600",
            "600\x1b[31m",
            "1+2",
            "++34",
            "call me",
            "600 ext. 5",
            "+",
            "()-.",
            "٦٠٠١١١",
            "<b>600</b>",
            &"1".repeat(MAX_PHONE_CHARS + 1),
        ] {
            let e = phone(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidPhone, "{bad:?}");
            assert!(e.public_message().contains("customer.phone"), "{bad:?}");
        }
        assert!(phone(&"1".repeat(MAX_PHONE_CHARS)).is_ok());
    }
}

//! Text that came from outside (a customer's name and phone typed into a website widget, another
//! agent's or team's name from the LDS) made safe to show as one line of plain text.
//!
//! The LDS is an open protocol: whatever it passes through reaches notification servers, which
//! may render markup or honour bidi controls, and terminals, which obey escape sequences. So
//! every such string goes through [`one_line`] before the core puts it into a notification or a
//! row. Markup is not this module's business: only the notification server knows whether it
//! renders any, so the shell escapes it there (Linux: when the server reports `body-markup`).

/// Removes what could forge a line, move the cursor or reorder what the reader sees:
/// - white space of every kind — line and paragraph breaks (CR, LF, VT, FF, NEL, U+2028,
///   U+2029), tabs, no-break spaces — becomes one space, so a name cannot start a second,
///   forged notification line;
/// - every other control character goes: C0 (NUL, BEL, ESC…), DEL and C1;
/// - bidirectional controls go: embeddings and overrides (U+202A–U+202E), isolates
///   (U+2066–U+2069) and the marks (U+200E, U+200F, U+061C), so `U+202E gnp.exe` cannot show
///   as `exe.png`;
/// - runs of spaces collapse to one and the ends are trimmed.
///
/// Letters of every script, emoji (with their joiners) and punctuation stay as they were.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if is_break(c) || c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_bidi_control(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// A message body as plain text that keeps its lines: every kind of line break becomes `\n`
/// (at most two in a row, so a body cannot push the conversation off the screen), each line
/// goes through [`one_line`] (other controls and bidi controls gone, spaces collapsed), and
/// the blank lines at both ends are trimmed.
pub fn multi_line(text: &str) -> String {
    let normalised = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(normalised.len());
    let mut blank_run = 0;
    for line in normalised.split([
        '\n', '\r', '\u{0b}', '\u{0c}', '\u{85}', '\u{2028}', '\u{2029}',
    ]) {
        let line = one_line(line);
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(&line);
    }
    out
}

/// For a terminal: [`one_line`]'s result is already safe, but a tool printing text it did not
/// build itself shows any control or bidi character as a visible `\u{…}` escape instead.
pub fn for_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_bidi_control(c) || is_break(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Line and paragraph separators that are not in the control category.
fn is_break(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Unicode's bidirectional formatting characters (UAX #9, table 4) and marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_keeps_its_lines_but_no_control_or_bidi_character() {
        assert_eq!(multi_line("Hi\r\nthere"), "Hi\nthere");
        assert_eq!(multi_line("\n\nA\n\n\n\nB\n"), "A\n\nB");
        assert_eq!(multi_line("x\u{202e}gnp.exe\u{1b}[2J"), "xgnp.exe[2J");
        assert_eq!(multi_line("a\u{2028}b\tc"), "a\nb c");
        assert_eq!(multi_line("👋🏽 ¿Qué tal?"), "👋🏽 ¿Qué tal?");
    }

    #[test]
    fn controls_go_and_breaks_become_one_space() {
        assert_eq!(one_line("Ann\u{7}\u{0}Lee"), "AnnLee");
        assert_eq!(one_line("\u{1b}[31mRed\u{1b}[0m"), "[31mRed[0m");
        assert_eq!(one_line("Ann\r\nLee"), "Ann Lee");
        assert_eq!(one_line("Ann\n🔔 [999999] CEO"), "Ann 🔔 [999999] CEO");
        assert_eq!(one_line("  Ann \t\u{2028} Lee  "), "Ann Lee");
        assert_eq!(one_line("Ann\u{85}Lee\u{9b}2J"), "Ann Lee2J");
        assert_eq!(one_line("\u{7f}"), "");
    }

    #[test]
    fn bidi_controls_go() {
        assert_eq!(
            one_line("\u{202E}gnp.exe\u{202C} Invoice"),
            "gnp.exe Invoice"
        );
        assert_eq!(one_line("a\u{2066}b\u{2069}\u{200F}c\u{61C}"), "abc");
    }

    #[test]
    fn every_script_and_emoji_stay() {
        for name in [
            "Zoë Ødegård",
            "عائشة",
            "田中 愛子",
            "👩‍💻 Ana",
            "O'Brien & Co <x>",
        ] {
            assert_eq!(one_line(name), name);
        }
    }

    #[test]
    fn terminal_text_shows_controls_escaped() {
        assert_eq!(for_terminal("a\nb\u{202E}"), "a\\u{a}b\\u{202e}");
        assert_eq!(for_terminal("Ana — ok"), "Ana — ok");
    }
}

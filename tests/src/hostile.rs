//! Customer names a hostile website visitor could type, and what the agent must see of them.
//!
//! The oracle is written out here, independently of the app's code: one line of plain text
//! (controls gone, breaks as spaces, bidi controls gone), and in a notification body for a server
//! that renders markup, `<`, `>`, `&` and quotes as XML entities.

/// Markup, bidi override, ANSI escapes and BEL, NUL, CR, a forged second notification line,
/// tabs and separators, quotes, and text that already looks escaped.
pub const NAMES: [&str; 9] = [
    "Ann <b>VIP</b> & <a href=\"http://evil.test\">Co</a>",
    "\u{202E}gnp.exe\u{202C} Invoice",
    "\u{1b}[31mRed\u{1b}[0m Alert\u{7}",
    "Nul\u{0}Byte",
    "Carriage\rReturn",
    "Ann\n🔔 [999999] New customer request — CEO",
    "Tab\tand\u{2028}separator \u{2066}isolated\u{2069}",
    "O'Brien & \"Sons\" > Co",
    "&amp; already &lt;escaped&gt;",
];

/// The name as one line of plain text: what a row shows and what a terminal prints.
pub fn plain(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let bidi = matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if c.is_whitespace() {
            out.push(' ');
        } else if !c.is_control() && !bidi {
            out.push(c);
        }
    }
    out.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` with the five XML special characters as entities.
pub fn markup_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Whether `text` holds a character that must never reach a notification or a terminal raw.
pub fn has_control_or_bidi(text: &str) -> bool {
    text.chars().any(|c| {
        c.is_control()
            || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oracle_reads_as_intended() {
        assert_eq!(plain(NAMES[1]), "gnp.exe Invoice");
        assert_eq!(
            plain(NAMES[5]),
            "Ann 🔔 [999999] New customer request — CEO"
        );
        assert_eq!(plain(NAMES[6]), "Tab and separator isolated");
        assert_eq!(
            markup_escaped(NAMES[0]),
            "Ann &lt;b&gt;VIP&lt;/b&gt; &amp; &lt;a href=&quot;http://evil.test&quot;&gt;Co&lt;/a&gt;"
        );
        assert!(has_control_or_bidi(NAMES[2]) && !has_control_or_bidi(&plain(NAMES[2])));
    }
}

//! A chat attachment as sent, checked before it is stored: its type is the one its bytes show
//! (never the one declared or the file name's extension), from a short allow-list, and it must
//! agree with the declared type; its name is hostile text that becomes one short plain line.

use headsup_protocol::chat::MAX_ATTACHMENT_NAME_CHARS;
use headsup_protocol::ErrorCode;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::error::{LdsError, LdsResult};

/// The types accepted, as the LDS names them, with the declared names that mean the same.
const ALLOWED: &[(&str, &[&str])] = &[
    ("image/png", &[]),
    ("image/jpeg", &["image/jpg", "image/pjpeg"]),
    ("image/gif", &[]),
    ("image/webp", &[]),
    ("application/pdf", &[]),
    ("audio/ogg", &["application/ogg", "audio/opus"]),
    ("audio/mpeg", &["audio/mp3"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &[],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &[],
    ),
    ("text/plain", &[]),
];

const PLAIN_TEXT: &str = "text/plain";

/// Kept from a long name's end so a cut name still opens with the right program.
const MAX_EXTENSION_CHARS: usize = 10;

fn refused(why: &str) -> LdsError {
    LdsError::new(ErrorCode::AttachmentTypeRefused, why.to_string())
}

/// The type of `bytes` if it is one of the allowed ones and `declared` (a `Content-Type`,
/// parameters ignored) names it; else `attachment_type_refused`.
pub(crate) fn content_type(declared: Option<&str>, bytes: &[u8]) -> LdsResult<&'static str> {
    if bytes.is_empty() {
        return Err(refused("the file is empty"));
    }
    let sniffed = match infer::get(bytes) {
        Some(kind) => kind.mime_type(),
        None if is_plain_text(bytes) => PLAIN_TEXT,
        None => return Err(refused("the file's type is not one that may be sent")),
    };
    let Some((allowed, aliases)) = ALLOWED.iter().find(|(t, _)| *t == sniffed) else {
        return Err(refused(
            "only images (PNG, JPEG, GIF, WebP), PDF, plain text, audio (Ogg, MP3), \
             Word and Excel files may be sent",
        ));
    };
    let declared = declared
        .and_then(|d| d.split(';').next())
        .map(|d| d.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if declared != *allowed && !aliases.contains(&declared.as_str()) {
        return Err(refused(
            "the file's contents are not of the type it was sent as",
        ));
    }
    Ok(allowed)
}

/// UTF-8 text with no control characters but line breaks, tabs and form feeds, that does not
/// open like markup (`<` first): a page disguised as text is refused, not stored.
fn is_plain_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    !text.trim_start().starts_with('<')
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
}

/// The file name as stored and shown: the last part of any path, without control, format
/// (bidi, zero-width) characters or leading dots, blanks as one space, at most
/// [`MAX_ATTACHMENT_NAME_CHARS`] characters (the extension kept); `attachment` when nothing
/// is left.
pub(crate) fn name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut clean = String::with_capacity(base.len());
    for c in base.chars() {
        if c.is_whitespace() {
            if !clean.is_empty() && !clean.ends_with(' ') {
                clean.push(' ');
            }
        } else {
            let invisible = matches!(
                c.general_category(),
                GeneralCategory::Control | GeneralCategory::Format
            );
            let leading_dot = clean.is_empty() && c == '.';
            if !invisible && !leading_dot {
                clean.push(c);
            }
        }
    }
    let clean = clean.trim_end().to_string();
    if clean.is_empty() {
        return "attachment".to_string();
    }
    let chars: Vec<char> = clean.chars().collect();
    if chars.len() <= MAX_ATTACHMENT_NAME_CHARS {
        return clean;
    }
    let extension = clean
        .rfind('.')
        .map(|i| &clean[i..])
        .filter(|e| e.chars().count() <= MAX_EXTENSION_CHARS)
        .unwrap_or("");
    let keep = MAX_ATTACHMENT_NAME_CHARS - extension.chars().count();
    let mut cut: String = chars[..keep].iter().collect();
    cut.push_str(extension);
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

    #[test]
    fn a_png_declared_as_png_is_a_png() {
        assert_eq!(content_type(Some("image/png"), PNG).unwrap(), "image/png");
    }

    #[test]
    fn the_declared_type_must_agree_with_the_bytes() {
        let e = content_type(Some("application/pdf"), PNG).unwrap_err();
        assert_eq!(e.code(), ErrorCode::AttachmentTypeRefused);
        assert!(content_type(None, PNG).is_err());
    }

    #[test]
    fn programs_and_pages_are_refused_whatever_they_are_called() {
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
        assert!(content_type(Some("image/png"), exe).is_err());
        let page = b"<!DOCTYPE html><script>alert(1)</script>";
        assert!(content_type(Some("text/plain"), page).is_err());
        assert!(content_type(Some("text/plain"), b"  <svg onload=alert(1)>").is_err());
    }

    #[test]
    fn plain_text_is_utf8_without_controls() {
        assert_eq!(
            content_type(
                Some("text/plain; charset=utf-8"),
                "Hola, ¿qué tal?\n".as_bytes()
            )
            .unwrap(),
            "text/plain"
        );
        assert!(content_type(Some("text/plain"), b"bell\x07").is_err());
        assert!(content_type(Some("text/plain"), b"").is_err());
    }

    #[test]
    fn names_lose_paths_controls_and_bidi() {
        assert_eq!(name("../../etc/passwd"), "passwd");
        assert_eq!(name("C:\\Users\\x\\report.pdf"), "report.pdf");
        assert_eq!(name("in\u{202E}fdp.exe"), "infdp.exe");
        assert_eq!(name("a\u{0}b\nc\u{200B}.txt"), "ab c.txt");
        assert_eq!(name("..hidden"), "hidden");
        assert_eq!(name("/"), "attachment");
        // Kept as typed: it is shown as text everywhere, never as markup.
        assert_eq!(name("<img src=x>.png"), "<img src=x>.png");
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension() {
        let long = format!("{}.pdf", "é".repeat(500));
        let cut = name(&long);
        assert_eq!(cut.chars().count(), MAX_ATTACHMENT_NAME_CHARS);
        assert!(cut.ends_with(".pdf"));
    }
}

//! Reading client frames into commands or documented errors.

use headsup_protocol::lds::{ClientFrame, ErrorFrame, ServerFrame, MAX_FRAME_BYTES};
use headsup_protocol::ErrorCode;
use tokio_tungstenite::tungstenite;

use crate::error::LdsError;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// A frame that could not be taken as a command, with the `cid` to echo when one was readable.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FrameError {
    pub(crate) cid: Option<u64>,
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

/// A refused command as the `error` frame its client reads (an internal error is logged here,
/// and its details never reach the client).
pub(crate) fn error(cid: Option<u64>, e: LdsError) -> ServerFrame {
    if let LdsError::Internal(inner) = &e {
        tracing::error!("command failed: {inner:#}");
    }
    ServerFrame::Error(ErrorFrame {
        cid,
        code: e.code(),
        message: e.public_message(),
    })
}

const KNOWN_TYPES: [&str; 37] = [
    "hello",
    "accept",
    "reject",
    "attend_next",
    "schedule",
    "end_session",
    "set_status",
    "finish_wrap_up",
    "transfer",
    "transfer_targets",
    "queue_waiting",
    "contact_lists",
    "search_contacts",
    "get_contact",
    "add_contact",
    "edit_contact",
    "merge_contacts",
    "duplicate_contact",
    "contact_journey",
    "send_message",
    "retry_message",
    "message_history",
    "mark_read",
    "conversations",
    "canned_answers",
    "templates",
    "send_template",
    "call_cases",
    "get_call_case",
    "create_call_case",
    "call_call_case",
    "handle_call_case",
    "note_call_case",
    "update_call_cases",
    "session_call_cases",
    "conversation_filters",
    "set_conversation_tags",
];

pub(crate) fn parse(text: &str) -> Result<ClientFrame, FrameError> {
    if text.len() > MAX_FRAME_BYTES {
        return Err(FrameError {
            cid: None,
            code: ErrorCode::TooLarge,
            message: format!("frames are at most {MAX_FRAME_BYTES} bytes"),
        });
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| FrameError {
        cid: None,
        code: ErrorCode::MalformedFrame,
        message: format!("not JSON: {e}"),
    })?;
    let cid = value.get("cid").and_then(|c| c.as_u64());
    let Some(kind) = value
        .get("type")
        .and_then(|t| t.as_str())
        .map(str::to_string)
    else {
        return Err(FrameError {
            cid,
            code: ErrorCode::MalformedFrame,
            message: "a frame is a JSON object with a string `type`".into(),
        });
    };
    if !KNOWN_TYPES.contains(&kind.as_str()) {
        return Err(FrameError {
            cid,
            code: ErrorCode::UnknownFrame,
            message: format!("unknown frame type {kind:?}"),
        });
    }
    serde_json::from_value(value).map_err(|e| FrameError {
        cid,
        code: ErrorCode::MalformedFrame,
        message: format!("invalid {kind} frame: {e}"),
    })
}

/// The close code and reason for a frame the WebSocket layer could not read (RFC 6455 §7.4.1):
/// over the transport limit 1009, text that is not UTF-8 1007, a broken frame 1002. `None`: the
/// connection itself failed, and there is nobody to tell.
pub(crate) fn close_for(error: &tungstenite::Error) -> Option<(CloseCode, &'static str)> {
    match error {
        tungstenite::Error::Capacity(_) => Some((CloseCode::Size, "too_large")),
        tungstenite::Error::Utf8(_) => Some((CloseCode::Invalid, "invalid_utf8")),
        tungstenite::Error::Protocol(_) => Some((CloseCode::Protocol, "protocol_error")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_bad_frame_has_its_code() {
        assert_eq!(parse("{nope").unwrap_err().code, ErrorCode::MalformedFrame);
        assert_eq!(parse("[1,2]").unwrap_err().code, ErrorCode::MalformedFrame);
        let e = parse(r#"{"type":"dance","cid":4}"#).unwrap_err();
        assert_eq!((e.code, e.cid), (ErrorCode::UnknownFrame, Some(4)));
        let e = parse(r#"{"type":"accept","cid":5}"#).unwrap_err();
        assert_eq!((e.code, e.cid), (ErrorCode::MalformedFrame, Some(5)));
        let big = format!(
            r#"{{"type":"accept","x":"{}"}}"#,
            "a".repeat(MAX_FRAME_BYTES)
        );
        assert_eq!(parse(&big).unwrap_err().code, ErrorCode::TooLarge);
        assert!(parse(r#"{"type":"attend_next","cid":1}"#).is_ok());
    }
}

//! Reading request bodies and bearer credentials into documented errors (axum's own rejections
//! are plain text; clients need the JSON error codes).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use headsup_protocol::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::LdsError;

pub fn json<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, LdsError> {
    let bytes = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            LdsError::new(ErrorCode::TooLarge, "the body is larger than 65536 bytes")
        } else {
            LdsError::new(ErrorCode::BadRequest, format!("unreadable body: {r}"))
        }
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| LdsError::new(ErrorCode::BadRequest, format!("invalid JSON body: {e}")))
}

/// The credential in `Authorization: Bearer …`.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, credential) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credential.trim())
        .filter(|c| !c.is_empty())
}

/// The `Idempotency-Key` header, if sent: refused when sent twice or not a valid key.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, LdsError> {
    let mut values = headers.get_all("idempotency-key").iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(LdsError::new(
            ErrorCode::InvalidIdempotencyKey,
            "send one Idempotency-Key header, not several",
        ));
    }
    crate::store::idempotency::parse_key(value.as_bytes()).map(Some)
}

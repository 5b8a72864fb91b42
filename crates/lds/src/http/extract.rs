//! The request parts handlers take, read into the documented errors (axum's own rejections are
//! plain text; clients need `{"error": {"code", "message"}}`, `docs/protocol.md` "Error bodies").
//!
//! A handler whose refusals come in a documented order takes an extractor as
//! `Result<Extractor, LdsError>` and applies it where the order says; the rest take it bare.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use headsup_protocol::ErrorCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::app::AppState;
use crate::data::accounts::Team;
use crate::data::queues::Queue;
use crate::domain::accounts;
use crate::domain::requests::idempotency;
use crate::error::LdsError;

/// A JSON body (read) or answer (written). Refused as `400 bad_request` when it is not the
/// expected JSON, `413 too_large` over the body limit.
pub(crate) struct Json<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = LdsError;

    async fn from_request(req: Request, state: &S) -> Result<Self, LdsError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                LdsError::new(ErrorCode::TooLarge, "the body is larger than 65536 bytes")
            } else {
                LdsError::new(ErrorCode::BadRequest, format!("unreadable body: {r}"))
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(Json)
            .map_err(|e| LdsError::new(ErrorCode::BadRequest, format!("invalid JSON body: {e}")))
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// The credential in `Authorization: Bearer …`.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, credential) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credential.trim())
        .filter(|c| !c.is_empty())
}

/// The bearer token of an agent's call: refused `401 unauthorized` when there is none. Whether
/// it is valid is the handler's to check.
pub(crate) struct BearerToken(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = LdsError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, LdsError> {
        bearer(&parts.headers)
            .map(|t| BearerToken(t.to_string()))
            .ok_or_else(|| LdsError::new(ErrorCode::Unauthorized, "missing bearer token"))
    }
}

/// The team whose intake key is the bearer credential, and the queue when it is a queue's own
/// key: refused `401 invalid_intake_key` when there is none or it is unknown.
pub(crate) struct IntakeTeam(pub(crate) Team, pub(crate) Option<Queue>);

impl FromRequestParts<AppState> for IntakeTeam {
    type Rejection = LdsError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, LdsError> {
        let key = bearer(&parts.headers)
            .ok_or_else(|| LdsError::new(ErrorCode::InvalidIntakeKey, "missing intake key"))?;
        accounts::team_by_intake_key(&state.store.db, key)
            .await?
            .map(|(team, queue)| IntakeTeam(team, queue))
            .ok_or_else(|| LdsError::new(ErrorCode::InvalidIntakeKey, "unknown intake key"))
    }
}

/// The `Idempotency-Key` header, if sent: refused `400 invalid_idempotency_key` when sent twice
/// or not a valid key.
pub(crate) struct IdempotencyKey(pub(crate) Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = LdsError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, LdsError> {
        let mut values = parts.headers.get_all("idempotency-key").iter();
        let Some(value) = values.next() else {
            return Ok(IdempotencyKey(None));
        };
        if values.next().is_some() {
            return Err(LdsError::new(
                ErrorCode::InvalidIdempotencyKey,
                "send one Idempotency-Key header, not several",
            ));
        }
        idempotency::parse_key(value.as_bytes()).map(|k| IdempotencyKey(Some(k)))
    }
}

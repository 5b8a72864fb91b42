//! `POST /api/v1/requests`: customer intake from a website widget or a telephony system,
//! authenticated by the team's intake key. An `Idempotency-Key` makes a retry safe: the same key
//! answers the first answer again (src/store/idempotency.rs).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use headsup_protocol::lds::NewRequest;
use headsup_protocol::ErrorCode;

use super::body::{bearer, idempotency_key, json};
use crate::error::LdsError;
use crate::server::AppState;
use crate::store::accounts::{self, Team};
use crate::store::requests;

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, LdsError> {
    let team = team_of(&state, &headers).await?;
    if !state.limits.intake(team.id.0) {
        state.store.metrics.rate_limited.inc();
        return Err(LdsError::new(
            ErrorCode::RateLimited,
            "too many requests for this team; retry later",
        ));
    }
    let key = idempotency_key(&headers)?;
    let new: NewRequest = json(body)?;
    let answer = requests::intake_answer(&state.store, &team, new, key.as_deref())
        .await?
        .answer();
    let status = StatusCode::from_u16(answer.status).map_err(anyhow::Error::from)?;
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        answer.body,
    )
        .into_response();
    if answer.replayed {
        // Stripe's header: this answer is the stored one, no new request was made.
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The team whose intake key is in `Authorization: Bearer`.
pub async fn team_of(state: &AppState, headers: &HeaderMap) -> Result<Team, LdsError> {
    let key = bearer(headers)
        .ok_or_else(|| LdsError::new(ErrorCode::InvalidIntakeKey, "missing intake key"))?;
    accounts::team_by_intake_key(&state.store.db, key)
        .await?
        .ok_or_else(|| LdsError::new(ErrorCode::InvalidIntakeKey, "unknown intake key"))
}

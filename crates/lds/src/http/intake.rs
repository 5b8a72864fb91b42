//! `POST /api/v1/requests`: customer intake from a website widget or a telephony system,
//! authenticated by the team's intake key.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use headsup_protocol::lds::{NewRequest, NewRequestResponse};
use headsup_protocol::ErrorCode;

use super::body::{bearer, json};
use crate::error::LdsError;
use crate::server::AppState;
use crate::store::accounts::{self, Team};
use crate::store::requests;

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<NewRequestResponse>), LdsError> {
    let team = team_of(&state, &headers).await?;
    if !state.limits.intake(team.id.0) {
        state.store.metrics.rate_limited.inc();
        return Err(LdsError::new(
            ErrorCode::RateLimited,
            "too many requests for this team; retry later",
        ));
    }
    let new: NewRequest = json(body)?;
    let request = requests::intake(&state.store, &team, new).await?;
    Ok((StatusCode::CREATED, Json(NewRequestResponse { request })))
}

/// The team whose intake key is in `Authorization: Bearer`.
pub async fn team_of(state: &AppState, headers: &HeaderMap) -> Result<Team, LdsError> {
    let key = bearer(headers)
        .ok_or_else(|| LdsError::new(ErrorCode::InvalidIntakeKey, "missing intake key"))?;
    accounts::team_by_intake_key(&state.store.db, key)
        .await?
        .ok_or_else(|| LdsError::new(ErrorCode::InvalidIntakeKey, "unknown intake key"))
}

//! `GET /api/v1/call-cases/{id}/voicemail`: a case's recording, for an agent who may work the
//! case (their session token in `Authorization: Bearer`; `not_found` otherwise, as for a case
//! that does not exist).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use headsup_protocol::{CallCaseId, ErrorCode};

use super::extract::BearerToken;
use crate::app::AppState;
use crate::domain::{accounts, call_cases::voicemail};
use crate::error::LdsError;

pub(crate) async fn fetch(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    path: Result<Path<i64>, PathRejection>,
) -> Result<Response, LdsError> {
    let agent = accounts::authenticate(&state.store.db, &crate::auth::digest(&token)).await?;
    let Path(id) =
        path.map_err(|_| LdsError::new(ErrorCode::BadRequest, "the case id is a 64-bit integer"))?;
    let (content_type, audio) = voicemail::fetch(&state.store, &agent, CallCaseId(id)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        audio,
    )
        .into_response())
}

//! `POST /api/v1/requests/{id}/cancel`: the customer hung up or closed the widget. Authenticated
//! by the team's intake key, like intake: whoever may create a team's requests may withdraw them.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use headsup_protocol::lds::CancelResponse;
use headsup_protocol::{ErrorCode, RequestId};

use super::intake::team_of;
use crate::error::LdsError;
use crate::server::AppState;
use crate::store::cancel;

pub async fn cancel(
    State(state): State<AppState>,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
) -> Result<Json<CancelResponse>, LdsError> {
    let team = team_of(&state, &headers).await?;
    let Path(id) =
        id.map_err(|_| LdsError::new(ErrorCode::BadRequest, "the request id is an integer"))?;
    let request = cancel::cancel(&state.store, &team, RequestId(id)).await?;
    tracing::debug!(request = %request.id, "cancelled by the customer");
    Ok(Json(CancelResponse { request }))
}

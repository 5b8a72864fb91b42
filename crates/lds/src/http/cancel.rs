//! `POST /api/v1/requests/{id}/cancel`: the customer hung up or closed the widget. Authenticated
//! by the team's intake key, like intake: whoever may create a team's requests may withdraw them.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use headsup_protocol::lds::CancelResponse;
use headsup_protocol::{ErrorCode, RequestId};

use super::extract::{IntakeTeam, Json};
use crate::app::AppState;
use crate::domain::requests::cancel;
use crate::error::LdsError;

pub(crate) async fn cancel(
    State(state): State<AppState>,
    IntakeTeam(team, _): IntakeTeam,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<CancelResponse>, LdsError> {
    let Path(id) =
        id.map_err(|_| LdsError::new(ErrorCode::BadRequest, "the request id is an integer"))?;
    let (request, published) = cancel::cancel(&state.store, &team, RequestId(id)).await?;
    state.fanout.publish(published).await;
    tracing::debug!(request = %request.id, "cancelled by the customer");
    Ok(Json(CancelResponse { request }))
}

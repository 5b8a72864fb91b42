//! `POST /api/v1/chat`: a customer starts a chat from the widget, with the queue's intake key.
//! The answer carries the customer's token for this conversation, once.

use axum::extract::State;
use axum::http::StatusCode;
use headsup_protocol::chat::{ChatStarted, StartChat};
use headsup_protocol::ErrorCode;

use crate::app::AppState;
use crate::domain::conversations::customer;
use crate::error::LdsError;
use crate::http::extract::{IntakeTeam, Json};

pub(crate) async fn start(
    State(state): State<AppState>,
    IntakeTeam(team, key_queue): IntakeTeam,
    body: Result<Json<StartChat>, LdsError>,
) -> Result<(StatusCode, axum::Json<ChatStarted>), LdsError> {
    if !state.limits.intake(team.id.0) {
        state.metrics.rate_limited.inc();
        return Err(LdsError::new(
            ErrorCode::RateLimited,
            "too many requests for this team; retry later",
        ));
    }
    let Json(start) = body?;
    let (started, published) =
        customer::start(&state.store, &team, key_queue.as_ref(), start).await?;
    state.fanout.publish(published).await;
    Ok((StatusCode::CREATED, axum::Json(started)))
}

//! `POST /api/v1/requests`: customer intake from a website widget or a telephony system,
//! authenticated by the team's intake key. An `Idempotency-Key` makes a retry safe: the same key
//! answers the first answer again (src/domain/requests/idempotency.rs).

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use headsup_protocol::lds::NewRequest;
use headsup_protocol::ErrorCode;

use super::extract::{IdempotencyKey, IntakeTeam, Json};
use crate::app::AppState;
use crate::domain::requests;
use crate::error::LdsError;

/// Refusals in the documented order: the intake key, the team's rate, the `Idempotency-Key`,
/// then the body.
pub(crate) async fn create(
    State(state): State<AppState>,
    IntakeTeam(team, key_queue): IntakeTeam,
    key: Result<IdempotencyKey, LdsError>,
    body: Result<Json<NewRequest>, LdsError>,
) -> Result<Response, LdsError> {
    if !state.limits.intake(team.id.0) {
        state.metrics.rate_limited.inc();
        return Err(LdsError::new(
            ErrorCode::RateLimited,
            "too many requests for this team; retry later",
        ));
    }
    let IdempotencyKey(key) = key?;
    let Json(new) = body?;
    let (intake, published) =
        requests::intake_answer(&state.store, &team, key_queue.as_ref(), new, key.as_deref())
            .await?;
    state.fanout.publish(published).await;
    let answer = intake.answer();
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

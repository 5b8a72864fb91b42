//! The HTTP surface: health, metrics, sign-in, customer intake, the telephony simulator and the
//! WebSocket upgrade. Every error body is `{"error": {"code", "message"}}` (`docs/protocol.md`).

mod body;
mod cancel;
mod intake;
mod login;
pub mod openapi;
mod reply;
mod sim;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use headsup_protocol::lds::MAX_FRAME_BYTES;
use headsup_protocol::ErrorCode;

use crate::error::LdsError;
use crate::server::AppState;

pub use body::bearer;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/api/v1/login", post(login::login))
        .route("/api/v1/logout", post(login::logout))
        .route("/api/v1/requests", post(intake::create))
        .route("/api/v1/requests/{id}/cancel", post(cancel::cancel))
        .route("/api/v1/sim/sessions/{session}/legs/{leg}", post(sim::leg))
        .route("/api/v1/agent/ws", get(crate::ws::upgrade))
        .route(openapi::PATH, get(openapi::serve))
        .fallback(not_found)
        // Bodies are small JSON documents; the same limit as a WebSocket frame.
        .layer(DefaultBodyLimit::max(MAX_FRAME_BYTES))
        .with_state(state)
}

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match sqlx::query("SELECT 1").execute(&state.store.db.pool).await {
        Ok(_) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response(),
        Err(e) => LdsError::Internal(anyhow::anyhow!("health check: {e}")).into_response(),
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    state
        .store
        .metrics
        .ws_connections
        .set(state.store.hub.connection_count() as i64);
    (
        [("content-type", "text/plain; version=0.0.4")],
        state.store.metrics.render(),
    )
}

async fn not_found() -> LdsError {
    LdsError::new(ErrorCode::NotFound, "no such endpoint")
}

//! The HTTP surface: health, metrics, sign-in, customer intake, the telephony simulator and the
//! WebSocket upgrade. Every error body is `{"error": {"code", "message"}}` (`docs/protocol.md`).

pub(crate) mod attachments;
mod cancel;
pub(crate) mod extract;
mod intake;
mod login;
pub(crate) mod openapi;
mod reply;
mod sim;
mod sim_voicemail;
mod sim_whatsapp;
mod voicemail;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use headsup_protocol::lds::MAX_FRAME_BYTES;
use headsup_protocol::ErrorCode;

use crate::app::AppState;
use crate::error::LdsError;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/api/v1/login", post(login::login))
        .route("/api/v1/logout", post(login::logout))
        .route("/api/v1/requests", post(intake::create))
        .route("/api/v1/requests/{id}/cancel", post(cancel::cancel))
        .route("/api/v1/sim/sessions/{session}/legs/{leg}", post(sim::leg))
        .route("/api/v1/sim/whatsapp/messages", post(sim_whatsapp::message))
        .route("/api/v1/sim/whatsapp/receipts", post(sim_whatsapp::receipt))
        .route(
            "/api/v1/sim/call-cases/{case}/voicemail",
            post(sim_voicemail::leave),
        )
        .route("/api/v1/call-cases/{case}/voicemail", get(voicemail::fetch))
        .route("/api/v1/agent/ws", get(crate::ws::upgrade))
        .route(openapi::PATH, get(openapi::serve))
        .fallback(not_found)
        // axum keeps its `Allow` header on these answers.
        .method_not_allowed_fallback(method_not_allowed)
        // Bodies are small JSON documents; the same limit as a WebSocket frame.
        .layer(DefaultBodyLimit::max(MAX_FRAME_BYTES))
        .with_state(state)
}

/// `200` while the database takes writes; `503 storage_unavailable` while it cannot store them
/// (a full disk), `500 internal` for any other failure.
async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.db.probe_write().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response(),
        Err(e) => LdsError::Internal(e.context("health check")).into_response(),
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    state
        .metrics
        .ws_connections
        .set(state.fanout.hub.connection_count() as i64);
    (
        [("content-type", "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

async fn method_not_allowed() -> LdsError {
    LdsError::new(
        ErrorCode::MethodNotAllowed,
        "this endpoint does not take this method (see the Allow header)",
    )
}

async fn not_found() -> LdsError {
    LdsError::new(ErrorCode::NotFound, "no such endpoint")
}

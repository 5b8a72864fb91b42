//! The customer's side of chats, an edge like `http` and `ws`: the widget's page and script
//! (`widget`), `POST /api/v1/chat` to start a chat (`start`), the customer's WebSocket
//! (`socket`, woken by `fanout::chat_hub` when its conversation changes). The rules are the
//! domain's (`domain::conversations`).

mod socket;
mod start;
mod widget;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use headsup_protocol::lds::MAX_FRAME_BYTES;

use crate::app::AppState;

/// The customer's routes (merged beside `http::router`'s, which has the fallback).
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/chat", get(widget::page))
        .route("/chat/widget.js", get(widget::script))
        .route("/chat/widget.css", get(widget::style))
        .route("/api/v1/chat", post(start::start))
        .route("/api/v1/chat/ws", get(socket::upgrade))
        .layer(DefaultBodyLimit::max(MAX_FRAME_BYTES))
        .with_state(state)
}

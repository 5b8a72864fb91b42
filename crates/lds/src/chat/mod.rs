//! The customer's side of chats, an edge like `http` and `ws`: the widget's page and script
//! (`widget`), `POST /api/v1/chat` to start a chat (`start`), the customer's WebSocket
//! (`socket`), and the hub that wakes a customer's sockets when their conversation changes
//! (`hub`). The rules are the domain's (`domain::conversations`).

pub(crate) mod hub;
mod socket;
mod start;
mod widget;

use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;

pub(crate) use hub::ChatHub;

/// The customer's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/chat", get(widget::page))
        .route("/chat/widget.js", get(widget::script))
        .route("/chat/widget.css", get(widget::style))
        .route("/api/v1/chat", post(start::start))
        .route("/api/v1/chat/ws", get(socket::upgrade))
}

//! `GET /api/v1/agent/ws`: the agent's WebSocket. The upgrade checks the `Origin` allowlist; the
//! token arrives in the first frame (`hello`), never in the URL, so it never lands in access logs.

mod commands;
mod connection;
mod frames;
pub mod token_watch;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use headsup_protocol::lds::MAX_FRAME_BYTES;
use headsup_protocol::ErrorCode;

use crate::error::LdsError;
use crate::server::AppState;

/// Messages up to this size are read and refused with `too_large`; larger ones end the
/// connection (close code 1009) without being buffered.
pub const TRANSPORT_LIMIT_BYTES: usize = 4 * MAX_FRAME_BYTES;
/// The read buffer of each socket. tungstenite zero-fills the free part of this buffer on every
/// read attempt, including those that find nothing, and a connection's task tries a read each
/// time it wakes to send an event: at the default 128 KiB that memset was a quarter of the
/// server's CPU in a 1,000-agent fan-out. Client frames are a few hundred bytes; a larger
/// message still arrives (the buffer grows for it).
const READ_BUFFER_BYTES: usize = 1024;

pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if let Some(origin) = headers.get("origin") {
        let allowed = origin
            .to_str()
            .is_ok_and(|o| state.config.allowed_origins.iter().any(|a| a == o));
        if !allowed {
            return LdsError::new(
                ErrorCode::OriginNotAllowed,
                "this Origin may not open an agent WebSocket",
            )
            .into_response();
        }
    }
    ws.read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(TRANSPORT_LIMIT_BYTES)
        .max_frame_size(TRANSPORT_LIMIT_BYTES)
        .on_upgrade(move |socket| connection::run(state, socket))
}

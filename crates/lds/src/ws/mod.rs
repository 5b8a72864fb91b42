//! `GET /api/v1/agent/ws`: the agent's WebSocket. The upgrade checks the `Origin` allowlist; the
//! token arrives in the first frame (`hello`), never in the URL, so it never lands in access logs.
//!
//! The upgrade is done here rather than by axum's extractor because the connection needs its
//! TCP socket as well as the upgraded stream: the hub's fan-out writes event frames straight
//! into it (see `fanout/outlet.rs`).

mod case_commands;
mod commands;
mod connection;
mod duplex;
mod frames;
pub(crate) mod token_watch;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use headsup_protocol::lds::MAX_FRAME_BYTES;
use headsup_protocol::ErrorCode;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;

use crate::app::{AppState, PeerSocket};
use crate::error::LdsError;
use crate::fanout::outlet;

/// Messages up to this size are read and refused with `too_large`; larger ones end the
/// connection (close code 1009) without being buffered.
pub(crate) const TRANSPORT_LIMIT_BYTES: usize = 4 * MAX_FRAME_BYTES;
/// The read buffer of each socket. tungstenite zero-fills the free part of this buffer on every
/// read attempt, including those that find nothing: at the default 128 KiB that memset was a
/// quarter of the server's CPU in a 1,000-agent fan-out. Client frames are a few hundred bytes;
/// a larger message still arrives (the buffer grows for it).
const READ_BUFFER_BYTES: usize = 1024;

pub(crate) async fn upgrade(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<PeerSocket>,
    mut request: Request,
) -> Response {
    let headers = request.headers();
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
    let Some(accept) = accept_key(headers) else {
        return LdsError::new(
            ErrorCode::BadRequest,
            "not a WebSocket upgrade (RFC 6455: Upgrade, Connection, Sec-WebSocket-Version 13 and -Key)",
        )
        .into_response();
    };
    let Some(on_upgrade) = request
        .extensions_mut()
        .remove::<hyper::upgrade::OnUpgrade>()
    else {
        return LdsError::new(ErrorCode::BadRequest, "this connection cannot be upgraded")
            .into_response();
    };
    tokio::spawn(async move {
        let upgraded = match on_upgrade.await {
            Ok(upgraded) => upgraded,
            Err(e) => {
                tracing::debug!("WebSocket upgrade failed: {e}");
                return;
            }
        };
        // SAFETY: `peer.fd` is this request's TCP socket (recorded when hyper accepted it), and
        // `upgraded` owns it. The duplex shuts the outlet before it drops `upgraded`, and
        // nothing else keeps the outlet writing (the hub's copy only writes while it is open).
        let metrics = &state.metrics;
        let counters = outlet::SlowClientCounters {
            writes_queued: metrics.ws_writes_queued.clone(),
            events_left_to_log: metrics.ws_events_left_to_log.clone(),
        };
        let outlet = unsafe { outlet::Outlet::new(peer.fd, counters) };
        let duplex = duplex::Duplex::new(upgraded, outlet.clone());
        let config = WebSocketConfig::default()
            .read_buffer_size(READ_BUFFER_BYTES)
            .max_message_size(Some(TRANSPORT_LIMIT_BYTES))
            .max_frame_size(Some(TRANSPORT_LIMIT_BYTES));
        let socket = WebSocketStream::from_raw_socket(duplex, Role::Server, Some(config)).await;
        connection::run(state, socket, outlet).await;
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::CONNECTION, "upgrade")
        .header(header::UPGRADE, "websocket")
        .header(header::SEC_WEBSOCKET_ACCEPT, accept)
        .body(Body::empty())
        .expect("a valid response")
}

/// The `Sec-WebSocket-Accept` value for a valid upgrade request (RFC 6455 §4.2.1), else `None`.
pub(crate) fn accept_key(headers: &HeaderMap) -> Option<String> {
    let has_token = |name: header::HeaderName, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        })
    };
    let version_13 = headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_some_and(|v| v == "13");
    let key = headers.get(header::SEC_WEBSOCKET_KEY)?;
    (has_token(header::CONNECTION, "upgrade")
        && has_token(header::UPGRADE, "websocket")
        && version_13)
        .then(|| derive_accept_key(key.as_bytes()))
}

//! The accept loop: every TCP connection the server holds is counted against a cap, and one
//! that sends no request, or sends its request head too slowly (slowloris), is closed, so a
//! few thousand idle sockets cannot use up the descriptors agents need to sign in.
//!
//! axum's own `serve` sets no timer on hyper (so no header-read timeout) and no cap: this loop
//! serves the same router with hyper's HTTP/1 connection builder instead, keeping the upgrade
//! path the agent WebSocket takes (`ws::upgrade`) and the socket it needs ([`PeerSocket`]).

use std::io;
use std::os::fd::AsRawFd;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use headsup_protocol::error::ErrorBody;
use headsup_protocol::ErrorCode;
use http_body::Body as _;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use prometheus::IntGauge;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::body_deadline::BodyWithin;
use crate::app::{PeerSocket, SOCKET_SEND_BUFFER_BYTES};
use crate::config::ConnectionLimits;
use crate::metrics::Metrics;

pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    metrics: Arc<Metrics>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    loop {
        let (stream, addr) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                accept_failed(e).await;
                continue;
            }
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            metrics.connections_refused.inc();
            refuse(stream);
            continue;
        };
        // No Nagle: an event frame must leave now, not after the previous one's ACK.
        let _ = stream.set_nodelay(true);
        let _ = socket2::SockRef::from(&stream).set_send_buffer_size(SOCKET_SEND_BUFFER_BYTES);
        let peer = PeerSocket {
            addr,
            fd: stream.as_raw_fd(),
        };
        let slot = Slot::new(permit, metrics.tcp_connections.clone());
        let (app, http, metrics) = (app.clone(), http.clone(), metrics.clone());
        tokio::spawn(async move {
            serve_connection(stream, slot, peer, app, http, limits, &metrics).await;
        });
    }
}

async fn serve_connection(
    stream: TcpStream,
    slot: Slot,
    peer: PeerSocket,
    app: Router,
    http: http1::Builder,
    limits: ConnectionLimits,
    metrics: &Metrics,
) {
    // hyper's header timer runs only once a request has begun: wait for its first byte here.
    let mut first = [0u8; 1];
    match tokio::time::timeout(limits.first_request_within, stream.peek(&mut first)).await {
        Ok(Ok(n)) if n > 0 => {}
        Ok(_) => return,
        Err(_) => {
            metrics.connections_timed_out.inc();
            return;
        }
    }
    let tower = TowerToHyperService::new(app);
    let body_within = limits.header_read_timeout;
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        // A chat file may take longer than a JSON body to arrive over a slow link.
        let within = if crate::http::attachments::is_upload(request.uri().path()) {
            body_within.max(crate::http::attachments::UPLOAD_WITHIN)
        } else {
            body_within
        };
        let request = request.map(|body| {
            if body.is_end_stream() {
                axum::body::Body::new(body)
            } else {
                axum::body::Body::new(BodyWithin::new(body, within))
            }
        });
        hyper::service::Service::call(&tower, request)
    });
    // The slot goes with the socket: an upgraded WebSocket keeps it until it is dropped.
    let io = TokioIo::new(Counted {
        io: stream,
        _slot: slot,
    });
    if let Err(e) = http.serve_connection(io, service).with_upgrades().await {
        if e.is_timeout() {
            metrics.connections_timed_out.inc();
        }
        tracing::debug!(peer = %peer.addr, "HTTP connection ended: {e}");
    }
}

/// Answers `503 too_many_connections` on a connection over the cap and closes it, without
/// waiting for it: whatever the client has sent is read first, so the close is a FIN the
/// client can read the answer before, not a reset.
fn refuse(stream: TcpStream) {
    let body = serde_json::to_string(&ErrorBody::new(
        ErrorCode::TooManyConnections,
        "the server has as many connections open as it may; retry later",
    ))
    .expect("an error body serializes");
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nretry-after: 5\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut sink = [0u8; 4096];
    while matches!(stream.try_read(&mut sink), Ok(n) if n > 0) {}
    let _ = stream.try_write(answer.as_bytes());
}

/// Out of descriptors (or another error of the listener, not of one connection): wait a moment
/// rather than spin, as the connections that hold them may close.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!("accepting a connection failed: {e}");
    tokio::time::sleep(Duration::from_millis(200)).await;
}

/// One place under the cap, given back when the connection's socket is dropped.
struct Slot {
    _permit: OwnedSemaphorePermit,
    open: IntGauge,
}

impl Slot {
    fn new(permit: OwnedSemaphorePermit, open: IntGauge) -> Slot {
        open.inc();
        Slot {
            _permit: permit,
            open,
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.open.dec();
    }
}

/// A connection's socket with its [`Slot`].
struct Counted {
    io: TcpStream,
    _slot: Slot,
}

impl AsyncRead for Counted {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

//! The two network calls to the LDS: login over HTTP and opening the agent WebSocket.

use headsup_core::LoginFailure;
use headsup_protocol::error::ErrorBody;
use headsup_protocol::lds::{LoginRequest, LoginResponse};
use headsup_protocol::ErrorCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

/// Longest wait for TCP + TLS + the WebSocket upgrade. Well above a slow mobile link's handshake;
/// short enough that a black-holed server is retried on the core's backoff schedule.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// `POST {lds_url}/api/v1/login`.
pub async fn login(
    http: &reqwest::Client,
    lds_url: &str,
    email: String,
    password: String,
) -> Result<LoginResponse, LoginFailure> {
    let url = format!("{}/api/v1/login", lds_url.trim_end_matches('/'));
    let response = http
        .post(url)
        .json(&LoginRequest { email, password })
        .send()
        .await
        .map_err(|e| LoginFailure::Unreachable(without_url(e)))?;
    if response.status().is_success() {
        return response
            .json::<LoginResponse>()
            .await
            .map_err(|e| LoginFailure::Unreachable(without_url(e)));
    }
    let status = response.status();
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(LoginFailure::Refused {
            code: body.error.code,
            message: body.error.message,
        }),
        Err(_) => Err(LoginFailure::Refused {
            code: ErrorCode::Internal,
            message: format!("The server answered {status}."),
        }),
    }
}

/// The error and its causes, without the URL: "error sending request" alone does not tell an
/// agent (or whoever reads the log) that the certificate was refused; the chain does.
fn without_url(e: reqwest::Error) -> String {
    error_chain(&e.without_url())
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Some errors repeat their cause in their own message.
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The HTTP client for login, over the driver's TLS configuration.
pub fn http_client(tls: Arc<rustls::ClientConfig>) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .use_preconfigured_tls((*tls).clone())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(2 * CONNECT_TIMEOUT)
        .build()
        .map_err(|e| error_chain(&e))
}

/// The agent WebSocket URL for an LDS base URL: `http://h:p` → `ws://h:p/api/v1/agent/ws`,
/// `https` → `wss`. The token is never in it: it goes in the `hello` frame.
pub fn ws_url(lds_url: &str) -> String {
    let base = lds_url.trim_end_matches('/');
    let base = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        base.to_string()
    };
    format!("{base}/api/v1/agent/ws")
}

/// Opens the agent socket; `wss://` (from an `https://` LDS URL) goes through `tls`. Bounded by
/// [`CONNECT_TIMEOUT`] so a server that accepts TCP but never answers the handshake is an error
/// the core can retry, not a hang.
pub async fn connect(lds_url: &str, tls: Arc<rustls::ClientConfig>) -> Result<Socket, String> {
    let connector = Connector::Rustls(tls);
    let opening = tokio_tungstenite::connect_async_tls_with_config(
        ws_url(lds_url),
        None,
        false,
        Some(connector),
    );
    let (socket, _response) = tokio::time::timeout(CONNECT_TIMEOUT, opening)
        .await
        .map_err(|_| format!("no answer from the LDS within {CONNECT_TIMEOUT:?}"))?
        .map_err(|e| error_chain(&e))?;
    Ok(socket)
}

#[cfg(test)]
mod tests {
    use super::ws_url;

    #[test]
    fn ws_url_follows_the_scheme() {
        assert_eq!(
            ws_url("http://127.0.0.1:7700"),
            "ws://127.0.0.1:7700/api/v1/agent/ws"
        );
        assert_eq!(
            ws_url("https://lds.example/"),
            "wss://lds.example/api/v1/agent/ws"
        );
    }
}

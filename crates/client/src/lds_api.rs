//! The two network calls to the LDS: login over HTTP and opening the agent WebSocket.

use headsup_core::LoginFailure;
use headsup_protocol::error::ErrorBody;
use headsup_protocol::lds::{LoginRequest, LoginResponse};
use headsup_protocol::ErrorCode;
use tokio::net::TcpStream;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

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

fn without_url(e: reqwest::Error) -> String {
    e.without_url().to_string()
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

pub async fn connect(lds_url: &str) -> Result<Socket, String> {
    let (socket, _response) = tokio_tungstenite::connect_async(ws_url(lds_url))
        .await
        .map_err(|e| e.to_string())?;
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

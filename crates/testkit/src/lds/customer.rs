//! A customer's chat widget for tests: `POST /api/v1/chat`, then the customer's WebSocket,
//! speaking the protocol as the widget does.

use std::collections::VecDeque;

use anyhow::{anyhow, Result};
use futures_util::{SinkExt, StreamExt};
use headsup_protocol::chat::{ChatStarted, CustomerFrame, CustomerServerFrame, StartChat};
use headsup_protocol::MessageId;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::server::http;
use crate::PATIENCE;

pub struct CustomerConn {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pending: VecDeque<CustomerServerFrame>,
    /// Every frame's text as received.
    pub received: Vec<String>,
}

/// `POST {base}/api/v1/chat` with the intake key: the raw response.
pub async fn start_chat(base: &str, key: &str, start: &StartChat) -> reqwest::Response {
    http()
        .post(format!("{base}/api/v1/chat"))
        .bearer_auth(key)
        .json(start)
        .send()
        .await
        .expect("the LDS answers")
}

/// Starts a chat that must be accepted: its conversation and token.
pub async fn started(base: &str, key: &str, name: &str, text: Option<&str>) -> ChatStarted {
    let start = StartChat {
        name: name.into(),
        text: text.map(str::to_string),
        client_id: text.map(|_| "c-first".to_string()),
    };
    let resp = start_chat(base, key, &start).await;
    assert_eq!(resp.status(), 201, "the chat starts");
    resp.json().await.expect("a ChatStarted body")
}

impl CustomerConn {
    /// Opens the customer's socket and says hello; the welcome is the first frame read.
    pub async fn connect(
        base: &str,
        token: &str,
        after: Option<MessageId>,
    ) -> Result<CustomerConn> {
        let url = format!("{}/api/v1/chat/ws", base.replacen("http", "ws", 1));
        let (ws, _) = tokio_tungstenite::connect_async(url).await?;
        let mut conn = CustomerConn {
            ws,
            pending: VecDeque::new(),
            received: Vec::new(),
        };
        conn.send(&CustomerFrame::Hello {
            token: token.into(),
            after,
        })
        .await?;
        Ok(conn)
    }

    pub async fn send(&mut self, frame: &CustomerFrame) -> Result<()> {
        self.ws
            .send(Message::text(serde_json::to_string(frame)?))
            .await?;
        Ok(())
    }

    /// Writes a message under `client_id`.
    pub async fn write(&mut self, client_id: &str, body: &str) -> Result<()> {
        self.send(&CustomerFrame::Send {
            client_id: client_id.into(),
            body: body.into(),
            attachment: None,
        })
        .await
    }

    async fn read(&mut self) -> Result<CustomerServerFrame> {
        if let Some(f) = self.pending.pop_front() {
            return Ok(f);
        }
        loop {
            let msg = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .map_err(|_| anyhow!("no frame within {PATIENCE:?}"))?
                .ok_or_else(|| anyhow!("socket closed"))??;
            if let Message::Text(t) = msg {
                self.received.push(t.to_string());
                return Ok(serde_json::from_str(&t)?);
            }
        }
    }

    /// The first frame that matches; the others stay for later reads.
    pub async fn wait(
        &mut self,
        want: impl Fn(&CustomerServerFrame) -> bool,
    ) -> Result<CustomerServerFrame> {
        let mut skipped = VecDeque::new();
        let found = loop {
            match self.read().await {
                Ok(f) if want(&f) => break Ok(f),
                Ok(f) => skipped.push_back(f),
                Err(e) => break Err(e),
            }
        };
        skipped.append(&mut self.pending);
        self.pending = skipped;
        found
    }

    /// Every frame that arrives until `quiet` passes with none.
    pub async fn read_for(&mut self, quiet: std::time::Duration) -> Vec<CustomerServerFrame> {
        let mut frames: Vec<_> = self.pending.drain(..).collect();
        while let Ok(Some(Ok(msg))) = tokio::time::timeout(quiet, self.ws.next()).await {
            if let Message::Text(t) = msg {
                self.received.push(t.to_string());
                if let Ok(f) = serde_json::from_str(&t) {
                    frames.push(f);
                }
            }
        }
        frames
    }
}

//! One agent WebSocket: `hello`, then resume or snapshot, then events and commands until either
//! side goes away.
//!
//! Delivery rule: `sent` is the newest sequence this connection has written to the socket. An
//! event is sent only if it is `sent + 1`; anything else (a gap after a dropped push, an event
//! written by another process) is read from the durable log. So the client sees every event
//! once, in order, whatever the hub does.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use chrono::Utc;
use futures_util::{SinkExt, StreamExt};
use headsup_protocol::lds::{
    ClientFrame, ServerFrame, DEAD_AFTER_SECS, HEARTBEAT_SECS, PROTOCOL_VERSION,
};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::ErrorCode;

use super::{commands, frames};
use crate::auth;
use crate::error::LdsError;
use crate::hub::{Push, Subscription};
use crate::server::AppState;
use crate::store::{accounts, snapshot};

/// A client that opens a socket and says nothing is dropped after this.
const HELLO_WITHIN: Duration = Duration::from_secs(10);
const CATCH_UP_BATCH: i64 = 500;
/// Pushes written before one flush; bounds how long other connections wait for this task.
const MAX_PUSHES_PER_FLUSH: usize = 64;

enum Delivered {
    Sent,
    /// The token no longer holds: close with this error.
    Closed(ErrorCode, std::sync::Arc<str>),
}

/// One socket for both directions: a split socket would take a lock on every poll of either
/// half, once per event sent.
type Sink = WebSocket;

struct Conn {
    state: AppState,
    sink: Sink,
    agent: AgentInfo,
    sub: Subscription,
    sent: u64,
}

pub async fn run(state: AppState, socket: WebSocket) {
    let metrics = state.store.metrics.clone();
    metrics.ws_connections.inc();
    if let Some(mut conn) = handshake(state, socket).await {
        if let Err(e) = conn.serve().await {
            tracing::debug!(agent = %conn.agent.id, "connection ended: {e:#}");
        }
    }
    metrics.ws_connections.dec();
}

/// Reads `hello`, checks the token, subscribes, and brings the client up to date.
async fn handshake(state: AppState, mut sink: Sink) -> Option<Conn> {
    let first = tokio::time::timeout(HELLO_WITHIN, sink.next()).await;
    let text = match first {
        Ok(Some(Ok(Message::Text(t)))) => t,
        Ok(Some(Ok(Message::Binary(_)))) => {
            refuse(&mut sink, ErrorCode::BinaryFrame, "frames are JSON text").await;
            return None;
        }
        Ok(Some(Ok(_))) | Err(_) => {
            refuse(&mut sink, ErrorCode::HelloRequired, "send hello first").await;
            return None;
        }
        Ok(None) | Ok(Some(Err(_))) => return None,
    };
    let (token, last_seq, protocol) = match frames::parse(text.as_str()) {
        Ok(ClientFrame::Hello {
            token,
            last_seq,
            protocol,
            ..
        }) => (token, last_seq, protocol),
        Ok(_) => {
            refuse(
                &mut sink,
                ErrorCode::HelloRequired,
                "the first frame must be hello",
            )
            .await;
            return None;
        }
        Err(e) => {
            refuse(&mut sink, e.code, &e.message).await;
            return None;
        }
    };
    if protocol != PROTOCOL_VERSION {
        let msg = format!("this server speaks protocol {PROTOCOL_VERSION}");
        refuse(&mut sink, ErrorCode::BadRequest, &msg).await;
        return None;
    }
    let token_digest = auth::digest(&token);
    let agent = match authenticate(&state, &token_digest).await {
        Ok(a) => a,
        Err(e) => {
            refuse(&mut sink, e.code(), &e.public_message()).await;
            return None;
        }
    };
    // Subscribe before reading the log, so nothing committed in between is missed.
    let sub = state.store.hub.subscribe(agent.id, token_digest);
    let mut conn = Conn {
        state,
        sink,
        agent,
        sub,
        sent: 0,
    };
    match conn.bring_up_to_date(last_seq).await {
        Ok(()) => Some(conn),
        Err(e) => {
            tracing::warn!("handshake failed: {e:#}");
            None
        }
    }
}

async fn authenticate(state: &AppState, token_digest: &str) -> Result<AgentInfo, LdsError> {
    let mut db = state.store.db.pool.acquire().await?;
    let agent = accounts::check_token(&mut db, token_digest, Utc::now()).await?;
    Ok(accounts::agent_info(&mut db, agent).await?)
}

async fn refuse(sink: &mut Sink, code: ErrorCode, message: &str) {
    let frame = ServerFrame::Error {
        cid: None,
        code,
        message: message.to_string(),
    };
    let _ = sink.send(text(&frame)).await;
    let _ = sink
        .send(Message::Close(Some(CloseFrame {
            code: 1008, // policy violation
            reason: code.as_str().into(),
        })))
        .await;
}

fn text(frame: &ServerFrame) -> Message {
    Message::Text(
        serde_json::to_string(frame)
            .expect("frames serialize")
            .into(),
    )
}

impl Conn {
    /// `welcome`, then either exactly the events after `last_seq` or a snapshot.
    async fn bring_up_to_date(&mut self, last_seq: Option<u64>) -> anyhow::Result<()> {
        let metrics = self.state.store.metrics.clone();
        // Number whatever is committed (another process's entries on PostgreSQL), so the head
        // is at least what this client has seen.
        self.state.store.sync_log().await?;
        let (head, oldest) = self.state.store.bounds(self.agent.id).await?;
        let can_resume = last_seq.is_some_and(|n| {
            n <= head && (n == head || oldest.is_some_and(|oldest| oldest <= n + 1))
        });
        if let (true, Some(n)) = (can_resume, last_seq) {
            metrics.ws_resumes.inc();
            self.send(&self.welcome(true, head)).await?;
            self.sent = n;
            self.catch_up().await?;
        } else {
            metrics.ws_snapshots.inc();
            let snap = snapshot::build(&self.state.store, &self.agent).await?;
            let ServerFrame::Snapshot { seq, .. } = &snap else {
                unreachable!("snapshot::build returns a snapshot")
            };
            let seq = *seq;
            self.send(&self.welcome(false, seq)).await?;
            self.send(&snap).await?;
            self.sent = seq;
            // Events committed while the snapshot was built follow at once.
            self.catch_up().await?;
        }
        Ok(())
    }

    fn welcome(&self, resumed: bool, head_seq: u64) -> ServerFrame {
        ServerFrame::Welcome {
            agent: self.agent.clone(),
            protocol: PROTOCOL_VERSION,
            resumed,
            head_seq,
            server_time: Utc::now(),
            heartbeat_secs: HEARTBEAT_SECS,
        }
    }

    async fn serve(&mut self) -> anyhow::Result<()> {
        // Each connection starts its period at a random phase: connections opened together
        // (a server restart, a load test) would otherwise ping and check the log all in the
        // same instant, every period.
        let period = Duration::from_secs(HEARTBEAT_SECS);
        let phase = period.mul_f64(rand::random::<f64>());
        let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + phase, period);
        let mut last_heard = Instant::now();
        loop {
            tokio::select! {
                incoming = self.sink.next() => {
                    let Some(Ok(message)) = incoming else { return Ok(()) };
                    last_heard = Instant::now();
                    match message {
                        Message::Text(t) => self.on_text(t.as_str()).await?,
                        Message::Binary(_) => {
                            let frame = commands::error(None, LdsError::new(
                                ErrorCode::BinaryFrame, "frames are JSON text"));
                            self.send(&frame).await?;
                        }
                        Message::Close(_) => return Ok(()),
                        Message::Ping(_) | Message::Pong(_) => {}
                    }
                }
                push = self.sub.rx.recv() => {
                    if let Delivered::Closed(code, message) = self.deliver(push).await? {
                        refuse(&mut self.sink, code, &message).await;
                        return Ok(());
                    }
                }
                _ = heartbeat.tick() => {
                    if last_heard.elapsed() > Duration::from_secs(DEAD_AFTER_SECS) {
                        anyhow::bail!("no frame or pong for {DEAD_AFTER_SECS} s: connection dead");
                    }
                    self.sink.send(Message::Ping(Vec::new().into())).await?;
                    // The token is re-checked for every connection at once by `token_watch`.
                    // Catches what no push announced (a full queue, a write by another process
                    // on SQLite, a lost NOTIFY).
                    self.sub.lagged.store(false, Ordering::Relaxed);
                    self.catch_up().await?;
                }
            }
            if self.sub.lagged.swap(false, Ordering::Relaxed) {
                self.catch_up().await?;
            }
        }
    }

    async fn on_text(&mut self, text: &str) -> anyhow::Result<()> {
        let answer = match frames::parse(text) {
            Ok(frame) => commands::handle(&self.state, &self.agent, frame).await,
            Err(e) => ServerFrame::Error {
                cid: e.cid,
                code: e.code,
                message: e.message,
            },
        };
        self.send(&answer).await
    }

    /// Writes `first` and every other push already queued, then flushes once: when several
    /// events are waiting (an offer and a `taken`, a burst of intakes) they leave in one write
    /// instead of one system call each. `None` (the hub let go of this connection) ends it like
    /// a revoked token.
    async fn deliver(&mut self, first: Option<Push>) -> anyhow::Result<Delivered> {
        let mut next = first;
        if next.is_none() {
            return Ok(Delivered::Closed(
                ErrorCode::TokenRevoked,
                "signed out".into(),
            ));
        }
        let mut gap = false;
        let mut written = 0;
        while let Some(push) = next.take() {
            match push {
                Push::Event { seq, event } if seq == self.sent + 1 && !gap => {
                    self.sink
                        .feed(Message::Text(event.frame(seq).into()))
                        .await?;
                    self.sent = seq;
                    written += 1;
                }
                // Already sent (from the log during catch-up).
                Push::Event { seq, .. } if seq <= self.sent => {}
                // A gap: the log has it all, in order.
                Push::Event { .. } => gap = true,
                Push::Closed(code, message) => return Ok(Delivered::Closed(code, message)),
            }
            if written < MAX_PUSHES_PER_FLUSH {
                next = self.sub.rx.try_recv().ok();
            }
        }
        self.sink.flush().await?;
        if gap {
            self.catch_up().await?;
        }
        Ok(Delivered::Sent)
    }

    /// Sends every logged event after `sent`, in order.
    async fn catch_up(&mut self) -> anyhow::Result<()> {
        loop {
            let batch = self
                .state
                .store
                .read_after(self.agent.id, self.sent, CATCH_UP_BATCH)
                .await?;
            let done = (batch.len() as i64) < CATCH_UP_BATCH;
            for (seq, text) in batch {
                self.sink.feed(Message::Text(text.into())).await?;
                self.sent = seq;
            }
            self.sink.flush().await?;
            if done {
                return Ok(());
            }
        }
    }

    async fn send(&mut self, frame: &ServerFrame) -> anyhow::Result<()> {
        self.sink.send(text(frame)).await?;
        Ok(())
    }
}

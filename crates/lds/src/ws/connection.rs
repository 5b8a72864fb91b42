//! One agent WebSocket: `hello`, then resume or snapshot, then events and commands until either
//! side goes away.
//!
//! Delivery rule: the outlet's `sent` is the newest sequence written to the socket. An event is
//! written only if it is `sent + 1`, whether the hub's fan-out thread writes it or this task
//! does from the log; anything else (a gap after a full backlog, an event written by another
//! process) is read from the durable log. So the client sees every event once, in order,
//! whatever the hub does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures_util::{SinkExt, StreamExt};
use headsup_protocol::lds::{
    ClientFrame, ErrorFrame, ServerFrame, Welcome, DEAD_AFTER_SECS, HEARTBEAT_SECS,
    PROTOCOL_VERSION,
};
use headsup_protocol::model::{AgentInfo, StatusReason};
use headsup_protocol::ErrorCode;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::duplex::Duplex;
use super::{commands, frames};
use crate::app::AppState;
use crate::auth;
use crate::domain::log::{self, snapshot};
use crate::domain::{accounts, queues};
use crate::error::LdsError;
use crate::fanout::hub::Subscription;
use crate::fanout::outlet::{Outlet, MAX_BACKLOG_BYTES};

/// A client that opens a socket and says nothing is dropped after this.
const HELLO_WITHIN: Duration = Duration::from_secs(10);
const CATCH_UP_BATCH: i64 = 500;
/// How long the error and close frames of a refusal may take to leave.
const REFUSAL_DRAIN: Duration = Duration::from_secs(2);

type Sink = WebSocketStream<Duplex>;

struct Conn {
    state: AppState,
    sink: Sink,
    outlet: Arc<Outlet>,
    agent: AgentInfo,
    /// Kept for its `Drop`, which takes the connection out of the hub.
    _sub: Subscription,
    scratch: Vec<u8>,
}

pub(crate) async fn run(state: AppState, socket: Sink, outlet: Arc<Outlet>) {
    let metrics = state.metrics.clone();
    metrics.ws_connections.inc();
    if let Some(mut conn) = handshake(state, socket, outlet).await {
        if let Err(e) = conn.serve().await {
            tracing::debug!(agent = %conn.agent.id, "connection ended: {e:#}");
        }
    }
    metrics.ws_connections.dec();
}

/// Reads `hello`, checks the token, subscribes, and brings the client up to date.
async fn handshake(state: AppState, mut sink: Sink, outlet: Arc<Outlet>) -> Option<Conn> {
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
        Ok(Some(Err(e))) => {
            close_unreadable(&mut sink, &e).await;
            return None;
        }
        Ok(None) => return None,
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
    let agent = match accounts::authenticate(&state.store.db, &token_digest).await {
        Ok(a) => a,
        Err(e) => {
            refuse(&mut sink, e.code(), &e.public_message()).await;
            return None;
        }
    };
    // Subscribe before reading the log, so nothing committed in between is missed.
    // The hub writes nothing to the socket before `go_live`.
    let sub = state
        .fanout
        .hub
        .subscribe(agent.id, token_digest, outlet.clone());
    let mut conn = Conn {
        state,
        sink,
        outlet,
        agent,
        _sub: sub,
        scratch: Vec::new(),
    };
    match conn.bring_up_to_date(last_seq).await {
        Ok(()) => Some(conn),
        Err(e) => {
            tracing::warn!("handshake failed: {e:#}");
            None
        }
    }
}

async fn refuse(sink: &mut Sink, code: ErrorCode, message: &str) {
    let frame = ServerFrame::Error(ErrorFrame {
        cid: None,
        code,
        message: message.to_string(),
    });
    let _ = sink.send(text(&frame)).await;
    let _ = sink
        .send(Message::Close(Some(CloseFrame {
            code: CloseCode::Policy,
            reason: code.as_str().into(),
        })))
        .await;
    // Both frames may still wait in the outlet if the client is slow to read.
    let _ = tokio::time::timeout(REFUSAL_DRAIN, sink.get_mut().drain()).await;
}

/// Closes with the code RFC 6455 gives a frame that could not be read (1009 too big, 1007 not
/// UTF-8, 1002 broken), when there is one; a failed connection is just dropped.
async fn close_unreadable(sink: &mut Sink, error: &tokio_tungstenite::tungstenite::Error) {
    let Some((code, reason)) = frames::close_for(error) else {
        return;
    };
    let close = CloseFrame {
        code,
        reason: reason.into(),
    };
    if sink.send(Message::Close(Some(close))).await.is_err() {
        return;
    }
    let duplex = sink.get_mut();
    if let Ok(Ok(())) = tokio::time::timeout(REFUSAL_DRAIN, duplex.drain()).await {
        let _ = tokio::time::timeout(REFUSAL_DRAIN, duplex.linger()).await;
    }
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
        let metrics = self.state.metrics.clone();
        // Number whatever is committed (another process's entries on PostgreSQL), so the head
        // is at least what this client has seen.
        self.state.fanout.sync_log().await?;
        let (head, oldest) = log::bounds(&self.state.store, self.agent.id).await?;
        let reasons = queues::admin::reasons_of(&self.state.store.db, self.agent.team).await?;
        let can_resume = last_seq.is_some_and(|n| {
            n <= head && (n == head || oldest.is_some_and(|oldest| oldest <= n + 1))
        });
        if let (true, Some(n)) = (can_resume, last_seq) {
            metrics.ws_resumes.inc();
            self.send(&self.welcome(true, head, reasons)).await?;
            self.outlet.go_live(n);
            self.catch_up().await?;
        } else {
            metrics.ws_snapshots.inc();
            let (snap, caught_up) = snapshot::build(&self.state.store, &self.agent).await?;
            self.state.fanout.deliver(caught_up);
            let seq = snap.seq;
            self.send(&self.welcome(false, seq, reasons)).await?;
            self.send(&ServerFrame::Snapshot(snap)).await?;
            self.outlet.go_live(seq);
            // Events committed while the snapshot was built follow at once.
            self.catch_up().await?;
        }
        // The dashboard push (timers/dashboard.rs) sees a connection it has sent nothing yet
        // and sends its first dashboard within a tick.
        self.outlet.caught_up();
        Ok(())
    }

    fn welcome(&self, resumed: bool, head_seq: u64, reasons: Vec<StatusReason>) -> ServerFrame {
        ServerFrame::Welcome(Welcome {
            agent: self.agent.clone(),
            protocol: PROTOCOL_VERSION,
            resumed,
            head_seq,
            server_time: Utc::now(),
            heartbeat_secs: HEARTBEAT_SECS,
            status_reasons: reasons,
        })
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
                    let message = match incoming {
                        Some(Ok(message)) => message,
                        Some(Err(e)) => {
                            close_unreadable(&mut self.sink, &e).await;
                            anyhow::bail!("unreadable frame: {e}");
                        }
                        None => return Ok(()),
                    };
                    last_heard = Instant::now();
                    match message {
                        Message::Text(t) => self.on_text(t.as_str()).await?,
                        Message::Binary(_) => {
                            let frame = frames::error(None, LdsError::new(
                                ErrorCode::BinaryFrame, "frames are JSON text"));
                            self.send(&frame).await?;
                        }
                        Message::Close(_) => return Ok(()),
                        Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
                    }
                }
                // The hub's fan-out wants something done; see below.
                _ = self.outlet.woken() => {}
                _ = heartbeat.tick() => {
                    // A client reading a long backlog hears our ping only once it reaches
                    // it; its reading is as good a sign of life as its pong.
                    let dead_after = Duration::from_secs(DEAD_AFTER_SECS);
                    let reading = self.outlet.drained_at().is_some_and(|t| t.elapsed() <= dead_after);
                    if last_heard.elapsed() > dead_after && !reading {
                        anyhow::bail!("no frame or pong for {DEAD_AFTER_SECS} s: connection dead");
                    }
                    self.sink.send(Message::Ping(Vec::new().into())).await?;
                    // The token is re-checked for every connection at once by `token_watch`.
                    // Catches what no push announced (a write by another process on SQLite,
                    // a lost NOTIFY).
                    self.catch_up().await?;
                }
            }
            // Going round the loop also drains the outlet's backlog: the next read does.
            let chores = self.outlet.take_chores();
            if let Some((code, message)) = chores.close {
                refuse(&mut self.sink, code, &message).await;
                return Ok(());
            }
            if chores.catch_up {
                self.catch_up().await?;
            }
            if !self.outlet.is_open() {
                anyhow::bail!("the socket broke on a write");
            }
        }
    }

    async fn on_text(&mut self, text: &str) -> anyhow::Result<()> {
        let answer = match frames::parse(text) {
            Ok(frame) => commands::handle(&self.state, &self.agent, frame).await,
            Err(e) => ServerFrame::Error(ErrorFrame {
                cid: e.cid,
                code: e.code,
                message: e.message,
            }),
        };
        self.send(&answer).await
    }

    /// Writes every logged event after the outlet's `sent`, in order.
    async fn catch_up(&mut self) -> anyhow::Result<()> {
        loop {
            // A client that is slow to read gets the log a batch at a time, not all at once.
            if self.outlet.backlog_len() > MAX_BACKLOG_BYTES {
                self.sink.get_mut().drain().await?;
            }
            let sent = self.outlet.sent();
            let batch =
                log::read_after(&self.state.store, self.agent.id, sent, CATCH_UP_BATCH).await?;
            let done = (batch.len() as i64) < CATCH_UP_BATCH;
            for (seq, text) in batch {
                self.outlet.write_logged(seq, &text, &mut self.scratch);
            }
            if done {
                return Ok(());
            }
            if self.outlet.sent() == sent {
                anyhow::bail!("the socket took nothing more: it is shut");
            }
        }
    }

    async fn send(&mut self, frame: &ServerFrame) -> anyhow::Result<()> {
        self.sink.send(text(frame)).await?;
        Ok(())
    }
}

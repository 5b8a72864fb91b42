//! An agent's device for tests: a real WebSocket client speaking the protocol.

use std::collections::VecDeque;

use anyhow::{anyhow, bail, Result};
use futures_util::{SinkExt, StreamExt};
use headsup_protocol::call_cases::CaseNotice;
use headsup_protocol::lds::{
    ClientFrame, Dashboard, ErrorFrame, Event, EventFrame, Reply, ServerFrame, Snapshot, Welcome,
    PROTOCOL_VERSION,
};
use headsup_protocol::{RequestId, SessionId};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::PATIENCE;

pub struct AgentConn {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Frames read while waiting for something else.
    pending: VecDeque<ServerFrame>,
    pub welcome: ServerFrame,
    /// The snapshot that followed the welcome, when it was not a resume.
    pub snapshot: Option<Snapshot>,
    /// The last event sequence processed (what a client would send in `hello`).
    pub last_seq: u64,
    next_cid: u64,
    /// Every `dashboard` frame received, in order. They are kept out of the frames the other
    /// readers return: they arrive whenever the numbers change, between any two frames.
    pub dashboards: Vec<Dashboard>,
    /// Every `call_case` frame received, in order (kept out of the other readers' frames, like
    /// dashboards: they are not events and come between any two frames).
    pub case_notices: Vec<CaseNotice>,
    /// The text of every frame received, in order, as it arrived (for tests that look at the
    /// bytes an agent is sent, such as masking's).
    pub received: Vec<String>,
}

impl AgentConn {
    pub async fn connect(url: &str, token: &str, last_seq: Option<u64>) -> Result<AgentConn> {
        let (ws, _) = tokio_tungstenite::connect_async(url).await?;
        AgentConn::hello(ws, token, last_seq).await
    }

    /// Connects with a socket receive buffer of `bytes`: the kernel then holds little for this
    /// client, so a client that stops reading soon has the server queueing for it.
    pub async fn connect_small_window(
        url: &str,
        addr: std::net::SocketAddr,
        token: &str,
        bytes: u32,
    ) -> Result<AgentConn> {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.set_recv_buffer_size(bytes)?;
        let stream = socket.connect(addr).await?;
        let (ws, _) = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream)).await?;
        AgentConn::hello(ws, token, None).await
    }

    async fn hello(
        mut ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
        token: &str,
        last_seq: Option<u64>,
    ) -> Result<AgentConn> {
        let hello = ClientFrame::Hello {
            token: token.into(),
            last_seq,
            device: "test".into(),
            protocol: PROTOCOL_VERSION,
        };
        ws.send(Message::Text(serde_json::to_string(&hello)?.into()))
            .await?;
        let mut conn = AgentConn {
            ws,
            pending: VecDeque::new(),
            welcome: ServerFrame::Reply(Reply::new(0)),
            last_seq: last_seq.unwrap_or(0),
            snapshot: None,
            next_cid: 1,
            dashboards: Vec::new(),
            case_notices: Vec::new(),
            received: Vec::new(),
        };
        let welcome = conn.read_frame().await?;
        match &welcome {
            ServerFrame::Welcome(Welcome { resumed, .. }) => {
                if !resumed {
                    match conn.read_frame().await? {
                        ServerFrame::Snapshot(snapshot) => {
                            conn.last_seq = snapshot.seq;
                            conn.snapshot = Some(snapshot);
                        }
                        other => bail!("expected snapshot, got {other:?}"),
                    }
                }
            }
            other => bail!("expected welcome, got {other:?}"),
        }
        conn.welcome = welcome;
        Ok(conn)
    }

    /// Reads the next frame from the socket (not the buffer) that is not a dashboard, checking
    /// event order.
    async fn read_frame(&mut self) -> Result<ServerFrame> {
        loop {
            match self.read_any().await? {
                ServerFrame::Dashboard(_) => continue,
                frame => return Ok(frame),
            }
        }
    }

    /// Reads the next frame from the socket, checking event order and recording dashboards.
    async fn read_any(&mut self) -> Result<ServerFrame> {
        loop {
            if let Some(frame) = self.read_message().await? {
                return Ok(frame);
            }
        }
    }

    /// Reads the next text frame: `None` for a `call_case` frame (recorded in `case_notices`).
    async fn read_message(&mut self) -> Result<Option<ServerFrame>> {
        loop {
            let msg = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .map_err(|_| anyhow!("no frame within {PATIENCE:?}"))?
                .ok_or_else(|| anyhow!("connection closed"))??;
            match msg {
                Message::Text(t) => {
                    self.received.push(t.as_str().to_string());
                    if t.as_str().starts_with(r#"{"type":"call_case""#) {
                        self.case_notices.push(serde_json::from_str(t.as_str())?);
                        return Ok(None);
                    }
                    let frame: ServerFrame = serde_json::from_str(t.as_str())?;
                    if let ServerFrame::Dashboard(d) = &frame {
                        self.dashboards.push(d.clone());
                    }
                    if let ServerFrame::Event(EventFrame { seq, .. }) = &frame {
                        if *seq != self.last_seq + 1 {
                            bail!("event seq {seq} after {}: gap or duplicate", self.last_seq);
                        }
                        self.last_seq = *seq;
                    }
                    return Ok(Some(frame));
                }
                Message::Close(_) => bail!("connection closed"),
                _ => continue,
            }
        }
    }

    pub async fn send_raw(&mut self, msg: Message) -> Result<()> {
        self.ws.send(msg).await?;
        Ok(())
    }

    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Drops the frames read but not yet asked for (long race loops keep the buffer short).
    pub fn forget_pending(&mut self) {
        self.pending.clear();
    }

    pub async fn next_frame(&mut self) -> Result<ServerFrame> {
        match self.pending.pop_front() {
            Some(f) => Ok(f),
            None => self.read_frame().await,
        }
    }

    /// The next event, skipping nothing (fails on a non-event frame).
    pub async fn next_event(&mut self) -> Result<Event> {
        match self.next_frame().await? {
            ServerFrame::Event(EventFrame { event, .. }) => Ok(event),
            other => bail!("expected an event, got {other:?}"),
        }
    }

    /// Waits for an event matching `want`, keeping other frames for later.
    pub async fn wait_event(&mut self, want: impl Fn(&Event) -> bool) -> Result<Event> {
        if let Some(i) = self
            .pending
            .iter()
            .position(|f| matches!(f, ServerFrame::Event(EventFrame { event, .. }) if want(event)))
        {
            if let Some(ServerFrame::Event(EventFrame { event, .. })) = self.pending.remove(i) {
                return Ok(event);
            }
        }
        loop {
            let f = self.read_frame().await?;
            match f {
                ServerFrame::Event(EventFrame { ref event, .. }) if want(event) => {
                    let ServerFrame::Event(EventFrame { event, .. }) = f else {
                        unreachable!()
                    };
                    return Ok(event);
                }
                other => self.pending.push_back(other),
            }
        }
    }

    /// Waits until the newest `dashboard` received matches `want` (it may already), keeping
    /// other frames for later.
    pub async fn wait_dashboard(&mut self, want: impl Fn(&Dashboard) -> bool) -> Result<Dashboard> {
        // One deadline for the whole wait: pings arrive every 10 s, so a per-read bound alone
        // would wait for ever on a dashboard that never comes.
        tokio::time::timeout(PATIENCE, self.wait_dashboard_unbounded(want))
            .await
            .map_err(|_| {
                anyhow!(
                    "no such dashboard within {PATIENCE:?}; the last: {:?}",
                    self.dashboards.last()
                )
            })?
    }

    async fn wait_dashboard_unbounded(
        &mut self,
        want: impl Fn(&Dashboard) -> bool,
    ) -> Result<Dashboard> {
        let mut looked_at = 0;
        loop {
            // Each dashboard replaces the one before: only the newest says how things are.
            if self.dashboards.len() > looked_at {
                looked_at = self.dashboards.len();
                let newest = self.dashboards.last().expect("one received");
                if want(newest) {
                    return Ok(newest.clone());
                }
            }
            match self.read_any().await? {
                ServerFrame::Dashboard(_) => {}
                f => self.pending.push_back(f),
            }
        }
    }

    /// Waits until a `call_case` frame matching `want` has arrived (it may have already),
    /// keeping other frames for later.
    pub async fn wait_case_notice(
        &mut self,
        want: impl Fn(&CaseNotice) -> bool,
    ) -> Result<CaseNotice> {
        tokio::time::timeout(PATIENCE, async {
            loop {
                if let Some(found) = self.case_notices.iter().find(|n| want(n)) {
                    return Ok(found.clone());
                }
                match self.read_message().await? {
                    None | Some(ServerFrame::Dashboard(_)) => {}
                    Some(f) => self.pending.push_back(f),
                }
            }
        })
        .await
        .map_err(|_| anyhow!("no such call_case frame within {PATIENCE:?}"))?
    }

    /// Reads what the socket holds within `quiet` of silence, keeping frames for later (so
    /// `dashboards` is up to date).
    pub async fn read_for(&mut self, quiet: std::time::Duration) {
        // Cancelling `read_frame` while it awaits the socket loses nothing.
        while let Ok(Ok(f)) = tokio::time::timeout(quiet, self.read_any()).await {
            if !matches!(f, ServerFrame::Dashboard(_)) {
                self.pending.push_back(f);
            }
        }
    }

    /// Sends a command (its `cid` is filled in) without waiting for the answer.
    pub async fn send_command(&mut self, make: impl FnOnce(u64) -> ClientFrame) -> Result<u64> {
        let cid = self.next_cid;
        self.next_cid += 1;
        let frame = make(cid);
        self.ws
            .send(Message::Text(serde_json::to_string(&frame)?.into()))
            .await?;
        Ok(cid)
    }

    /// Waits for the `reply` or `error` with this `cid`, keeping other frames for later.
    pub async fn answer(&mut self, cid: u64) -> Result<ServerFrame> {
        let is_answer = |f: &ServerFrame| {
            matches!(f, ServerFrame::Reply(Reply { cid: c, .. }) if *c == cid)
                || matches!(f, ServerFrame::Error(ErrorFrame { cid: Some(c), .. }) if *c == cid)
        };
        if let Some(i) = self.pending.iter().position(is_answer) {
            return Ok(self.pending.remove(i).expect("index found"));
        }
        loop {
            let f = self.read_frame().await?;
            if is_answer(&f) {
                return Ok(f);
            }
            self.pending.push_back(f);
        }
    }

    pub async fn command(&mut self, make: impl FnOnce(u64) -> ClientFrame) -> Result<ServerFrame> {
        let cid = self.send_command(make).await?;
        self.answer(cid).await
    }

    /// Sends `set_status` and returns the answer (a reply or an error frame).
    pub async fn set_status(
        &mut self,
        availability: headsup_protocol::model::Availability,
        reason: Option<&str>,
    ) -> ServerFrame {
        self.command(|cid| ClientFrame::SetStatus {
            cid,
            availability,
            reason: reason.map(str::to_string),
        })
        .await
        .expect("the status change is answered")
    }

    /// Sends `accept` for `request` and returns the answer (a reply or an error frame).
    pub async fn accept(&mut self, request: RequestId) -> ServerFrame {
        self.command(|cid| ClientFrame::Accept { cid, request })
            .await
            .expect("the accept is answered")
    }

    /// Accepts `request`, which must succeed, and returns the session the LDS opened.
    pub async fn accept_session(&mut self, request: RequestId) -> SessionId {
        match self.accept(request).await {
            ServerFrame::Reply(Reply {
                session: Some(session),
                ..
            }) => session,
            other => panic!("accept of {request} refused: {other:?}"),
        }
    }

    /// Reads frames until the server closes; returns them.
    pub async fn read_until_closed(&mut self) -> Vec<ServerFrame> {
        let mut frames: Vec<ServerFrame> = self.pending.drain(..).collect();
        while let Ok(Some(Ok(msg))) = tokio::time::timeout(PATIENCE, self.ws.next()).await {
            match msg {
                Message::Text(t) => match serde_json::from_str(t.as_str()).unwrap() {
                    ServerFrame::Dashboard(d) => self.dashboards.push(d),
                    frame => frames.push(frame),
                },
                Message::Close(_) => break,
                _ => {}
            }
        }
        frames
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

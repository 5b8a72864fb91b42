//! The N agent clients: connect in batches, then time every `offered` frame and the claims.
//!
//! Each client is one task that reads its socket, takes the arrival time first, and finds the
//! customer number with a substring scan (no JSON tree). Samples stay in the task and are handed
//! over once, at the end, so the hot path takes no lock.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Result};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

/// Each client's socket read buffer: room for a few frames per read.
const CLIENT_READ_BUFFER: usize = 2 * 1024;

use crate::scan::{self, Kind};
use crate::stats::{Clock, Spread};

/// What every client shares with the driver.
pub struct Shared {
    pub clock: Clock,
    pub agents: usize,
    /// When each request's intake POST was sent (µs on `clock`, 0 = not yet).
    pub sent: Vec<AtomicU64>,
    pub spread: Spread,
    /// Offers received so far, over all clients (for the driver to know when to stop).
    pub offers_seen: AtomicUsize,
    pub offers: Mutex<Vec<u64>>,
    pub verdicts: Mutex<Vec<u64>>,
    /// Clients that have stopped and handed their samples over.
    pub handed_over: AtomicUsize,
    /// Whether the clients claim (the floor has nothing to claim), and how long after the offer.
    pub claim: Option<Duration>,
}

impl Shared {
    pub fn new(agents: usize, requests: usize, claim: Option<Duration>) -> Arc<Shared> {
        Arc::new(Shared {
            clock: Clock::start(),
            agents,
            sent: crate::stats::slots(requests),
            spread: Spread::new(requests),
            offers_seen: AtomicUsize::new(0),
            offers: Mutex::new(Vec::new()),
            verdicts: Mutex::new(Vec::new()),
            handed_over: AtomicUsize::new(0),
            claim,
        })
    }
}

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects `tokens.len()` clients (or `count` anonymous ones when `tokens` is empty), at most
/// `batch` handshakes at a time, and returns once every one is ready to receive: for the LDS,
/// after its snapshot (the server subscribes the connection before sending it).
pub async fn connect_all(
    url: &str,
    count: usize,
    tokens: &[String],
    batch: usize,
    shared: &Arc<Shared>,
    stop: &watch::Receiver<bool>,
) -> Result<()> {
    let gate = Arc::new(Semaphore::new(batch));
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel::<Result<()>>();
    for i in 0..count {
        let permit = gate.clone().acquire_owned().await?;
        let (url, token) = (url.to_string(), tokens.get(i).cloned());
        let (shared, stop, ready_tx) = (shared.clone(), stop.clone(), ready_tx.clone());
        tokio::spawn(async move {
            match open(&url, token.as_deref()).await {
                Ok(ws) => {
                    drop(permit);
                    let _ = ready_tx.send(Ok(()));
                    drop(ready_tx);
                    run(i, ws, shared, stop).await;
                }
                Err(e) => {
                    drop(permit);
                    let _ = ready_tx.send(Err(e.context(format!("client {i}"))));
                }
            }
        });
        // Surface a failure early instead of after all N attempts.
        while let Ok(r) = ready_rx.try_recv() {
            r?;
        }
    }
    drop(ready_tx);
    while let Some(r) = ready_rx.recv().await {
        r?;
    }
    Ok(())
}

pub async fn open(url: &str, token: Option<&str>) -> Result<Ws> {
    // Nagle off, like the server: a claim must not wait for an ACK.
    // A small read buffer: tungstenite zero-fills the free part of it on every read, and at the
    // default 128 KiB that memset cost more than reading the frame (the same clients measure
    // the floor, so both figures carry the same client cost).
    let config = WebSocketConfig::default().read_buffer_size(CLIENT_READ_BUFFER);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;
    let Some(token) = token else { return Ok(ws) };
    let hello = format!(r#"{{"type":"hello","token":"{token}","device":"bench","protocol":1}}"#);
    ws.send(Message::Text(hello.into())).await?;
    while let Some(msg) = ws.next().await {
        if let Message::Text(t) = msg? {
            match scan::kind(t.as_str()) {
                Kind::Snapshot => return Ok(ws),
                Kind::Error => bail!("refused: {}", t.as_str()),
                _ => {}
            }
        }
    }
    bail!("closed before the snapshot")
}

/// Completes at the claim's moment; never if there is none.
async fn sleep_until_due(due: Option<(tokio::time::Instant, u64)>) {
    match due {
        Some((at, _)) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Reads frames until `stop`, then hands the samples over.
async fn run(me: usize, mut ws: Ws, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut offers = Vec::with_capacity(shared.sent.len());
    let mut verdicts = Vec::new();
    let mut accept_sent: Option<u64> = None;
    // A claim waiting for its moment (`--accept-after-ms`): when, and which request.
    let mut claim_due: Option<(tokio::time::Instant, u64)> = None;
    let mut cid = 0u64;
    loop {
        let msg = tokio::select! {
            biased;
            _ = stop.changed() => break,
            _ = sleep_until_due(claim_due) => {
                let Some((_, request)) = claim_due.take() else { continue };
                cid += 1;
                let f = format!(r#"{{"type":"accept","cid":{cid},"request":{request}}}"#);
                accept_sent = Some(shared.clock.now_us());
                if ws.send(Message::Text(f.into())).await.is_err() {
                    break;
                }
                continue;
            }
            msg = ws.next() => msg,
        };
        let Some(Ok(msg)) = msg else { break };
        let arrived = shared.clock.now_us();
        let Message::Text(text) = msg else { continue };
        let text = text.as_str();
        match scan::kind(text) {
            Kind::Offered => {
                let Some(n) = scan::customer_number(text).filter(|n| *n < shared.sent.len()) else {
                    continue;
                };
                let sent = shared.sent[n].load(Ordering::Relaxed);
                if sent == 0 {
                    continue;
                }
                offers.push(arrived.saturating_sub(sent));
                shared.spread.record(n, arrived);
                shared.offers_seen.fetch_add(1, Ordering::Relaxed);
                // One client per request claims it, to time the verdict.
                if let Some(after) = shared.claim.filter(|_| n % shared.agents == me) {
                    if let Some(request) = scan::request_id(text) {
                        claim_due = Some((tokio::time::Instant::now() + after, request));
                    }
                }
            }
            Kind::Reply | Kind::Error => {
                let Some(t0) = accept_sent.take() else {
                    continue;
                };
                verdicts.push(arrived.saturating_sub(t0));
                // The winner ends the session at once, so it is free for the next request.
                if let Some(session) = scan::number_after(text, r#""session":"#) {
                    cid += 1;
                    let f = format!(r#"{{"type":"end_session","cid":{cid},"session":{session}}}"#);
                    if ws.send(Message::Text(f.into())).await.is_err() {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    shared.offers.lock().unwrap().extend(offers);
    shared.verdicts.lock().unwrap().extend(verdicts);
    shared.handed_over.fetch_add(1, Ordering::Relaxed);
}

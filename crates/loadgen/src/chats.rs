//! `--chats`: chat message latency. N agents each serve one web chat (a longest-idle queue
//! offers each new chat to one free agent, who accepts it), N customer sockets say hello, then
//! the customers write `--requests` messages in all at `--rate` per second, round-robin over the
//! conversations. Each agent answers every customer message at once. Measured, per message:
//! customer → agent (the customer's `send` written → the agent's `message` event read) and
//! agent → customer (the agent's `send_message` written → the customer's `message` frame read),
//! and how many arrived never or twice. Also the server's CPU while the customer sockets sit
//! idle (each re-reads its conversation every `LOOK_EVERY`), and during the messages.
//!
//! `lds-loadgen --chats --agents 1000 --rate 2 --requests 240`

use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use headsup_protocol::chat::{Author, ChatStarted, CustomerServerFrame};
use headsup_protocol::lds::{ClientFrame, Event, EventFrame, ServerFrame};
use headsup_protocol::model::RequestKind;
use lds::admin::queues;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

use crate::stats::{self, slots, Clock, Summary};
use crate::{agents, seed, Args};

/// How long the customer sockets sit idle before the messages, to measure their polling cost.
const IDLE: Duration = Duration::from_secs(10);
/// How long the server is left to finish the set-up's work (its log index, the sockets' first
/// reads) before the idle window starts, so the window measures the idle sockets alone.
const SETTLE: Duration = Duration::from_secs(10);

/// One slot per message, shared by the clients and the driver.
struct Shared {
    clock: Clock,
    /// Agents with their chat accepted.
    sessions: AtomicUsize,
    /// When the customer wrote message n, when its agent read it, and how often.
    customer_sent: Vec<AtomicU64>,
    agent_got: Vec<AtomicU64>,
    agent_hits: Vec<AtomicU32>,
    /// When the agent answered message n, when the customer read the answer, and how often.
    agent_sent: Vec<AtomicU64>,
    customer_got: Vec<AtomicU64>,
    customer_hits: Vec<AtomicU32>,
    /// Error frames either side received.
    refusals: AtomicUsize,
}

pub async fn run(args: &Args) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let t = Instant::now();
    let seeded = seed::team(&url, args.agents).await?;
    let db = lds::db::Db::connect(&url).await?;
    let settings = queues::QueueSettings {
        channels: Some(queues::Channels {
            voice: true,
            chat: true,
        }),
        // One free agent per chat: ring-all would offer each of N chats to every free agent.
        distribution: Some(queues::Distribution::LongestIdle),
        ring_secs: Some(60),
        ..Default::default()
    };
    queues::set_queue(&db, "Bench", "default", settings).await?;
    db.pool.close().await;
    let seed_secs = t.elapsed().as_secs_f64();

    let (mut server, addr) = crate::start_server(&url)?;
    let pid = server.id().to_string();
    let n = args.requests;
    let shared = Arc::new(Shared {
        clock: Clock::start(),
        sessions: AtomicUsize::new(0),
        customer_sent: slots(n),
        agent_got: slots(n),
        agent_hits: (0..n).map(|_| AtomicU32::new(0)).collect(),
        agent_sent: slots(n),
        customer_got: slots(n),
        customer_hits: (0..n).map(|_| AtomicU32::new(0)).collect(),
        refusals: AtomicUsize::new(0),
    });
    let (stop_tx, stop) = watch::channel(false);
    let result = drive(args, &addr, &pid, &seeded, &shared, stop).await;
    let _ = stop_tx.send(true);
    let _ = server.kill();
    let _ = server.wait();
    let figures = result?;

    let mut c2a = Vec::new();
    let mut a2c = Vec::new();
    let (mut lost, mut doubled) = (0usize, 0usize);
    for m in 0..n {
        let at = |v: &Vec<AtomicU64>| v[m].load(Ordering::Relaxed);
        for (hits, sent, got, into) in [
            (
                &shared.agent_hits,
                at(&shared.customer_sent),
                at(&shared.agent_got),
                &mut c2a,
            ),
            (
                &shared.customer_hits,
                at(&shared.agent_sent),
                at(&shared.customer_got),
                &mut a2c,
            ),
        ] {
            match hits[m].load(Ordering::Relaxed) {
                0 => lost += 1,
                1 => into.push(got.saturating_sub(sent)),
                _ => {
                    doubled += 1;
                    into.push(got.saturating_sub(sent));
                }
            }
        }
    }
    println!(
        "seeding {seed_secs:.1} s, connecting and accepting {:.1} s; load during run=[{}]",
        figures.setup_secs, figures.load
    );
    println!("customer→agent    {}", Summary::of(c2a));
    println!("agent→customer    {}", Summary::of(a2c));
    println!(
        "lost {lost}, doubled {doubled} (of {} customer messages and {} answers); error frames {}",
        n,
        n,
        shared.refusals.load(Ordering::Relaxed)
    );
    println!(
        "server idle       cpu={:.2} s over {:.1} s ({:.0}% of one core) with {} customer sockets open",
        figures.idle_cpu,
        IDLE.as_secs_f64(),
        100.0 * figures.idle_cpu / IDLE.as_secs_f64(),
        args.agents
    );
    println!(
        "server messages   cpu={:.2} s over {:.1} s ({:.0}% of one core)  peak RSS={:.0} MB",
        figures.cpu,
        figures.wall,
        100.0 * figures.cpu / figures.wall,
        figures.rss_mb
    );
    println!(
        "clients           cpu={:.2} s ({:.0}% of one core)  load after=[{}]",
        figures.client_cpu,
        100.0 * figures.client_cpu / figures.wall,
        stats::load_average()
    );
    Ok(())
}

struct Figures {
    setup_secs: f64,
    load: String,
    idle_cpu: f64,
    cpu: f64,
    client_cpu: f64,
    wall: f64,
    rss_mb: f64,
}

async fn drive(
    args: &Args,
    addr: &str,
    pid: &str,
    seeded: &seed::Seeded,
    shared: &Arc<Shared>,
    stop: watch::Receiver<bool>,
) -> Result<Figures> {
    let t = Instant::now();
    let ws = format!("ws://{addr}/api/v1/agent/ws");
    for (i, token) in seeded.tokens.iter().enumerate() {
        let ws = agents::open(&ws, Some(token))
            .await
            .with_context(|| format!("agent {i}"))?;
        tokio::spawn(agent(ws, shared.clone(), stop.clone()));
    }
    // One chat at a time, each accepted before the next starts: every agent gets exactly one.
    let http = reqwest::Client::builder().tcp_nodelay(true).build()?;
    let mut chats = Vec::with_capacity(args.agents);
    for i in 0..args.agents {
        let r = http
            .post(format!("http://{addr}/api/v1/chat"))
            .bearer_auth(&seeded.intake_key)
            .json(&serde_json::json!({ "name": format!("C{i}") }))
            .send()
            .await?;
        anyhow::ensure!(r.status() == 201, "chat start answered {}", r.status());
        let started: ChatStarted = r.json().await?;
        chats.push(started.token);
        let waited = Instant::now();
        while shared.sessions.load(Ordering::Relaxed) <= i {
            if waited.elapsed() > Duration::from_secs(30) {
                bail!("chat {i} was not accepted within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let customer_ws = format!("ws://{addr}/api/v1/chat/ws");
    let mut writers = Vec::with_capacity(chats.len());
    for token in &chats {
        let ws = open_customer(&customer_ws, token).await?;
        let (tx, rx) = mpsc::unbounded_channel();
        writers.push(tx);
        tokio::spawn(customer(ws, rx, shared.clone(), stop.clone()));
    }
    let setup_secs = t.elapsed().as_secs_f64();

    tokio::time::sleep(SETTLE).await;
    let idle_before = stats::cpu_secs(pid);
    tokio::time::sleep(IDLE).await;
    let idle_cpu = stats::cpu_secs(pid) - idle_before;

    let load = stats::load_average();
    let cpu_before = stats::cpu_secs(pid);
    let client_cpu_before = stats::cpu_secs("self");
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    for m in 0..args.requests {
        tick.tick().await;
        let _ = writers[m % writers.len()].send(m);
    }
    // Until every answer arrived, or 30 s without progress.
    let answered = || {
        shared
            .customer_hits
            .iter()
            .filter(|h| h.load(Ordering::Relaxed) > 0)
            .count()
    };
    let (mut seen, mut progress) = (0, Instant::now());
    while seen < args.requests && progress.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let now = answered();
        if now > seen {
            seen = now;
            progress = Instant::now();
        }
    }
    let wall = started.elapsed().as_secs_f64();
    Ok(Figures {
        setup_secs,
        load,
        idle_cpu,
        cpu: stats::cpu_secs(pid) - cpu_before,
        client_cpu: stats::cpu_secs("self") - client_cpu_before,
        wall,
        rss_mb: stats::peak_rss_mb(pid),
    })
}

/// The message number in a benchmark `client_id` (`m7`, `r7`).
fn number(client_id: &str, prefix: char) -> Option<usize> {
    client_id.strip_prefix(prefix)?.parse().ok()
}

/// An agent: accepts the chat offered to it, then answers every customer message at once.
async fn agent(mut ws: agents::Ws, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut cid = 0u64;
    let mut conversation = None;
    loop {
        let msg = tokio::select! {
            biased;
            _ = stop.changed() => break,
            msg = ws.next() => msg,
        };
        let Some(Ok(msg)) = msg else { break };
        let arrived = shared.clock.now_us();
        let Message::Text(text) = msg else { continue };
        let Ok(frame) = serde_json::from_str::<ServerFrame>(text.as_str()) else {
            continue;
        };
        let reply = match frame {
            ServerFrame::Event(EventFrame { event, .. }) => match event {
                Event::Offered { request } if request.kind == RequestKind::ChatInbound => {
                    cid += 1;
                    Some(ClientFrame::Accept {
                        cid,
                        request: request.id,
                    })
                }
                Event::Assigned { session, .. } if conversation.is_none() => {
                    conversation = session.conversation;
                    shared.sessions.fetch_add(1, Ordering::Relaxed);
                    None
                }
                Event::Message { message } if message.author == Author::Customer => {
                    let (Some(m), Some(c)) = (number(&message.client_id, 'm'), conversation) else {
                        continue;
                    };
                    if m >= shared.agent_hits.len() {
                        continue;
                    }
                    if shared.agent_hits[m].fetch_add(1, Ordering::Relaxed) > 0 {
                        continue;
                    }
                    shared.agent_got[m].store(arrived, Ordering::Relaxed);
                    cid += 1;
                    shared.agent_sent[m].store(shared.clock.now_us(), Ordering::Relaxed);
                    Some(ClientFrame::SendMessage {
                        cid,
                        conversation: c,
                        client_id: format!("r{m}"),
                        body: format!("answer {m}"),
                        note: false,
                        attachment: None,
                    })
                }
                _ => None,
            },
            ServerFrame::Error(_) => {
                shared.refusals.fetch_add(1, Ordering::Relaxed);
                None
            }
            _ => None,
        };
        if let Some(frame) = reply {
            let text = serde_json::to_string(&frame).expect("a frame serializes");
            if ws.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
    }
}

async fn open_customer(url: &str, token: &str) -> Result<agents::Ws> {
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, None, true).await?;
    let hello = serde_json::json!({"type": "hello", "token": token}).to_string();
    ws.send(Message::Text(hello.into())).await?;
    while let Some(msg) = ws.next().await {
        if let Message::Text(t) = msg? {
            match serde_json::from_str::<CustomerServerFrame>(t.as_str())? {
                CustomerServerFrame::Welcome { .. } => return Ok(ws),
                CustomerServerFrame::Error { code, .. } => bail!("customer refused: {code:?}"),
                _ => {}
            }
        }
    }
    bail!("the customer's socket closed before the welcome")
}

/// A customer: writes message m when the driver says, and times the agent's answer.
async fn customer(
    mut ws: agents::Ws,
    mut write: mpsc::UnboundedReceiver<usize>,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let msg = tokio::select! {
            biased;
            _ = stop.changed() => break,
            m = write.recv() => {
                let Some(m) = m else { break };
                let frame = serde_json::json!({
                    "type": "send", "client_id": format!("m{m}"), "body": format!("question {m}")
                });
                shared.customer_sent[m].store(shared.clock.now_us(), Ordering::Relaxed);
                if ws.send(Message::Text(frame.to_string().into())).await.is_err() {
                    break;
                }
                continue;
            }
            msg = ws.next() => msg,
        };
        let Some(Ok(msg)) = msg else { break };
        let arrived = shared.clock.now_us();
        let Message::Text(text) = msg else { continue };
        match serde_json::from_str::<CustomerServerFrame>(text.as_str()) {
            Ok(CustomerServerFrame::Message { message }) if message.author == Author::Agent => {
                let Some(m) =
                    number(&message.client_id, 'r').filter(|m| *m < shared.customer_hits.len())
                else {
                    continue;
                };
                if shared.customer_hits[m].fetch_add(1, Ordering::Relaxed) == 0 {
                    shared.customer_got[m].store(arrived, Ordering::Relaxed);
                }
            }
            Ok(CustomerServerFrame::Error { .. }) => {
                shared.refusals.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }
}

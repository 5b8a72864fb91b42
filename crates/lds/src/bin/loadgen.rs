//! `lds-loadgen`: the LDS benchmark (not a test). Seeds a team of N agents, starts the real
//! `lds serve` binary, connects every agent over loopback, posts customer requests at a steady
//! rate, and reports:
//! - offer latency (intake POST sent → `offered` frame read, at every agent) p50/p99/max;
//! - claim verdict latency (accept sent → reply read) for one agent per request;
//! - the server's CPU time and peak memory (from /proc);
//! - the same fan-out through a bare tokio-tungstenite broadcast loop (the floor), and the ratio.
//!
//! `cargo run --release -p lds --bin lds-loadgen -- --agents 1000 --requests 200 --rate 10`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use lds::store::accounts::{self, NewAgent};
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 1000)]
    agents: usize,
    #[arg(long, default_value_t = 200)]
    requests: usize,
    /// Customer requests per second.
    #[arg(long, default_value_t = 10.0)]
    rate: f64,
}

/// Latencies in microseconds.
#[derive(Default)]
struct Samples(Mutex<Vec<u64>>);

impl Samples {
    fn push(&self, d: Duration) {
        self.0.lock().unwrap().push(d.as_micros() as u64);
    }
    fn summary(&self) -> (f64, f64, f64, usize) {
        let mut v = self.0.lock().unwrap().clone();
        v.sort_unstable();
        if v.is_empty() {
            return (0.0, 0.0, 0.0, 0);
        }
        let pct = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0;
        (
            pct(0.5),
            pct(0.99),
            *v.last().unwrap() as f64 / 1000.0,
            v.len(),
        )
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let (key, tokens) = seed(&url, args.agents).await?;

    let bin = std::env::current_exe()?.with_file_name("lds");
    let mut server = std::process::Command::new(&bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &url])
        .args(["--intake-per-team-per-min", "1000000"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let pid = server.id();
    let addr = {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().context("lds exited")??;
            if let Some(a) = line.strip_prefix("listening on ") {
                break a.to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        addr
    };

    let sent: Arc<Vec<Mutex<Option<Instant>>>> =
        Arc::new((0..args.requests).map(|_| Mutex::new(None)).collect());
    let offers = Arc::new(Samples::default());
    let verdicts = Arc::new(Samples::default());
    let ready = Arc::new(AtomicUsize::new(0));
    let ws = format!("ws://{addr}/api/v1/agent/ws");
    for (i, token) in tokens.into_iter().enumerate() {
        let (ws, sent, offers, verdicts, ready) = (
            ws.clone(),
            sent.clone(),
            offers.clone(),
            verdicts.clone(),
            ready.clone(),
        );
        let agents = args.agents;
        tokio::spawn(async move {
            if let Err(e) = agent(i, agents, &ws, &token, sent, offers, verdicts, ready).await {
                eprintln!("agent {i}: {e:#}");
            }
        });
    }
    while ready.load(Ordering::Relaxed) < args.agents {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cpu_before = cpu_secs(pid);
    let started = Instant::now();
    let client = reqwest::Client::new();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    for n in 0..args.requests {
        tick.tick().await;
        *sent[n].lock().unwrap() = Some(Instant::now());
        let body = serde_json::json!({"kind": "call_now", "customer": {"name": format!("L{n}")}});
        let r = client
            .post(format!("http://{addr}/api/v1/requests"))
            .bearer_auth(&key)
            .json(&body)
            .send()
            .await?;
        anyhow::ensure!(r.status() == 201, "intake answered {}", r.status());
    }
    let expected = args.requests * args.agents;
    let deadline = Instant::now() + Duration::from_secs(60);
    while offers.0.lock().unwrap().len() < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_secs(pid) - cpu_before;
    let rss_mb = peak_rss_mb(pid);
    let _ = server.kill();

    let (p50, p99, max, n) = offers.summary();
    let (v50, v99, vmax, vn) = verdicts.summary();
    let (f50, f99, fmax, fnn) = floor(args.agents, args.requests, args.rate).await?;
    println!(
        "agents={} requests={} rate={}/s",
        args.agents, args.requests, args.rate
    );
    println!("offer latency   p50={p50:.2} ms  p99={p99:.2} ms  max={max:.2} ms  ({n}/{expected} offers)");
    println!("claim verdict   p50={v50:.2} ms  p99={v99:.2} ms  max={vmax:.2} ms  ({vn} claims)");
    println!(
        "server          cpu={cpu:.2} s over {wall:.1} s ({:.0}% of one core)  peak RSS={rss_mb:.0} MB",
        100.0 * cpu / wall
    );
    println!(
        "bare broadcast  p50={f50:.2} ms  p99={f99:.2} ms  max={fmax:.2} ms  ({fnn} messages)"
    );
    println!("ratio p99 lds/floor = {:.1}", p99 / f99.max(0.001));
    Ok(())
}

async fn seed(url: &str, agents: usize) -> Result<(String, Vec<String>)> {
    let db = lds::db::Db::connect(url).await?;
    let (_, key) = accounts::add_team(&db, "Bench", 3600, 600).await?;
    // One argon2 hash for all: the benchmark measures distribution, not sign-in.
    let hash = lds::auth::hash_password("bench")?;
    let mut tokens = Vec::with_capacity(agents);
    for i in 0..agents {
        let email = format!("agent{i}@bench.test");
        let id = accounts::add_agent(
            &db,
            &NewAgent {
                email: &email,
                name: &format!("Agent {i}"),
                team: "Bench",
                password_hash: &hash,
                time_zone: "UTC",
            },
        )
        .await?;
        tokens.push(
            accounts::issue_token(&db, id, chrono::Duration::hours(2))
                .await?
                .0,
        );
    }
    Ok((key, tokens))
}

#[allow(clippy::too_many_arguments)]
async fn agent(
    i: usize,
    agents: usize,
    url: &str,
    token: &str,
    sent: Arc<Vec<Mutex<Option<Instant>>>>,
    offers: Arc<Samples>,
    verdicts: Arc<Samples>,
    ready: Arc<AtomicUsize>,
) -> Result<()> {
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
    let hello =
        serde_json::json!({"type": "hello", "token": token, "device": "bench", "protocol": 1});
    ws.send(Message::Text(hello.to_string().into())).await?;
    ready.fetch_add(1, Ordering::Relaxed);
    let mut accept_sent: Option<Instant> = None;
    let mut cid = 0u64;
    while let Some(msg) = ws.next().await {
        let Message::Text(t) = msg? else { continue };
        let arrived = Instant::now();
        let v: serde_json::Value = serde_json::from_str(t.as_str())?;
        match (v["type"].as_str(), v["event"].as_str()) {
            (Some("event"), Some("offered")) => {
                let name = v["request"]["customer"]["name"].as_str().unwrap_or("");
                let Some(n) = name.strip_prefix('L').and_then(|n| n.parse::<usize>().ok()) else {
                    continue;
                };
                if let Some(t0) = *sent[n].lock().unwrap() {
                    offers.push(arrived - t0);
                }
                // One agent per request claims it, to measure the verdict.
                if n % agents == i {
                    cid += 1;
                    accept_sent = Some(Instant::now());
                    let f = serde_json::json!({"type": "accept", "cid": cid, "request": v["request"]["id"]});
                    ws.send(Message::Text(f.to_string().into())).await?;
                }
            }
            (Some("reply"), _) | (Some("error"), _) if accept_sent.is_some() => {
                verdicts.push(arrived - accept_sent.take().unwrap());
                if let Some(session) = v["session"].as_i64() {
                    cid += 1;
                    let f =
                        serde_json::json!({"type": "end_session", "cid": cid, "session": session});
                    ws.send(Message::Text(f.to_string().into())).await?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The floor: a bare tokio-tungstenite server broadcasting one small frame per request to every
/// connection, measured the same way.
async fn floor(agents: usize, requests: usize, rate: f64) -> Result<(f64, f64, f64, usize)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (tx, _) = broadcast::channel::<Arc<str>>(1024);
    let server_tx = tx.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let mut rx = server_tx.subscribe();
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
                    return;
                };
                while let Ok(text) = rx.recv().await {
                    if ws
                        .send(Message::Text(text.to_string().into()))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    let sent: Arc<Vec<Mutex<Option<Instant>>>> =
        Arc::new((0..requests).map(|_| Mutex::new(None)).collect());
    let samples = Arc::new(Samples::default());
    for _ in 0..agents {
        let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}")).await?;
        let (sent, samples) = (sent.clone(), samples.clone());
        tokio::spawn(async move {
            while let Some(Ok(Message::Text(t))) = ws.next().await {
                let arrived = Instant::now();
                let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap_or_default();
                if let Some(n) = v["n"].as_u64() {
                    if let Some(t0) = *sent[n as usize].lock().unwrap() {
                        samples.push(arrived - t0);
                    }
                }
            }
        });
    }
    while tx.receiver_count() < agents {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    for n in 0..requests {
        tick.tick().await;
        *sent[n].lock().unwrap() = Some(Instant::now());
        let _ = tx.send(format!(r#"{{"n":{n},"customer":{{"name":"L{n}"}}}}"#).into());
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while samples.0.lock().unwrap().len() < agents * requests && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(samples.summary())
}

fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name).
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

//! `--dashboard`: the dashboard's fan-out. N agents in Q queues (agent i in queue i mod Q, and
//! in no other), customers posted round-robin to the queues at the given rate. Every agent
//! records each `dashboard` frame's arrival and its queue's `waiting`; afterwards, for every
//! customer and every member of its queue, the staleness is the time from the intake POST being
//! sent (conservative: the change commits a little later) to the first dashboard at that agent
//! showing at least that queue's count after the customer. Nobody takes a customer, so each
//! queue's count only grows and the n-th customer of a queue is seen as `waiting >= n`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Result;
use futures_util::StreamExt;
use lds::admin::queues;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

use crate::stats::{self, Clock, Summary};
use crate::{agents, scan, seed, Args};

/// One agent's dashboards: (arrival µs, its queue's `waiting`), in arrival order.
type Seen = Vec<(u64, u32)>;

/// What the clients share with the driver.
struct Shared {
    clock: Clock,
    /// Per agent: (arrival µs, waiting) of every dashboard, handed over at the end.
    frames: Mutex<Vec<(usize, Seen)>>,
    /// Per agent, the newest `waiting` seen (so the driver knows when all caught up).
    newest: Vec<AtomicUsize>,
}

pub async fn run(args: &Args) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let t = Instant::now();
    let seeded = seed::team(&url, args.agents).await?;
    let db = lds::db::Db::connect(&url).await?;
    for k in 0..args.queues {
        queues::add_queue(&db, "Bench", &format!("q{k}"), None, false).await?;
    }
    for i in 0..args.agents {
        let email = format!("agent{i}@bench.test");
        queues::set_member(&db, "Bench", "default", &email, false).await?;
        let queue = format!("q{}", i % args.queues);
        queues::set_member(&db, "Bench", &queue, &email, true).await?;
    }
    db.pool.close().await;
    let seed_secs = t.elapsed().as_secs_f64();

    let (mut server, addr) = crate::start_server(&url)?;
    let pid = server.id().to_string();
    let shared = Arc::new(Shared {
        clock: Clock::start(),
        frames: Mutex::new(Vec::new()),
        newest: (0..args.agents).map(|_| AtomicUsize::new(0)).collect(),
    });
    let (stop_tx, stop) = watch::channel(false);
    let t = Instant::now();
    let ws = format!("ws://{addr}/api/v1/agent/ws");
    for (i, token) in seeded.tokens.iter().enumerate() {
        let ws = agents::open(&ws, Some(token)).await?;
        tokio::spawn(client(i, ws, shared.clone(), stop.clone()));
    }
    let connect_secs = t.elapsed().as_secs_f64();
    // Every agent's first dashboard (all zeros) before the first customer.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let load = stats::load_average();
    let cpu_before = stats::cpu_secs(&pid);
    let started = Instant::now();
    let sent = post(args, &addr, &seeded.intake_key, &shared).await?;
    // Until every agent saw its queue's final count, or 30 s.
    let final_count = |agent: usize| {
        let k = agent % args.queues;
        (0..args.requests).filter(|n| n % args.queues == k).count()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline
        && (0..args.agents).any(|a| shared.newest[a].load(Ordering::Relaxed) < final_count(a))
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = stats::cpu_secs(&pid) - cpu_before;
    let _ = stop_tx.send(true);
    let hand_over = Instant::now() + Duration::from_secs(30);
    while shared.frames.lock().unwrap().len() < args.agents && Instant::now() < hand_over {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = server.kill();
    let _ = server.wait();

    let frames = std::mem::take(&mut *shared.frames.lock().unwrap());
    let (mut staleness, mut missing, mut frame_count) = (Vec::new(), 0usize, 0usize);
    for (agent, seen) in &frames {
        frame_count += seen.len();
        let k = agent % args.queues;
        for (n, sent_us) in sent
            .iter()
            .enumerate()
            .filter(|(n, _)| n % args.queues == k)
        {
            let count = (n / args.queues + 1) as u32;
            match seen.iter().find(|(_, waiting)| *waiting >= count) {
                Some((at, _)) => staleness.push(at.saturating_sub(*sent_us)),
                None => missing += 1,
            }
        }
    }
    let within = staleness.iter().filter(|us| **us <= 500_000).count();
    let total = staleness.len() + missing;
    let summary = Summary::of(staleness);
    println!("seeding {seed_secs:.1} s, connecting {connect_secs:.1} s; load during run=[{load}]");
    println!(
        "dashboard staleness {summary}  ({} agent×customer changes, {missing} never shown)",
        total
    );
    println!(
        "  within 500 ms: {within}/{total} ({:.2}%)  all within: {}",
        100.0 * within as f64 / total.max(1) as f64,
        within == total
    );
    println!(
        "  dashboard frames: {frame_count} to {} agents over {wall:.1} s ({:.2} per agent per second)",
        frames.len(),
        frame_count as f64 / frames.len().max(1) as f64 / wall
    );
    println!(
        "server            cpu={cpu:.2} s over {wall:.1} s ({:.0}% of one core)  load after=[{}]",
        100.0 * cpu / wall,
        stats::load_average()
    );
    Ok(())
}

/// Posts the customers round-robin to the queues at the rate; returns when each was sent (µs).
async fn post(args: &Args, addr: &str, key: &str, shared: &Arc<Shared>) -> Result<Vec<u64>> {
    let client = reqwest::Client::builder().tcp_nodelay(true).build()?;
    let url = format!("http://{addr}/api/v1/requests");
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    let mut posts = tokio::task::JoinSet::new();
    let mut sent = Vec::with_capacity(args.requests);
    for n in 0..args.requests {
        tick.tick().await;
        let queue = n % args.queues;
        let body =
            format!(r#"{{"kind":"call_now","customer":{{"name":"L{n}"}},"queue":"q{queue}"}}"#);
        let request = client
            .post(&url)
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(body);
        sent.push(shared.clock.now_us());
        posts.spawn(async move {
            let r = request.send().await?;
            anyhow::ensure!(r.status() == 201, "intake answered {}", r.status());
            Ok(())
        });
    }
    while let Some(r) = posts.join_next().await {
        r??;
    }
    Ok(sent)
}

/// Reads frames until `stop`, recording each dashboard's arrival and waiting count.
async fn client(
    me: usize,
    mut ws: agents::Ws,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let mut seen = Vec::new();
    loop {
        let msg = tokio::select! {
            biased;
            _ = stop.changed() => break,
            msg = ws.next() => msg,
        };
        let Some(Ok(msg)) = msg else { break };
        let arrived = shared.clock.now_us();
        let Message::Text(text) = msg else { continue };
        let text = text.as_str();
        if !text.starts_with(r#"{"type":"dashboard""#) {
            continue;
        }
        // Each agent serves one queue: the frame lists one.
        if let Some(waiting) = scan::number_after(text, r#""waiting":"#) {
            seen.push((arrived, waiting as u32));
            shared.newest[me].store(waiting as usize, Ordering::Relaxed);
        }
    }
    shared.frames.lock().unwrap().push((me, seen));
}

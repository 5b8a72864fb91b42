//! `lds-loadgen`: the LDS benchmark (not a test). Seeds a team of N agents, starts the real
//! `lds serve` binary, connects every agent over loopback, posts customer requests at a steady
//! rate, and prints in one report:
//! - offer latency (intake POST sent → `offered` frame read, at every agent) p50/p99/max, split
//!   into the intake path (sent → first agent's frame) and the fan-out (first → last agent);
//! - the intake round trip (POST sent → 201 read);
//! - claim verdict latency (accept sent → reply read) for one agent per request;
//! - the server's CPU time and peak memory (from /proc), and the clients' own CPU;
//! - the same fan-out through a bare tokio-tungstenite broadcast loop (the floor), and the ratio;
//! - the load average, since the machine is shared.
//!
//! `cargo build --release -p lds -p lds-loadgen --bins && ./target/release/lds-loadgen --agents 1000`
//!
//! `--dashboard` measures the dashboard's fan-out instead (see dashboard.rs):
//! `lds-loadgen --dashboard --agents 1000 --queues 20 --rate 20 --requests 600`
//!
//! `--chats` measures chat messages both ways instead (see chats.rs):
//! `lds-loadgen --chats --agents 1000 --rate 2 --requests 240`
//!
//! `--contacts N` measures the contact search over N contacts instead (see contacts.rs):
//! `lds-loadgen --contacts 100000` (`--database-url postgres://…` for PostgreSQL)

mod agents;
mod chats;
mod contacts;
mod dashboard;
mod floor;
mod scan;
mod seed;
mod stats;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Parser;
use tokio::sync::watch;

use agents::Shared;
use stats::Summary;

#[derive(Parser)]
pub(crate) struct Args {
    #[arg(long, default_value_t = 1000)]
    agents: usize,
    #[arg(long, default_value_t = 200)]
    requests: usize,
    /// Customer requests per second.
    #[arg(long, default_value_t = 10.0)]
    rate: f64,
    /// Threads for the N clients. One leaves the other core to the server, which is what a
    /// 2-core machine can give it; the floor is measured with the same clients.
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
    /// WebSocket handshakes in flight at once while connecting.
    #[arg(long, default_value_t = 200)]
    connect_batch: usize,
    /// How long the claiming agent waits after its offer arrives before it accepts. 0 (the
    /// default) is the worst case: the `taken` fan-out then overlaps the offer's. A person
    /// tapping a notification takes a second or more.
    #[arg(long, default_value_t = 0)]
    accept_after_ms: u64,
    /// Skip the floor measurement.
    #[arg(long)]
    no_floor: bool,
    /// Measure the dashboard's staleness instead of offers (agents spread over `--queues`).
    #[arg(long)]
    dashboard: bool,
    /// With `--dashboard`: how many queues the agents are spread over.
    #[arg(long, default_value_t = 20)]
    queues: usize,
    /// Measure chat messages instead (see chats.rs): `--agents` agents each in a chat with a
    /// customer, the customers writing `--requests` messages in all at `--rate` per second.
    #[arg(long)]
    chats: bool,
    /// Measure the contact search instead of offers: seed this many contacts (see contacts.rs).
    #[arg(long, default_value_t = 0)]
    contacts: usize,
    /// With `--contacts`: searches of each kind.
    #[arg(long, default_value_t = 500)]
    searches: usize,
    /// With `--contacts`: an empty database to seed and serve from (`postgres://…`) instead of
    /// a fresh SQLite file; `scripts/bench-contacts-postgres.sh` makes one.
    #[arg(long)]
    database_url: Option<String>,
    /// Internal: run as the floor's server process (see floor.rs).
    #[arg(long, hide = true)]
    serve_floor: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.serve_floor {
        return floor::serve_child();
    }
    let fd_limit = stats::raise_fd_limit();
    let rt = if args.client_threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.client_threads)
            .enable_all()
            .build()?
    };
    println!(
        "agents={} requests={} rate={}/s client_threads={} accept_after={} ms fd_limit={fd_limit} load_before=[{}]",
        args.agents,
        args.requests,
        args.rate,
        args.client_threads,
        args.accept_after_ms,
        stats::load_average()
    );
    if args.dashboard {
        return rt.block_on(dashboard::run(&args));
    }
    if args.chats {
        return rt.block_on(chats::run(&args));
    }
    if args.contacts > 0 {
        return rt.block_on(contacts::run(&args));
    }
    rt.block_on(run(&args))
}

/// Starts the `lds` binary next to this one on `url`; returns it and its address.
pub(crate) fn start_server(url: &str) -> Result<(std::process::Child, String)> {
    let bin = std::env::current_exe()?.with_file_name("lds");
    let mut server = std::process::Command::new(&bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
        .args(["--intake-per-team-per-min", "1000000"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let addr = listening_addr(&mut server)?;
    Ok((server, addr))
}

async fn run(args: &Args) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let t = Instant::now();
    let seeded = seed::team(&url, args.agents).await?;
    let seed_secs = t.elapsed().as_secs_f64();

    let (mut server, addr) = start_server(&url)?;
    let pid = server.id().to_string();

    let (stop_tx, stop) = watch::channel(false);
    let shared = Shared::new(
        args.agents,
        args.requests,
        Some(Duration::from_millis(args.accept_after_ms)),
    );
    let t = Instant::now();
    let ws = format!("ws://{addr}/api/v1/agent/ws");
    let connected = agents::connect_all(
        &ws,
        args.agents,
        &seeded.tokens,
        args.connect_batch,
        &shared,
        &stop,
    )
    .await;
    if let Err(e) = connected {
        let _ = server.kill();
        return Err(e.context("connecting the agents"));
    }
    let connect_secs = t.elapsed().as_secs_f64();

    let load = stats::load_average();
    let cpu_before = stats::cpu_secs(&pid);
    let client_cpu_before = stats::cpu_secs("self");
    let started = Instant::now();
    let intakes = post_requests(args, &addr, &seeded.intake_key, &shared).await?;
    wait_for_offers(&shared, args.agents * args.requests).await;
    let wall = started.elapsed().as_secs_f64();
    let cpu = stats::cpu_secs(&pid) - cpu_before;
    let client_cpu = stats::cpu_secs("self") - client_cpu_before;
    let rss_mb = stats::peak_rss_mb(&pid);
    let _ = stop_tx.send(true);
    collect(&shared, args.agents).await;
    let _ = server.kill();
    let _ = server.wait();

    let expected = args.agents * args.requests;
    let (to_first, spread) = shared.spread.split(&shared.sent);
    let offers = Summary::of(std::mem::take(&mut *shared.offers.lock().unwrap()));
    println!("seeding {seed_secs:.1} s, connecting {connect_secs:.1} s; load during run=[{load}]");
    println!(
        "offer latency     {offers}  ({}/{expected} offers)",
        offers.n
    );
    println!("  sent→first      {}", Summary::of(to_first));
    println!("  first→last      {}", Summary::of(spread));
    println!("intake round trip {}", Summary::of(intakes));
    let verdicts = Summary::of(std::mem::take(&mut *shared.verdicts.lock().unwrap()));
    println!("claim verdict     {verdicts}");
    println!(
        "server            cpu={cpu:.2} s over {wall:.1} s ({:.0}% of one core)  peak RSS={rss_mb:.0} MB",
        100.0 * cpu / wall
    );
    println!(
        "clients           cpu={client_cpu:.2} s ({:.0}% of one core)",
        100.0 * client_cpu / wall
    );
    if !args.no_floor {
        let floor = measure_floor(args).await?;
        println!(
            "bare broadcast    {floor}  load=[{}]",
            stats::load_average()
        );
        println!(
            "ratio p99 lds/floor = {:.1}",
            offers.p99 / floor.p99.max(0.001)
        );
    }
    Ok(())
}

fn listening_addr(server: &mut std::process::Child) -> Result<String> {
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(server.stdout.take().context("no stdout")?).lines();
    let addr = loop {
        let line = lines.next().context("lds exited")??;
        if let Some(a) = line.strip_prefix("listening on ") {
            break a.to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Ok(addr)
}

/// Posts `call_now` requests at the steady rate, each POST its own task so a slow answer does
/// not delay the next one. Returns the round trips in µs.
async fn post_requests(
    args: &Args,
    addr: &str,
    key: &str,
    shared: &Arc<Shared>,
) -> Result<Vec<u64>> {
    let client = reqwest::Client::builder().tcp_nodelay(true).build()?;
    let url = format!("http://{addr}/api/v1/requests");
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    let mut posts = tokio::task::JoinSet::new();
    for n in 0..args.requests {
        tick.tick().await;
        let body = format!(r#"{{"kind":"call_now","customer":{{"name":"L{n}"}}}}"#);
        let request = client
            .post(&url)
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(body);
        let shared = shared.clone();
        posts.spawn(async move {
            let t0 = shared.clock.now_us();
            shared.sent[n].store(t0, Ordering::Relaxed);
            let r = request.send().await?;
            let t1 = shared.clock.now_us();
            anyhow::ensure!(r.status() == 201, "intake answered {}", r.status());
            Ok(t1 - t0)
        });
    }
    let mut trips = Vec::with_capacity(args.requests);
    while let Some(r) = posts.join_next().await {
        trips.push(r??);
    }
    Ok(trips)
}

/// Waits until every offer arrived, or 60 s without progress.
async fn wait_for_offers(shared: &Shared, expected: usize) {
    let mut seen = 0;
    let mut last_progress = Instant::now();
    while seen < expected && last_progress.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now_seen = shared.offers_seen.load(Ordering::Relaxed);
        if now_seen > seen {
            seen = now_seen;
            last_progress = Instant::now();
        }
    }
}

/// Waits for the clients to hand their samples over after `stop`.
async fn collect(shared: &Shared, clients: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while shared.handed_over.load(Ordering::Relaxed) < clients && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn measure_floor(args: &Args) -> Result<Summary> {
    let mut floor = floor::Floor::start()?;
    let (stop_tx, stop) = watch::channel(false);
    let shared = Shared::new(args.agents, args.requests, None);
    let url = format!("ws://{}", floor.addr);
    agents::connect_all(&url, args.agents, &[], args.connect_batch, &shared, &stop).await?;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    for n in 0..args.requests {
        tick.tick().await;
        shared.sent[n].store(shared.clock.now_us(), Ordering::Relaxed);
        floor.send(n)?;
    }
    wait_for_offers(&shared, args.agents * args.requests).await;
    let _ = stop_tx.send(true);
    collect(&shared, args.agents).await;
    let samples = std::mem::take(&mut *shared.offers.lock().unwrap());
    Ok(Summary::of(samples))
}

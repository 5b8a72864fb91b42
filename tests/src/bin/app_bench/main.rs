//! `app_bench`: the agent app's figures of issue 6, measured on the real release build inside a
//! desktop session (Xvfb, private D-Bus, dunst, gnome-keyring), and printed as one table.
//!
//! Run it with `scripts/bench-app.sh`, which builds everything in release and starts the session;
//! `--help` lists the options (subset of scenarios, a shorter idle window for a quick run).
//! These are benchmarks, not tests: nothing here asserts a time, the goals are printed beside
//! the figures.

mod cast;
mod idle;
mod intake;
mod marks;
mod report;
mod rows;
mod start;
mod stats;

use std::time::Duration;

use anyhow::Result;
use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    /// Customer intake → `Notify` on the session bus, p50/p99/max.
    Intake,
    /// Cold start with the token in the keyring → signed in, synced and rendered.
    Start,
    /// Resident memory (RSS and PSS) of the app's process tree, idle with pending requests.
    Memory,
    /// CPU over an idle window with the socket open.
    Idle,
    /// Render and update times with thousands of pending requests.
    Rows,
}

#[derive(Parser)]
#[command(about = "Benchmarks of the Heads-Up agent app (run through scripts/bench-app.sh)")]
struct Cli {
    /// Scenarios to run (comma-separated); all when not given.
    #[arg(long, value_delimiter = ',')]
    only: Vec<Scenario>,
    /// Requests posted in the intake scenario.
    #[arg(long, default_value_t = 1000)]
    requests: usize,
    /// Intake requests per second.
    #[arg(long, default_value_t = 20.0)]
    rate: f64,
    /// In the intake scenario, each customer gives up (the request is cancelled through the
    /// LDS) this many seconds after arriving, as when colleagues take customers: the queue stays
    /// bounded. Without it nobody takes anything and the queue grows to `--requests`.
    #[arg(long)]
    give_up_secs: Option<f64>,
    /// In the intake scenario, unclaimed requests already waiting (posted while the app is
    /// closed) when the timed requests start: `--preload 5000` is the issue-13 goal's scenario.
    #[arg(long, default_value_t = 0)]
    preload: usize,
    /// Timed cold starts.
    #[arg(long, default_value_t = 5)]
    starts: usize,
    /// Pending requests during the cold starts and the memory measurement.
    #[arg(long, default_value_t = 100)]
    pending: usize,
    /// Length of the idle CPU window, in seconds.
    #[arg(long, default_value_t = 600)]
    idle_secs: u64,
    /// Pending requests in the render scenario.
    #[arg(long, default_value_t = 5000)]
    rows: usize,
    /// In the render scenario, requests posted one at a time after the full render, each timed
    /// from its POST to its row in the DOM (p50/p99 over them).
    #[arg(long, default_value_t = 50)]
    row_updates: usize,
    /// Seconds to let the app settle before memory and idle measurements.
    #[arg(long, default_value_t = 10)]
    settle_secs: u64,
}

impl Cli {
    fn wants(&self, s: Scenario) -> bool {
        self.only.is_empty() || self.only.contains(&s)
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let mut report = report::Report::new();
    eprintln!(
        "[bench] app {} · load at start {}",
        headsup_tests::required_env("HEADSUP_APP_BIN"),
        report::load()
    );
    let settle = Duration::from_secs(cli.settle_secs);
    let result = run(&cli, &mut report, settle).await;
    // What was measured is printed even when a later scenario failed.
    report.print();
    result
}

async fn run(cli: &Cli, report: &mut report::Report, settle: Duration) -> Result<()> {
    if cli.wants(Scenario::Intake) {
        let opts = intake::Options {
            requests: cli.requests,
            rate: cli.rate,
            give_up: cli.give_up_secs.map(Duration::from_secs_f64),
            preload: cli.preload,
        };
        intake::run(report, &opts).await?;
    }
    if cli.wants(Scenario::Start) || cli.wants(Scenario::Memory) {
        let opts = start::Options {
            starts: cli.starts,
            pending: cli.pending,
            settle,
            memory: cli.wants(Scenario::Memory),
            cold_start: cli.wants(Scenario::Start),
        };
        start::run(report, &opts).await?;
    }
    if cli.wants(Scenario::Rows) {
        let opts = rows::Options {
            rows: cli.rows,
            updates: cli.row_updates,
        };
        rows::run(report, &opts).await?;
    }
    if cli.wants(Scenario::Idle) {
        let opts = idle::Options {
            idle: Duration::from_secs(cli.idle_secs),
            settle,
        };
        idle::run(report, &opts).await?;
    }
    Ok(())
}

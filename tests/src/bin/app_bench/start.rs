//! Scenarios 2 and 3: cold start with the token in the keyring, then resident memory idle with
//! the pending requests on screen.
//!
//! A first run signs in through the form (the token goes to the keyring) and `pending` requests
//! are posted. Then, `starts` times: the app is stopped and started again on the same data
//! folder, and the webview's own timestamps say when it showed the agent signed in and the
//! synced queue with every row (see `marks`). Times are from the `headsup` process's start
//! (from /proc, 10 ms resolution). The page cache is warm: this is the start an agent sees on a
//! second launch, not the first after boot.

use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use headsup_tests::app::App;
use headsup_tests::procs;

use crate::cast::{poll, queue_rows, quit_and_wait_gone, Cast};
use crate::marks;
use crate::report::Report;
use crate::stats::{ms, summarize};

pub struct Options {
    pub starts: usize,
    pub pending: usize,
    pub settle: Duration,
    /// Measure memory after the last start.
    pub memory: bool,
    /// Time the starts (else only one start, for memory).
    pub cold_start: bool,
}

const PROFILE: &str = "bench-start";

pub async fn run(report: &mut Report, opts: &Options) -> Result<()> {
    let cast = Cast::start()?;
    let data = tempfile::tempdir()?;
    let app = cast.first_run(PROFILE, data.path()).await?;
    let names: Vec<String> = (0..opts.pending)
        .map(|i| format!("Pending {i:04}"))
        .collect();
    cast.seed(&names, 8).await?;
    poll(
        Duration::from_secs(120),
        Duration::from_millis(200),
        || async { (queue_rows(&app).await >= opts.pending).then_some(()) },
    )
    .await
    .context("the first run never showed every pending request")?;
    quit_and_wait_gone(app).await;

    let runs = if opts.cold_start { opts.starts } else { 1 };
    let mut to_window = Vec::new();
    let mut to_signed_in = Vec::new();
    let mut to_synced = Vec::new();
    let mut to_painted = Vec::new();
    let mut launch_overhead = Vec::new();
    let mut late = 0;
    for run in 1..=runs {
        let launched = SystemTime::now();
        let app =
            App::start_with_data(&cast.lds.base_url, PROFILE, data.path().to_path_buf()).await?;
        marks::watch(&app, "signed_in", &[("#agent-name", 1)]).await;
        marks::watch(
            &app,
            "synced",
            &[
                ("#connection-bar[data-state=\"synced\"]", 1),
                (marks::QUEUE_ROWS, opts.pending),
            ],
        )
        .await;
        let pid = app
            .app_pid()
            .context("the headsup process under the drivers")?;
        let started = procs::started_at(pid).context("start time of headsup")?;
        let origin = marks::time_origin(&app).await;
        let (signed_in, _) = marks::wait_painted(&app, "signed_in", Duration::from_secs(60)).await;
        let (synced, painted) = marks::wait_painted(&app, "synced", Duration::from_secs(60)).await;
        let since = |t: SystemTime| t.duration_since(started).unwrap_or_default();
        late += usize::from(signed_in.late) + usize::from(synced.late);
        launch_overhead.push(started.duration_since(launched).unwrap_or_default());
        to_window.push(since(origin));
        to_signed_in.push(since(signed_in.at));
        to_synced.push(since(synced.at));
        to_painted.push(since(painted.at));
        eprintln!(
            "[bench] start {run}: window {} · signed in {}{} · synced+rendered {}{} · painted {}",
            ms(since(origin)),
            ms(since(signed_in.at)),
            if signed_in.late { " (≤)" } else { "" },
            ms(since(synced.at)),
            if synced.late { " (≤)" } else { "" },
            ms(since(painted.at)),
        );
        if run == runs && opts.memory {
            tokio::time::sleep(opts.settle).await;
            memory(report, pid, opts.pending);
        }
        quit_and_wait_gone(app).await;
    }
    if opts.cold_start {
        let figure = |xs: &[Duration]| {
            let s = summarize(xs).expect("at least one start");
            format!("median {} · max {}", ms(s.p50), ms(s.max))
        };
        let n = format!("{runs} starts, {} pending", opts.pending);
        report.add(
            "cold start: process start → webview navigation begins (≈ first window)",
            figure(&to_window),
            n.clone(),
        );
        report.add(
            "cold start: process start → signed in (from the keyring)",
            figure(&to_signed_in),
            n.clone(),
        );
        report.add(
            "cold start: process start → synced and every row rendered",
            figure(&to_synced),
            format!("{n}; goal < 1.5 s"),
        );
        report.add(
            "cold start: process start → that frame painted",
            figure(&to_painted),
            format!(
                "{n}; {late} marks were already true when the observer was installed \
                 (then the install time is used: an upper bound)"
            ),
        );
        report.add(
            "cold start: launch by WebDriver → headsup process started (tooling, not the app)",
            figure(&launch_overhead),
            n,
        );
    }
    Ok(())
}

/// Resident memory of the app's process tree (headsup and its WebKit processes).
fn memory(report: &mut Report, pid: u32, pending: usize) {
    let tree = procs::tree_memory(pid);
    let rss: u64 = tree.iter().map(|(_, m)| m.rss_kib).sum();
    let pss: u64 = tree.iter().map(|(_, m)| m.pss_kib).sum();
    let parts: Vec<String> = tree
        .iter()
        .map(|(s, m)| format!("{} {:.0} MiB", s.comm, m.pss_kib as f64 / 1024.0))
        .collect();
    report.add(
        &format!("memory idle with {pending} pending (release): PSS of the app's process tree"),
        format!("{:.0} MiB", pss as f64 / 1024.0),
        format!(
            "RSS sum {:.0} MiB (shared pages counted per process); PSS by process: {}",
            rss as f64 / 1024.0,
            parts.join(", ")
        ),
    );
}

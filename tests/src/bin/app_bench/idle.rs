//! Scenario 4: CPU used by the app while idle: signed in, socket open (heartbeats running), no
//! customer traffic, empty queue. CPU is utime + stime from /proc, summed over the app's process
//! tree (headsup and its WebKit processes), read at both ends of the window.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use headsup_tests::procs;

use crate::cast::Cast;
use crate::report::Report;

pub struct Options {
    pub idle: Duration,
    pub settle: Duration,
}

pub async fn run(report: &mut Report, opts: &Options) -> Result<()> {
    let cast = Cast::start()?;
    let data = tempfile::tempdir()?;
    let app = cast.first_run("bench-idle", data.path()).await?;
    tokio::time::sleep(opts.settle).await;
    let pid = app
        .app_pid()
        .context("the headsup process under the drivers")?;

    let before: HashMap<u32, (String, u64)> = procs::tree(pid)
        .into_iter()
        .map(|s| (s.pid, (s.comm, s.cpu_ticks)))
        .collect();
    let notifies_before = cast.bus.notify_count();
    eprintln!("[bench] idle: watching {:?} for {:?}", before, opts.idle);
    let started = Instant::now();
    tokio::time::sleep(opts.idle).await;
    let wall = started.elapsed();
    let after = procs::tree(pid);

    let mut total = 0;
    let mut parts = Vec::new();
    for s in &after {
        // A process born during the window counts from zero.
        let used = s.cpu_ticks - before.get(&s.pid).map_or(0, |(_, t)| *t);
        total += used;
        parts.push(format!(
            "{} {:.2} s",
            s.comm,
            procs::ticks_to_duration(used).as_secs_f64()
        ));
    }
    let gone = before
        .keys()
        .filter(|p| !after.iter().any(|s| s.pid == **p))
        .count();
    let cpu = procs::ticks_to_duration(total);
    report.add(
        &format!(
            "CPU over {:.0} s idle, signed in, socket open, empty queue",
            wall.as_secs_f64()
        ),
        format!("{:.2} CPU-s ({:.3} % of a core)", cpu.as_secs_f64(), 100.0 * cpu.as_secs_f64() / wall.as_secs_f64()),
        format!(
            "by process: {}; {gone} processes exited during the window (their time is lost); \
             {} Notify calls during the window; /proc counts in 10 ms ticks; goal < 1 CPU-s per 600 s",
            parts.join(", "),
            cast.bus.notify_count() - notifies_before
        ),
    );
    app.quit().await;
    Ok(())
}

//! Scenario 1: customer intake → the app's `Notify` call on the session bus.
//!
//! The app is signed in; requests are posted at a steady rate, each from a customer with a
//! unique name, so its first alert ("NAME is waiting for a call") is unique too. Latency is from
//! just before the intake `POST` is sent to dbus-monitor's own timestamp of the `Notify` call.
//! Re-alerts have another body ("NAME has been waiting …") and the team's offers never time out
//! during the run, so only first alerts are matched. Missing and doubled first alerts are counted
//! and reported, never dropped.
//!
//! With `--preload N` the queue already holds N unclaimed customers when the clock starts: a
//! first run signs in and stops, the N requests are posted while the app is closed, and the app
//! starts on the full queue (one catch-up alert) before the timed requests arrive. Re-alerts run
//! as the app's default settings say (every 30 s, 3 times), so they interleave with the timed
//! requests of any run longer than 30 s.
//!
//! The daemon is kept nearly empty during the run (its bubbles are closed every 250 ms): the
//! tests' dunst keeps every bubble until clicked (`timeout = 0`), and its answer to `Notify` slows
//! with the bubbles it holds (about 8 s with 250 held, measured with this benchmark); the app waits
//! for each answer before its next call, so a full daemon, not the app, would set the figure.
//! The daemon's own answer times are reported beside it.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Result;

use crate::cast::{poll, queue_rows, quit_and_wait_gone, Cast};
use crate::report::Report;
use crate::stats::{ms, summarize};
use headsup_tests::app::App;

pub struct Options {
    pub requests: usize,
    pub rate: f64,
    /// Cancel each request this long after posting it (bounded queue), or never.
    pub give_up: Option<Duration>,
    /// Unclaimed requests already waiting when the timed requests start.
    pub preload: usize,
}

const PROFILE: &str = "bench-intake";

fn body_of(name: &str) -> String {
    format!("{name} is waiting for a call")
}

fn micros(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_micros() as u64
}

pub async fn run(report: &mut Report, opts: &Options) -> Result<()> {
    let cast = Cast::start()?;
    let data = tempfile::tempdir()?;
    let mut app = cast.first_run(PROFILE, data.path()).await?;
    if opts.preload > 0 {
        quit_and_wait_gone(app).await;
        let names: Vec<String> = (0..opts.preload)
            .map(|i| format!("Waiting {i:05}"))
            .collect();
        let seeding = cast.seed(&names, 16).await?;
        eprintln!(
            "[bench] intake: {} requests preloaded in {seeding:?}",
            opts.preload
        );
        app = App::start_with_data(&cast.lds.base_url, PROFILE, data.path().to_path_buf()).await?;
        app.wait_synced().await;
        let loaded = poll(Duration::from_secs(300), Duration::from_millis(500), || {
            let app = &app;
            async move { (queue_rows(app).await >= opts.preload).then_some(()) }
        })
        .await;
        if loaded.is_none() {
            eprintln!("[bench] intake: the preloaded rows did not all show within 300 s");
        }
        headsup_tests::daemon::clear().await;
    }
    // Let the first sync's work (view, saved state) finish before the clock starts.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let names: Vec<String> = (0..opts.requests)
        .map(|i| format!("Intake {i:05}"))
        .collect();
    eprintln!(
        "[bench] intake: posting {} requests at {}/s{}",
        opts.requests,
        opts.rate,
        opts.give_up
            .map(|d| format!(", each cancelled {:.1} s after arriving", d.as_secs_f64()))
            .unwrap_or_default()
    );
    let sweeping = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sweeper = {
        let sweeping = sweeping.clone();
        tokio::spawn(async move {
            while sweeping.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = tokio::process::Command::new("dunstctl")
                    .arg("close-all")
                    .status()
                    .await;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / opts.rate));
    let mut posts = tokio::task::JoinSet::new();
    let cast = std::sync::Arc::new(cast);
    for (i, name) in names.iter().enumerate() {
        ticker.tick().await;
        // Each POST in its own task: a slow answer must not delay the next request's schedule.
        let cast = cast.clone();
        let name = name.clone();
        let give_up = opts.give_up;
        posts.spawn(async move {
            let started = std::time::Instant::now();
            let r = cast.post(&name).await;
            let r = r.map(|(sent, resp)| (sent, started.elapsed(), resp.request.id));
            if let (Ok((_, _, id)), Some(after)) = (&r, give_up) {
                tokio::time::sleep(after).await;
                if let Err(e) = cast.cancel(*id).await {
                    eprintln!("[bench] cancel of {name} failed: {e:#}");
                }
            }
            (i, r.map(|(sent, answered_in, _)| (sent, answered_in)))
        });
    }
    let mut sent = vec![None; names.len()];
    let mut intake_answer = Vec::new();
    let mut refused = 0;
    while let Some(joined) = posts.join_next().await {
        let (i, r) = joined?;
        match r {
            Ok((at, answered_in)) => {
                sent[i] = Some(at);
                intake_answer.push(answered_in);
            }
            Err(e) => {
                refused += 1;
                eprintln!("[bench] intake refused {}: {e:#}", names[i]);
            }
        }
    }

    // Wait for every first alert, or until none has arrived for a while.
    let bodies: HashMap<String, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (body_of(n), i))
        .collect();
    let quiet_limit = Duration::from_secs(20);
    let mut last_count = 0;
    let mut last_change = std::time::Instant::now();
    let mut last_print = std::time::Instant::now();
    poll(Duration::from_secs(180), Duration::from_millis(500), || {
        let seen = cast
            .bus
            .notify_times()
            .iter()
            .filter(|(_, _, body)| bodies.contains_key(body))
            .count();
        if seen != last_count {
            last_count = seen;
            last_change = std::time::Instant::now();
        }
        if last_print.elapsed() > Duration::from_secs(5) {
            last_print = std::time::Instant::now();
            eprintln!("[bench] intake: {seen}/{} first alerts seen", names.len());
        }
        let done = seen >= names.len() || last_change.elapsed() > quiet_limit;
        async move { done.then_some(()) }
    })
    .await;

    sweeping.store(false, std::sync::atomic::Ordering::Relaxed);
    let _ = sweeper.await;

    let mut first: Vec<Option<u64>> = vec![None; names.len()];
    let mut count = vec![0usize; names.len()];
    let mut realerts = 0;
    for (time_us, _, body) in cast.bus.notify_times() {
        if let Some(&i) = bodies.get(&body) {
            count[i] += 1;
            first[i] = Some(first[i].map_or(time_us, |t: u64| t.min(time_us)));
        } else if body.starts_with("Intake ") && body.contains(" has been waiting ") {
            realerts += 1;
        }
    }
    // (request index, latency) of every request whose first alert was seen.
    let matched: Vec<(usize, Duration)> = (0..names.len())
        .filter_map(|i| {
            let sent = micros(sent[i]?);
            Some((i, Duration::from_micros(first[i]?.saturating_sub(sent))))
        })
        .collect();
    let latencies: Vec<Duration> = matched.iter().map(|(_, d)| *d).collect();
    // The queue grows by one pending request per post: p99 by fifth of the run shows whether the
    // latency grows with it.
    let fifth = names.len().div_ceil(5).max(1);
    let by_fifth: Vec<String> = (0..5)
        .filter_map(|k| {
            let block: Vec<Duration> = matched
                .iter()
                .filter(|(i, _)| i / fifth == k)
                .map(|(_, d)| *d)
                .collect();
            summarize(&block).map(|s| format!("{}/{}", ms(s.p50), ms(s.p99)))
        })
        .collect();
    let mut slowest = matched.clone();
    slowest.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
    let slowest: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|(i, d)| format!("#{i} {}", ms(*d)))
        .collect();
    let missing = (0..names.len())
        .filter(|&i| sent[i].is_some() && first[i].is_none())
        .count();
    let doubled = count.iter().filter(|&&c| c > 1).count();

    let what = format!(
        "intake → Notify on the bus ({} requests at {}/s, {} already waiting, {})",
        opts.requests,
        opts.rate,
        opts.preload,
        match opts.give_up {
            Some(d) => format!("each cancelled after {:.0} s", d.as_secs_f64()),
            None => "none taken: the queue grows".into(),
        }
    );
    match summarize(&latencies) {
        Some(s) => report.add(
            &what,
            format!("p50 {} · p99 {} · max {}", ms(s.p50), ms(s.p99), ms(s.max)),
            format!(
                "{} matched, {missing} missing, {doubled} doubled, {refused} refused by intake; \
                 {realerts} re-alerts seen (not matched); p50/p99 by fifth of the run (queue \
                 growing): {}; slowest: {}; goal p99 < 50 ms",
                s.count,
                by_fifth.join(", "),
                slowest.join(", ")
            ),
        ),
        None => report.add(&what, "no Notify matched", format!("{missing} missing")),
    }
    if let Some(s) = summarize(&cast.bus.daemon_reply_times()) {
        report.add(
            "notification daemon's answer to Notify (same run, dunst)",
            format!("p50 {} · p99 {} · max {}", ms(s.p50), ms(s.p99), ms(s.max)),
            format!("{} answers", s.count),
        );
    }
    if let Some(s) = summarize(&intake_answer) {
        report.add(
            "intake POST answered (same run)",
            format!("p50 {} · p99 {}", ms(s.p50), ms(s.p99)),
            "",
        );
    }
    app.quit().await;
    Ok(())
}

//! Scenario 5: render and update times with thousands of pending requests.
//!
//! A first run signs in and stops; the requests are then posted while the app is closed, and the
//! app starts on the full queue: the first full render is timed from the process start to every
//! row in the DOM and that frame painted (webview timestamps, see `marks`). Then one more request
//! is posted: the update is timed from just before the intake `POST` to its row in the DOM and
//! painted, which includes the LDS, the socket, the core and the view's patch to the UI. Then
//! `--row-updates` more requests, one at a time (each after the previous row showed, 200 ms
//! apart), give p50/p99 of POST → row in the DOM while the re-alerts of the first run's
//! requests go on.
//! When the UI build reports its own render times (`document.body` data attributes), they are
//! printed too.

use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use headsup_tests::app::App;
use headsup_tests::procs;

use crate::cast::{quit_and_wait_gone, Cast};
use crate::marks;
use crate::report::Report;
use crate::stats::ms;

pub struct Options {
    pub rows: usize,
    /// Requests posted one at a time after the first update, each timed to its row in the DOM.
    pub updates: usize,
}

const PROFILE: &str = "bench-rows";

pub async fn run(report: &mut Report, opts: &Options) -> Result<()> {
    let cast = Cast::start()?;
    let data = tempfile::tempdir()?;
    quit_and_wait_gone(cast.first_run(PROFILE, data.path()).await?).await;

    let names: Vec<String> = (0..opts.rows).map(|i| format!("Row {i:05}")).collect();
    let seeding = cast.seed(&names, 16).await?;
    eprintln!(
        "[bench] rows: {} requests posted in {:?}",
        opts.rows, seeding
    );

    let app = App::start_with_data(&cast.lds.base_url, PROFILE, data.path().to_path_buf()).await?;
    marks::watch(
        &app,
        "full",
        &[
            ("#connection-bar[data-state=\"synced\"]", 1),
            (marks::QUEUE_ROWS, opts.rows),
        ],
    )
    .await;
    let pid = app
        .app_pid()
        .context("the headsup process under the drivers")?;
    let started = procs::started_at(pid).context("start time of headsup")?;
    let (full, painted) = marks::wait_painted(&app, "full", Duration::from_secs(300)).await;
    let since = |t: SystemTime| t.duration_since(started).unwrap_or_default();
    report.add(
        &format!(
            "{} pending: process start → synced, every row in the DOM",
            opts.rows
        ),
        ms(since(full.at)),
        format!(
            "then painted at {}{}; UI's own figures: {}",
            ms(since(painted.at)),
            if full.late {
                " (upper bound: already true when observed)"
            } else {
                ""
            },
            ui_stats(&app).await
        ),
    );
    // Let the start's work (notifications, saved state) finish before the one-row update.
    tokio::time::sleep(Duration::from_secs(5)).await;

    marks::watch(&app, "one_more", &[(marks::QUEUE_ROWS, opts.rows + 1)]).await;
    let (sent, _) = cast.post("Row extra").await?;
    let (row, painted) = marks::wait_painted(&app, "one_more", Duration::from_secs(120)).await;
    let after = |t: SystemTime| t.duration_since(sent).unwrap_or_default();
    report.add(
        &format!(
            "{} pending: one more request, intake POST → its row in the DOM",
            opts.rows
        ),
        ms(after(row.at)),
        format!(
            "painted at {}; UI's own figures: {}",
            ms(after(painted.at)),
            ui_stats(&app).await
        ),
    );
    let mut to_dom = Vec::with_capacity(opts.updates);
    for i in 0..opts.updates {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mark = format!("update_{i}");
        marks::watch(&app, &mark, &[(marks::QUEUE_ROWS, opts.rows + 2 + i)]).await;
        let (sent, _) = cast.post(&format!("Row update {i:03}")).await?;
        let (row, _) = marks::wait_painted(&app, &mark, Duration::from_secs(60)).await;
        to_dom.push(row.at.duration_since(sent).unwrap_or_default());
    }
    if let Some(s) = crate::stats::summarize(&to_dom) {
        report.add(
            &format!(
                "{} pending: {} more requests one at a time, intake POST → its row in the DOM",
                opts.rows, s.count
            ),
            format!("p50 {} · p99 {} · max {}", ms(s.p50), ms(s.p99), ms(s.max)),
            "goal p99 < 100 ms",
        );
    }
    app.quit().await;
    Ok(())
}

async fn ui_stats(app: &App) -> String {
    match marks::ui_render_stats(app, Duration::from_secs(10)).await {
        Some(v) => v.to_string(),
        None => "none (this UI build has no data-render-ms)".into(),
    }
}

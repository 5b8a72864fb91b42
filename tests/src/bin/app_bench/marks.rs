//! Timestamps taken inside the webview: when the DOM first matched a condition, and the frame
//! after that (the rows painted). A `MutationObserver` reacts to each DOM change as it happens, so
//! the time does not depend on how often WebDriver polls; WebDriver only installs the watches and
//! reads the results. Times are `performance.timeOrigin + performance.now()`: milliseconds since
//! the Unix epoch on the same clock as the benchmark's `SystemTime`.
//!
//! The observer is installed only once a WebDriver session exists, which is after the app has
//! started; a condition already true at that moment gets the install time, marked as an upper
//! bound (`Mark::late`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::cast::poll;
use headsup_tests::app::App;
use serde_json::{json, Value};

/// Stands for "rows in the pending list" in a watch: the UI's own count (`body[data-rows]`) when
/// it reports one, since a UI that renders only the rows on screen has fewer in the DOM; else
/// the rows in the DOM.
pub const QUEUE_ROWS: &str = "ROWS";

/// Installs the observer (once per page) and a watch named `name` that fires when, for every
/// `(css, at_least)` pair, at least that many elements match (see [`QUEUE_ROWS`]).
pub async fn watch(app: &App, name: &str, all: &[(&str, usize)]) {
    let script = r#"
const [name, all] = arguments;
const b = window.__bench || (window.__bench = { marks: {}, late: {}, watches: [] });
if (!b.observer) {
  b.now = () => performance.timeOrigin + performance.now();
  b.count = (css) => {
    if (css !== 'ROWS') return document.querySelectorAll(css).length;
    const reported = document.body && document.body.dataset.rows;
    return reported !== undefined ? Number(reported)
      : document.querySelectorAll('#queue .request-row').length;
  };
  b.check = () => {
    for (const w of b.watches) {
      if (w.name in b.marks) continue;
      if (!w.all.every(([css, n]) => b.count(css) >= n)) continue;
      b.marks[w.name] = b.now();
      // requestAnimationFrame runs just before the next paint; a task queued from it runs once
      // that frame is painted.
      requestAnimationFrame(() => setTimeout(() => { b.marks[w.name + ':painted'] = b.now(); }, 0));
    }
  };
  b.observer = new MutationObserver(b.check);
  b.observer.observe(document.documentElement,
    { subtree: true, childList: true, attributes: true, characterData: true });
}
b.watches.push({ name, all });
const before = b.now();
b.check();
if (name in b.marks) { b.marks[name] = before; b.late[name] = true; }
return true;
"#;
    app.client
        .execute(script, vec![json!(name), json!(all)])
        .await
        .expect("installing the timing observer in the webview");
}

/// A timestamp from the webview.
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    pub at: SystemTime,
    /// The condition was already true when the watch was installed: `at` is an upper bound.
    pub late: bool,
}

fn epoch_ms(ms: f64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs_f64(ms / 1000.0)
}

/// Waits until watch `name` fired and its frame was painted; returns (DOM matched, painted).
/// The polling only decides when to look: the times were taken in the page.
pub async fn wait_painted(app: &App, name: &str, patience: Duration) -> (Mark, Mark) {
    let state = poll(patience, Duration::from_millis(50), || async {
        let v = app
            .js("return window.__bench ? \
                 { marks: window.__bench.marks, late: window.__bench.late } : null;")
            .await;
        v["marks"]
            .get(format!("{name}:painted"))
            .is_some()
            .then_some(v)
    })
    .await
    .unwrap_or_else(|| panic!("webview mark {name} not painted within {patience:?}"));
    let late = state["late"][name].as_bool().unwrap_or(false);
    let get = |key: &str| epoch_ms(state["marks"][key].as_f64().expect("mark is a number"));
    (
        Mark {
            at: get(name),
            late,
        },
        Mark {
            at: get(&format!("{name}:painted")),
            late,
        },
    )
}

/// When the page's navigation began (the webview exists and starts loading the UI).
pub async fn time_origin(app: &App) -> SystemTime {
    epoch_ms(
        app.js("return performance.timeOrigin;")
            .await
            .as_f64()
            .expect("performance.timeOrigin"),
    )
}

/// The UI's own render probe (`ui/src/probe.rs`), when the UI build has it: `document.body`'s
/// `data-views`, `data-render-ms`, `data-paint-ms`, `data-painted`, `data-rows` of the newest
/// view. Waits (up to `patience`) until the paint figure belongs to the newest view, so both
/// describe one view. None when this UI build has no probe.
pub async fn ui_render_stats(app: &App, patience: Duration) -> Option<Value> {
    poll(patience, Duration::from_millis(50), || async {
        let v = app
            .js(
                "const d = document.body.dataset; return d.renderMs === undefined ? 'none' : \
                 { views: d.views, render_ms: d.renderMs, paint_ms: d.paintMs, \
                   painted: d.painted, rows: d.rows };",
            )
            .await;
        if v == "none" {
            return Some(None);
        }
        (v["views"].is_string() && v["views"] == v["painted"]).then_some(Some(v))
    })
    .await
    .flatten()
}

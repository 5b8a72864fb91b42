//! The render probe: how long each `view` took to reach the screen, readable from outside.
//!
//! A measurement contract with the app benchmark, which reads it over WebDriver in the real
//! webview (and with `ui/bench`, which reads it in headless Chromium). Always on, because a
//! figure that needs a special build is a figure of a different program; it costs a few
//! attribute writes per view.
//!
//! After each view is applied and rendered, `document.body` carries:
//!
//! | attribute        | meaning                                                                 |
//! |------------------|-------------------------------------------------------------------------|
//! | `data-views`     | views applied so far (each `view` event or answer counts once, even when two arrive before one render) |
//! | `data-render-ms` | from the latest view's arrival in wasm (before JSON parsing) to Yew's `rendered` for it, ms, 0.1 precision |
//! | `data-parse-ms`  | the part of `data-render-ms` spent reading the JSON (stringify + serde_json) |
//! | `data-paint-ms`  | from the same arrival to the next animation frame after that render, ms |
//! | `data-painted`   | the `data-views` value that `data-paint-ms` belongs to (it is written one frame later) |
//! | `data-rows`      | rows in the pending request list (`#queue`), all of them, not only those in the DOM |
//!
//! A benchmark sends view N, waits for `data-painted` == N, then reads both figures.
//! `data-paint-ms` is taken in a task queued from that `requestAnimationFrame` callback, so it
//! includes the frame's style, layout and paint, not only the wait for the frame to start.

use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    // The newest view count written; a frame callback for an older view must not overwrite the
    // figures of a newer one.
    static LATEST: Cell<u64> = const { Cell::new(0) };
}

/// A monotonic clock in ms (`performance.now()`); 0 where there is none (native unit tests).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// When a view reached the UI, and how long turning it into a `ViewState` took.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Arrival {
    /// [`now_ms`] as the event reached wasm, before parsing.
    pub at_ms: f64,
    /// JSON round trip (stringify in JS, serde_json in wasm).
    pub parse_ms: f64,
}

impl Arrival {
    /// A view that arrived at `at_ms` and is parsed now.
    pub fn since(at_ms: f64) -> Self {
        Arrival {
            at_ms,
            parse_ms: now_ms() - at_ms,
        }
    }
}

/// What one rendered view reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rendered {
    /// Views applied so far.
    pub views: u64,
    /// When the newest of them arrived.
    pub arrival: Arrival,
    /// Rows in the pending request list.
    pub rows: usize,
}

/// Writes the figures for a view that has just been rendered, and asks for the paint figure.
pub fn report_rendered(r: Rendered) {
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    LATEST.with(|l| l.set(r.views));
    let render_ms = now_ms() - r.arrival.at_ms;
    let _ = body.set_attribute("data-render-ms", &ms(render_ms));
    let _ = body.set_attribute("data-parse-ms", &ms(r.arrival.parse_ms));
    let _ = body.set_attribute("data-rows", &r.rows.to_string());
    // Last: a reader waiting on `data-views` then finds the other figures already in place.
    let _ = body.set_attribute("data-views", &r.views.to_string());
    after_next_frame(move || {
        if LATEST.with(Cell::get) != r.views {
            return;
        }
        let _ = body.set_attribute("data-paint-ms", &ms(now_ms() - r.arrival.at_ms));
        let _ = body.set_attribute("data-painted", &r.views.to_string());
    });
}

/// Runs `f` after the next frame: a zero-delay timer set from inside `requestAnimationFrame`
/// fires once that frame's rendering (style, layout, paint) is done.
fn after_next_frame(f: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_frame = Closure::once_into_js(move || {
        let Some(window) = web_sys::window() else {
            return;
        };
        let after = Closure::once_into_js(f);
        let _ = window.set_timeout_with_callback(after.unchecked_ref());
    });
    let _ = window.request_animation_frame(on_frame.unchecked_ref());
}

/// Milliseconds with one decimal: finer than that is noise in a browser clock anyway.
fn ms(value: f64) -> String {
    format!("{:.1}", value.max(0.0))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ms_has_one_decimal_and_is_never_negative() {
        assert_eq!(super::ms(12.345), "12.3");
        assert_eq!(super::ms(0.0), "0.0");
        assert_eq!(super::ms(-3.0), "0.0");
    }
}

//! The web chat widget: one page, its script and its style, built into the binary. A company
//! links to `/chat#key=<the queue's intake key>` (an iframe or a window): the key rides in the
//! fragment, which a browser never sends, so it is in no request line or log.

use axum::http::header;
use axum::response::IntoResponse;

const PAGE: &str = include_str!("../../widget/chat.html");
const SCRIPT: &str = include_str!("../../widget/chat.js");
const STYLE: &str = include_str!("../../widget/chat.css");

/// Only this page's own files, no inline script, no framing limits (companies frame it).
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                      connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";

pub(crate) async fn page() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, POLICY),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        PAGE,
    )
}

pub(crate) async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}

pub(crate) async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE)
}

//! The server's log (stderr), filtered by `LDS_LOG` (default `lds=info,warn`), with a ceiling
//! the filter cannot lift for libraries that write what they carry into their trace lines:
//! tungstenite prints every WebSocket frame's payload (an agent's `hello` carries its session
//! token, `welcome` its e-mail), hyper and reqwest can print headers (`Authorization` holds tokens
//! and intake keys). An operator who turns on `LDS_LOG=trace` to debug must not get every
//! agent's credentials in the log. The LDS's own lines name agents and requests by id only.

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// The most each library may log, whatever `LDS_LOG` says (documented in docs/protocol.md).
const CEILINGS: [(&str, LevelFilter); 8] = [
    ("tungstenite", LevelFilter::INFO),
    ("tokio_tungstenite", LevelFilter::INFO),
    ("hyper", LevelFilter::INFO),
    ("hyper_util", LevelFilter::INFO),
    ("reqwest", LevelFilter::INFO),
    ("h2", LevelFilter::INFO),
    ("axum", LevelFilter::DEBUG),
    ("sqlx", LevelFilter::DEBUG),
];

pub fn init() {
    let wanted = EnvFilter::try_from_env("LDS_LOG").unwrap_or_else(|_| "lds=info,warn".into());
    let ceilings = CEILINGS.iter().fold(
        Targets::new().with_default(LevelFilter::TRACE),
        |t, (target, level)| t.with_target(*target, *level),
    );
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(wanted.and(ceilings)),
        )
        .init();
}

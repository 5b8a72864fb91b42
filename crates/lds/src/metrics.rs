//! Prometheus metrics, served as text at `GET /metrics`.

use prometheus::{Encoder, IntCounter, IntGauge, Registry, TextEncoder};

pub(crate) struct Metrics {
    registry: Registry,
    pub(crate) requests_created: IntCounter,
    pub(crate) events_written: IntCounter,
    pub(crate) claims_won: IntCounter,
    pub(crate) claims_lost: IntCounter,
    pub(crate) logins_ok: IntCounter,
    pub(crate) logins_refused: IntCounter,
    pub(crate) rate_limited: IntCounter,
    pub(crate) ws_connections: IntGauge,
    /// Log entries numbered but not yet in the per-agent index (the index is written behind).
    pub(crate) events_unindexed: IntGauge,
    pub(crate) index_rows_written: IntCounter,
    pub(crate) ws_resumes: IntCounter,
    pub(crate) ws_snapshots: IntCounter,
    /// Writes a socket would not take at once (a slow client), queued for its connection.
    pub(crate) ws_writes_queued: IntCounter,
    /// Events not queued for a client whose queue was full: it reads them from the log.
    pub(crate) ws_events_left_to_log: IntCounter,
    pub(crate) requests_timed_out: IntCounter,
    /// Open TCP connections (HTTP and agent WebSockets), counted against `--max-connections`.
    pub(crate) tcp_connections: IntGauge,
    /// Connections refused because `--max-connections` were open.
    pub(crate) connections_refused: IntCounter,
    /// Connections closed for sending no request in time, or a request head too slowly.
    pub(crate) connections_timed_out: IntCounter,
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        let registry = Registry::new_custom(Some("lds".into()), None).expect("valid prefix");
        let counter = |name: &str, help: &str| {
            let c = IntCounter::new(name, help).expect("valid metric");
            registry
                .register(Box::new(c.clone()))
                .expect("unique metric");
            c
        };
        let gauge = |name: &str, help: &str| {
            let g = IntGauge::new(name, help).expect("valid metric");
            registry
                .register(Box::new(g.clone()))
                .expect("unique metric");
            g
        };
        Metrics {
            requests_created: counter("requests_created_total", "Customer requests stored."),
            events_written: counter(
                "events_written_total",
                "Agent events numbered and handed to connections (one per agent per event).",
            ),
            index_rows_written: counter(
                "event_index_rows_total",
                "Per-agent index rows written behind the event log.",
            ),
            claims_won: counter("claims_won_total", "Accepts that won a request."),
            claims_lost: counter("claims_refused_total", "Accepts refused (taken, busy, …)."),
            logins_ok: counter("logins_total", "Successful sign-ins."),
            logins_refused: counter("logins_refused_total", "Refused sign-ins."),
            rate_limited: counter("rate_limited_total", "Calls refused by a rate limit."),
            ws_resumes: counter(
                "ws_resumes_total",
                "Connections that resumed from a sequence.",
            ),
            ws_snapshots: counter(
                "ws_snapshots_total",
                "Connections answered with a snapshot.",
            ),
            ws_writes_queued: counter(
                "ws_writes_queued_total",
                "Writes a socket would not take at once (a slow client), queued for its connection.",
            ),
            ws_events_left_to_log: counter(
                "ws_events_left_to_log_total",
                "Events not queued for a client whose queue was full; it reads them from the log.",
            ),
            requests_timed_out: counter(
                "requests_timed_out_total",
                "Requests nobody took in time.",
            ),
            ws_connections: gauge("ws_connections", "Open agent WebSockets."),
            tcp_connections: gauge(
                "tcp_connections",
                "Open TCP connections (HTTP and WebSocket), counted against --max-connections.",
            ),
            connections_refused: counter(
                "connections_refused_total",
                "Connections refused because --max-connections were open.",
            ),
            connections_timed_out: counter(
                "connections_timed_out_total",
                "Connections closed for sending no request, or a request head too slowly, in time.",
            ),
            events_unindexed: gauge(
                "events_unindexed",
                "Event log entries not yet in the per-agent index, as of the last index batch.",
            ),
            registry,
        }
    }

    pub(crate) fn render(&self) -> String {
        let mut buf = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut buf)
            .expect("text encoding cannot fail");
        String::from_utf8(buf).expect("prometheus text is UTF-8")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

//! The machine-readable contract holds: the checked-in `docs/openapi.json` and `docs/schema/*`
//! are what the code generates, the server serves the same OpenAPI document, and every frame and
//! body a live LDS sends (and every frame a client sends it) matches them.

use std::collections::BTreeSet;
use std::path::Path;

use futures_util::{SinkExt, StreamExt};
use headsup_testkit::lds::{http, TestServer};
use headsup_testkit::PATIENCE;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

fn docs_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs"))
}

#[test]
fn checked_in_contract_is_what_the_code_generates() {
    let mut stale = Vec::new();
    for (path, generated) in lds::contract::files() {
        let checked_in = std::fs::read_to_string(docs_dir().join(path)).unwrap_or_default();
        if checked_in != generated {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "docs/{stale:?} differ from what the code generates: run `cargo run -p lds -- schema \
         --out docs` and commit the result"
    );
}

#[tokio::test]
async fn the_server_serves_its_openapi_document() {
    let s = TestServer::start().await;
    let resp = http()
        .get(format!("{}/api/v1/openapi.json", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let served: Value = resp.json().await.unwrap();
    assert_eq!(served, lds::contract::openapi());
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1"));
}

/// A validator for one of the checked-in JSON Schema files.
fn frame_validator(file: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(docs_dir().join("schema").join(file)).unwrap();
    validator(&serde_json::from_str(&text).unwrap())
}

/// Formats (`date-time`, `int64`…) are checked too, not only types.
fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap()
}

/// A validator for `#/components/schemas/<name>` of the checked-in OpenAPI document.
fn body_validator(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(docs_dir().join("openapi.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": doc["components"],
    });
    validator(&schema)
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, value: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} {value} breaks its schema: {errors:#?}"
    );
}

/// One agent's raw WebSocket: every frame sent is checked against the client schema and every
/// frame received is kept, as text, for the server schema.
struct Wire {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    client: jsonschema::Validator,
    received: Vec<Value>,
    /// Received frames no `until` has taken yet (a reply and the events it causes may come in
    /// either order).
    unclaimed: Vec<Value>,
}

impl Wire {
    async fn open(s: &TestServer) -> Wire {
        let (ws, _) = tokio_tungstenite::connect_async(&s.ws_url).await.unwrap();
        Wire {
            ws,
            client: frame_validator("client-frame.json"),
            received: Vec::new(),
            unclaimed: Vec::new(),
        }
    }

    /// Sends a frame the protocol allows (checked against the client schema first).
    async fn send(&mut self, frame: Value) {
        assert_valid(&self.client, "client frame", &frame);
        self.send_text(frame.to_string()).await;
    }

    async fn send_text(&mut self, text: String) {
        self.ws.send(Message::Text(text.into())).await.unwrap();
    }

    /// The first frame, received earlier or now, that matches `want` (all are kept).
    async fn until(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.unclaimed.iter().position(&want) {
            return self.unclaimed.remove(i);
        }
        // One deadline for the wait: pings arrive every 10 s, so a per-read timeout never fires.
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .unwrap_or_else(|_| panic!("no such frame in time; got {:#?}", self.received))
                .expect("socket open")
                .unwrap();
            if let Message::Text(text) = msg {
                let frame: Value = serde_json::from_str(text.as_str()).unwrap();
                self.received.push(frame.clone());
                if want(&frame) {
                    return frame;
                }
                self.unclaimed.push(frame);
            }
        }
    }

    async fn event(&mut self, name: &str) -> Value {
        self.until(|f| f["type"] == "event" && f["event"] == name)
            .await
    }

    async fn answer(&mut self, cid: u64) -> Value {
        self.until(|f| (f["type"] == "reply" || f["type"] == "error") && f["cid"] == cid)
            .await
    }

    async fn hello(&mut self, token: &str, last_seq: Option<u64>) -> Value {
        let mut hello =
            json!({"type": "hello", "token": token, "device": "contract", "protocol": 1});
        if let Some(seq) = last_seq {
            hello["last_seq"] = json!(seq);
        }
        self.send(hello).await;
        self.until(|f| f["type"] == "welcome").await
    }
}

async fn post(url: String, key: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = http().post(url).bearer_auth(key);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn frames_and_bodies_of_a_live_session_match_the_schemas() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 600).await;
    let (_, slow_key) = s.team("Slow", 1).await;
    let (_, ana_token) = s.agent("Support", "Ana").await;
    let (_, bo_token) = s.agent("Support", "Bo").await;
    let (_, cy_token) = s.agent("Slow", "Cy").await;
    let intake = format!("{}/api/v1/requests", s.base);
    let mut bodies: Vec<(&str, Value)> = Vec::new();

    let mut ana = Wire::open(&s).await;
    ana.hello(&ana_token, None).await;
    ana.until(|f| f["type"] == "snapshot").await;
    let mut bo = Wire::open(&s).await;
    bo.hello(&bo_token, None).await;
    bo.until(|f| f["type"] == "snapshot").await;

    // offered, scheduled, taken, assigned, rejected, cancelled, session_updated.
    let (status, created) = post(
        intake.clone(),
        &key,
        Some(json!({"kind": "call_now", "customer": {"name": "Maria", "phone": "+34 600"}})),
    )
    .await;
    assert_eq!(status, 201);
    bodies.push(("NewRequestResponse", created.clone()));
    let first = created["request"]["id"].as_u64().unwrap();
    let (status, created) = post(
        intake.clone(),
        &key,
        Some(
            json!({"kind": "scheduled_by_customer", "customer": {"phone": "+1 555"},
                    "due_at": in_a_month("+02:00")}),
        ),
    )
    .await;
    assert_eq!(status, 201);
    bodies.push(("NewRequestResponse", created.clone()));
    let later = created["request"]["id"].as_u64().unwrap();
    let (status, created) = post(
        intake.clone(),
        &key,
        Some(json!({"kind": "chat_inbound", "customer": {"name": "Lee"}})),
    )
    .await;
    assert_eq!(status, 201);
    let chat = created["request"]["id"].as_u64().unwrap();
    ana.event("offered").await;
    ana.event("scheduled").await;
    bo.until(|f| f["event"] == "offered" && f["request"]["id"] == chat)
        .await;

    bo.send(json!({"type": "reject", "cid": 1, "request": chat}))
        .await;
    bo.answer(1).await;
    bo.event("rejected").await;
    ana.send(json!({"type": "accept", "cid": 1, "request": first}))
        .await;
    let reply = ana.answer(1).await;
    assert_eq!(reply["type"], "reply", "{reply}");
    let assigned = ana.event("assigned").await;
    bo.event("taken").await;
    ana.send(json!({"type": "attend_next", "cid": 2})).await;
    assert_eq!(ana.answer(2).await["code"], "busy");

    let (status, cancelled) = post(format!("{intake}/{later}/cancel"), &key, None).await;
    assert_eq!(status, 200);
    bodies.push(("CancelResponse", cancelled));
    ana.event("cancelled").await;

    let session = assigned["session"]["id"].as_u64().unwrap();
    for leg in ["agent", "customer"] {
        let (status, body) = post(
            format!("{}/api/v1/sim/sessions/{session}/legs/{leg}", s.base),
            &key,
            Some(json!({"state": "answered"})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        bodies.push(("Session", body));
    }
    ana.until(|f| f["event"] == "session_updated" && f["session"]["state"] == "bridged")
        .await;
    ana.send(json!({"type": "end_session", "cid": 3, "session": session}))
        .await;
    ana.answer(3).await;
    ana.until(|f| f["event"] == "session_updated" && f["session"]["state"] == "ended")
        .await;
    ana.send(
        json!({"type": "schedule", "cid": 4, "customer": {"name": "Bo's aunt"},
                    "due_at": in_a_month("Z")}),
    )
    .await;
    ana.answer(4).await;

    // Refusals: a command the server refuses, frames it cannot read.
    ana.send(json!({"type": "accept", "cid": 5, "request": 999_999}))
        .await;
    assert_eq!(ana.answer(5).await["code"], "not_found");
    ana.send_text(r#"{"type":"dance","cid":6}"#.into()).await;
    assert_eq!(ana.answer(6).await["code"], "unknown_frame");
    ana.send_text("not json".into()).await;
    ana.until(|f| f["type"] == "error" && f["code"] == "malformed_frame")
        .await;

    // A resumed connection replays events; a timed-out request and its call back.
    let head = ana
        .received
        .iter()
        .filter_map(|f| f["seq"].as_u64())
        .max()
        .unwrap();
    let mut again = Wire::open(&s).await;
    let welcome = again.hello(&ana_token, Some(head - 2)).await;
    assert_eq!(welcome["resumed"], true, "{welcome}");
    again
        .until(|f| f["type"] == "event" && f["seq"] == head)
        .await;
    let mut cy = Wire::open(&s).await;
    cy.hello(&cy_token, None).await;
    post(
        intake.clone(),
        &slow_key,
        Some(json!({"kind": "call_now", "customer": {"name": "Slow", "phone": "+1 556"}})),
    )
    .await;
    cy.event("timed_out").await;
    cy.until(|f| f["event"] == "scheduled" && f["request"]["kind"] == "call_me_back")
        .await;

    // The dashboard, and its drill-down: Support's default queue (the first queue made) lists
    // its waiting customers; Slow's queue is not Ana's.
    ana.until(|f| f["type"] == "dashboard").await;
    ana.send(json!({"type": "queue_waiting", "cid": 900, "queue": 1}))
        .await;
    let listed = ana.answer(900).await;
    assert!(listed["waiting"].is_array(), "{listed}");
    ana.send(json!({"type": "queue_waiting", "cid": 901, "queue": 2}))
        .await;
    assert_eq!(ana.answer(901).await["code"], "not_found");

    // An HTTP error body, and a handshake refusal (error frame, then close).
    let (status, refused) = post(intake.clone(), "intake_wrong", Some(json!({}))).await;
    assert_eq!(status, 401);
    bodies.push(("ErrorBody", refused));
    let mut stranger = Wire::open(&s).await;
    stranger
        .send(json!({"type": "hello", "token": "hu_unknown", "device": "x", "protocol": 1}))
        .await;
    stranger
        .until(|f| f["type"] == "error" && f["code"] == "unauthorized")
        .await;

    let server = frame_validator("server-frame.json");
    let mut kinds = BTreeSet::new();
    for wire in [&ana, &bo, &again, &cy, &stranger] {
        for frame in &wire.received {
            assert_valid(&server, "server frame", frame);
            let kind = frame["type"].as_str().unwrap().to_string();
            match frame["event"].as_str() {
                Some(event) => kinds.insert(format!("{kind}:{event}")),
                None => kinds.insert(kind),
            };
        }
    }
    let expected = [
        "welcome",
        "snapshot",
        "reply",
        "error",
        "event:offered",
        "event:scheduled",
        "event:taken",
        "event:rejected",
        "event:timed_out",
        "event:cancelled",
        "event:assigned",
        "event:session_updated",
        "dashboard",
    ];
    for kind in expected {
        assert!(
            kinds.contains(kind),
            "no {kind} frame was captured: {kinds:?}"
        );
    }
    for (schema, body) in &bodies {
        assert_valid(&body_validator(schema), schema, body);
    }
}

/// The schemas are not vacuous: frames that break the protocol are refused by them.
#[test]
fn the_schemas_refuse_frames_the_protocol_does_not_allow() {
    let server = frame_validator("server-frame.json");
    let client = frame_validator("client-frame.json");
    for bad in [
        json!({"type": "welcome"}),
        json!({"type": "dance"}),
        json!({"type": "event", "seq": 1, "at": "2026-01-01T00:00:00Z", "event": "offered"}),
        json!({"type": "event", "seq": 1, "at": "2026-01-01T00:00:00Z", "event": "taken",
               "request": 4}),
        json!({"type": "error", "code": "no_such_code", "message": "x"}),
        json!({"type": "reply", "cid": -1}),
    ] {
        assert!(!server.is_valid(&bad), "server schema accepts {bad}");
    }
    for bad in [
        json!({"type": "hello", "token": "t", "device": "d"}),
        json!({"type": "accept", "cid": 1}),
        json!({"type": "schedule", "cid": 1, "customer": {}, "due_at": 5}),
        json!({"type": "welcome"}),
    ] {
        assert!(!client.is_valid(&bad), "client schema accepts {bad}");
    }
    let request = body_validator("NewRequest");
    assert!(request.is_valid(&json!({"kind": "call_now", "customer": {"name": "A"}})));
    assert!(!request.is_valid(&json!({"kind": "dance"})));
}

/// A path the router matches but whose id does not fit the documented integer gets the JSON
/// error body, not axum's plain-text rejection (found by schemathesis).
#[tokio::test]
async fn an_id_out_of_range_in_a_path_is_a_documented_bad_request() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 600).await;
    for path in [
        "sim/sessions/9223372036854775808/legs/agent",
        "requests/9223372036854775808/cancel",
    ] {
        let resp = http()
            .post(format!("{}/api/v1/{path}", s.base))
            .bearer_auth(&key)
            .json(&json!({"state": "answered"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{path}");
        let body: Value = resp.json().await.expect("a JSON error body");
        assert_eq!(body["error"]["code"], "bad_request", "{path}");
    }
}

/// A due time the LDS accepts (at most a year ahead), a month from now, written with `offset`.
fn in_a_month(offset: &str) -> String {
    let t = chrono::Utc::now() + chrono::Duration::days(30);
    format!("{}{offset}", t.format("%Y-%m-%dT%H:%M:%S"))
}

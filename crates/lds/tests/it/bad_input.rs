//! Every bad input gets its documented error code, and nothing is half-written.

use futures_util::{SinkExt, StreamExt};
use headsup_protocol::error::ErrorBody;
use headsup_protocol::lds::{ClientFrame, ErrorFrame, ServerFrame, MAX_FRAME_BYTES};
use headsup_protocol::{ErrorCode, RequestId};
use headsup_testkit::lds::{http, TestServer};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

async fn error_body(resp: reqwest::Response) -> (u16, ErrorCode) {
    let status = resp.status().as_u16();
    let body: ErrorBody = resp.json().await.expect("JSON error body");
    (status, body.error.code)
}

/// Opens a socket, sends `first`, and returns the frames the server sends before closing.
async fn first_frame_answer(s: &TestServer, first: Message) -> Vec<ServerFrame> {
    let (mut ws, _) = tokio_tungstenite::connect_async(&s.ws_url).await.unwrap();
    ws.send(first).await.unwrap();
    let mut frames = Vec::new();
    while let Some(Ok(msg)) = ws.next().await {
        match msg {
            Message::Text(t) => frames.push(serde_json::from_str(t.as_str()).unwrap()),
            Message::Close(_) => break,
            _ => {}
        }
    }
    frames
}

fn codes(frames: &[ServerFrame]) -> Vec<ErrorCode> {
    frames.iter().filter_map(code_of).collect()
}

/// The error code and command id of an error frame (None for any other frame).
fn error_of(frame: &ServerFrame) -> Option<(ErrorCode, Option<u64>)> {
    match frame {
        ServerFrame::Error(ErrorFrame { code, cid, .. }) => Some((*code, *cid)),
        _ => None,
    }
}

/// The error code of an error frame (None for any other frame).
fn code_of(frame: &ServerFrame) -> Option<ErrorCode> {
    error_of(frame).map(|(code, _)| code)
}

fn hello(token: &str) -> Message {
    Message::Text(
        json!({"type": "hello", "token": token, "device": "t", "protocol": 1})
            .to_string()
            .into(),
    )
}

#[tokio::test]
async fn login_errors() {
    let s = TestServer::start_with(|c| c.rates.login_per_account_per_min = 2).await;
    s.team("Support", 60).await;
    let (_, _) = s.agent("Support", "Ana").await; // password "pw"
    let url = format!("{}/api/v1/login", s.base);
    let ok = http()
        .post(&url)
        .json(&json!({"email": "ana@test.example", "password": "pw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let login: headsup_protocol::lds::LoginResponse = ok.json().await.unwrap();
    assert_eq!(login.agent.name, "Ana");

    let wrong = http()
        .post(&url)
        .json(&json!({"email": "ana@test.example", "password": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_body(wrong).await,
        (401, ErrorCode::InvalidCredentials)
    );
    let unknown = http()
        .post(&url)
        .json(&json!({"email": "who@test.example", "password": "pw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_body(unknown).await,
        (401, ErrorCode::InvalidCredentials)
    );
    let malformed = http().post(&url).body("{\"email\":").send().await.unwrap();
    assert_eq!(error_body(malformed).await, (400, ErrorCode::BadRequest));
    let missing_field = http()
        .post(&url)
        .json(&json!({"email": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_body(missing_field).await,
        (400, ErrorCode::BadRequest)
    );
    let huge = http()
        .post(&url)
        .body("x".repeat(MAX_FRAME_BYTES + 1))
        .send()
        .await
        .unwrap();
    assert_eq!(error_body(huge).await, (413, ErrorCode::TooLarge));
    // Two attempts per minute for this account (both used above): the next is refused, even with the right password.
    let limited = http()
        .post(&url)
        .json(&json!({"email": "ana@test.example", "password": "pw"}))
        .send()
        .await
        .unwrap();
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(error_body(limited).await, (429, ErrorCode::RateLimited));
}

#[tokio::test]
async fn intake_errors_write_nothing() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 60).await;
    let cases = [
        (
            json!({"kind": "call_now", "customer": {}}),
            ErrorCode::BadRequest,
        ),
        (
            json!({"kind": "teleport", "customer": {"name": "A"}}),
            ErrorCode::BadRequest,
        ),
        (
            json!({"kind": "scheduled_by_customer", "customer": {"name": "A"}}),
            ErrorCode::BadRequest,
        ),
        (
            json!({"kind": "scheduled_by_agent", "customer": {"name": "A"},
                "due_at": "2030-01-01T10:00:00+01:00"}),
            ErrorCode::BadRequest,
        ),
        (
            json!({"kind": "call_now", "customer": {"name": "A"},
                "due_at": "2030-01-01T10:00:00+01:00"}),
            ErrorCode::BadRequest,
        ),
        (
            json!({"kind": "call_now", "customer": {"name": "A", "phone": "6".repeat(41)}}),
            ErrorCode::InvalidPhone,
        ),
    ];
    for (body, code) in cases {
        assert_eq!(
            error_body(s.post(&key, &body).await).await,
            (400, code),
            "{body}"
        );
    }
    let ok = json!({"kind": "call_now", "customer": {"name": "A"}});
    assert_eq!(
        error_body(s.post("intake_wrong", &ok).await).await,
        (401, ErrorCode::InvalidIntakeKey)
    );
    let no_key = http()
        .post(format!("{}/api/v1/requests", s.base))
        .json(&ok)
        .send()
        .await
        .unwrap();
    assert_eq!(error_body(no_key).await, (401, ErrorCode::InvalidIntakeKey));
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM requests")
        .fetch_one(&s.store().db().pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "no refused intake wrote a request");
    let nowhere = http()
        .get(format!("{}/api/v1/nowhere", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(error_body(nowhere).await, (404, ErrorCode::NotFound));
}

#[tokio::test]
async fn websocket_handshake_errors_close_the_socket() {
    let s = TestServer::start().await;
    s.team("Support", 60).await;
    let (ana, token) = s.agent("Support", "Ana").await;

    assert_eq!(
        codes(&first_frame_answer(&s, hello("hu_not_a_token")).await),
        [ErrorCode::Unauthorized]
    );
    let accept_first = json!({"type": "accept", "cid": 1, "request": 1}).to_string();
    assert_eq!(
        codes(&first_frame_answer(&s, Message::Text(accept_first.into())).await),
        [ErrorCode::HelloRequired]
    );
    assert_eq!(
        codes(&first_frame_answer(&s, Message::Text("{not json".into())).await),
        [ErrorCode::MalformedFrame]
    );
    assert_eq!(
        codes(&first_frame_answer(&s, Message::Binary(vec![1, 2, 3].into())).await),
        [ErrorCode::BinaryFrame]
    );
    // Expired token.
    let (expired, _) =
        lds::admin::issue_token(s.store().db(), ana.id, chrono::Duration::seconds(-1))
            .await
            .unwrap();
    assert_eq!(
        codes(&first_frame_answer(&s, hello(&expired)).await),
        [ErrorCode::TokenExpired]
    );
    // Revoked by logout: the open socket is closed, and the token no longer opens one.
    let mut open = s.connect(&token, None).await;
    let out = http()
        .post(format!("{}/api/v1/logout", s.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(
        codes(&open.read_until_closed().await),
        [ErrorCode::TokenRevoked]
    );
    assert_eq!(
        codes(&first_frame_answer(&s, hello(&token)).await),
        [ErrorCode::TokenRevoked]
    );
    let again = http()
        .post(format!("{}/api/v1/logout", s.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(error_body(again).await, (401, ErrorCode::TokenRevoked));

    // Origin allowlist: a web page elsewhere may not open an agent socket.
    let mut req = s.ws_url.as_str().into_client_request().unwrap();
    req.headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    let refused = tokio_tungstenite::connect_async(req).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status(), 403);
            let body: ErrorBody = serde_json::from_slice(resp.body().as_ref().unwrap()).unwrap();
            assert_eq!(body.error.code, ErrorCode::OriginNotAllowed);
        }
        other => panic!("expected 403, got {other:?}"),
    }
    let mut req = s.ws_url.as_str().into_client_request().unwrap();
    req.headers_mut()
        .insert("origin", "tauri://localhost".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_ok());
}

#[tokio::test]
async fn bad_frames_on_an_open_socket_get_error_frames_and_the_socket_stays() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 60).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut ana = s.connect(&token, None).await;

    let send_text = |t: String| Message::Text(t.into());
    ana.send_raw(send_text("{oops".into())).await.unwrap();
    let f = ana.next_frame().await.unwrap();
    assert_eq!(
        error_of(&f),
        Some((ErrorCode::MalformedFrame, None)),
        "{f:?}"
    );

    ana.send_raw(send_text(json!({"type": "dance", "cid": 7}).to_string()))
        .await
        .unwrap();
    let f = ana.next_frame().await.unwrap();
    assert_eq!(
        error_of(&f),
        Some((ErrorCode::UnknownFrame, Some(7))),
        "{f:?}"
    );

    ana.send_raw(send_text(json!({"type": "accept", "cid": 8}).to_string()))
        .await
        .unwrap();
    let f = ana.next_frame().await.unwrap();
    assert_eq!(
        error_of(&f),
        Some((ErrorCode::MalformedFrame, Some(8))),
        "{f:?}"
    );

    let big = json!({"type": "accept", "cid": 9, "request": 1, "pad": "x".repeat(MAX_FRAME_BYTES)});
    ana.send_raw(send_text(big.to_string())).await.unwrap();
    let f = ana.next_frame().await.unwrap();
    assert_eq!(code_of(&f), Some(ErrorCode::TooLarge), "{f:?}");

    ana.send_raw(Message::Binary(vec![0u8; 10].into()))
        .await
        .unwrap();
    let f = ana.next_frame().await.unwrap();
    assert_eq!(code_of(&f), Some(ErrorCode::BinaryFrame), "{f:?}");

    let missing = ana.accept(RequestId(424242)).await;
    assert_eq!(code_of(&missing), Some(ErrorCode::NotFound), "{missing:?}");
    let missing = ana
        .command(|cid| ClientFrame::EndSession {
            cid,
            session: headsup_protocol::SessionId(99),
        })
        .await
        .unwrap();
    assert_eq!(code_of(&missing), Some(ErrorCode::NotFound), "{missing:?}");
    let nothing = ana
        .command(|cid| ClientFrame::AttendNext { cid })
        .await
        .unwrap();
    assert_eq!(
        code_of(&nothing),
        Some(ErrorCode::NothingPending),
        "{nothing:?}"
    );

    // After all that the socket still works, and no refused command wrote anything.
    let request = s.call_now(&key, "Still here").await;
    let e = ana.next_event().await.unwrap();
    assert!(
        matches!(e, headsup_protocol::lds::Event::Offered { request: r } if r.id == request.id)
    );
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
        .fetch_one(&s.store().db().pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
}

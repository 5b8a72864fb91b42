//! Answers the HTTP layer gives outside the handlers: a method an endpoint does not take gets
//! the standard error body like every other error.

use headsup_protocol::error::ErrorBody;
use headsup_protocol::ErrorCode;
use headsup_testkit::lds::{http, TestServer};

async fn error_of(resp: reqwest::Response) -> (u16, Option<String>, ErrorCode) {
    let status = resp.status().as_u16();
    let allow = resp
        .headers()
        .get("allow")
        .map(|v| v.to_str().unwrap().to_string());
    let body: ErrorBody = resp.json().await.expect("a JSON error body");
    (status, allow, body.error.code)
}

#[tokio::test]
async fn a_method_an_endpoint_does_not_take_gets_405_with_the_error_body() {
    let s = TestServer::start().await;
    let login = http()
        .get(format!("{}/api/v1/login", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(login).await,
        (405, Some("POST".into()), ErrorCode::MethodNotAllowed)
    );
    let health = http()
        .post(format!("{}/health", s.base))
        .send()
        .await
        .unwrap();
    let (status, allow, code) = error_of(health).await;
    assert_eq!((status, code), (405, ErrorCode::MethodNotAllowed));
    assert!(allow.unwrap().contains("GET"));
    let ws = http()
        .delete(format!("{}/api/v1/agent/ws", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(ws).await.2, ErrorCode::MethodNotAllowed);
    // Unknown paths keep their own code.
    let nowhere = http()
        .get(format!("{}/api/v1/nowhere", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(nowhere).await.2, ErrorCode::NotFound);
}

/// Sends `head` on a fresh connection and returns everything the server answers until it
/// closes.
async fn raw_exchange(s: &TestServer, head: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(s.server.addr).await.unwrap();
    stream.write_all(head).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(headsup_testkit::PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("the server answers and closes");
    // A reset after the answer is fine: the answer is what is checked.
    let _ = read;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The documented exception ("Error bodies"): heads the HTTP library refuses before a request
/// exists get its bare status, and the connection is closed.
#[tokio::test]
async fn unparseable_request_heads_get_the_documented_bare_answers() {
    let s = TestServer::start().await;
    let twice = raw_exchange(
        &s,
        b"POST /api/v1/login HTTP/1.1\r\nHost: lds\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    )
    .await;
    assert!(twice.starts_with("HTTP/1.1 400 "), "{twice}");
    let mut many = b"GET /health HTTP/1.1\r\nHost: lds\r\n".to_vec();
    for i in 0..101 {
        many.extend_from_slice(format!("X-Header-{i}: 1\r\n").as_bytes());
    }
    many.extend_from_slice(b"\r\n");
    let many = raw_exchange(&s, &many).await;
    assert!(many.starts_with("HTTP/1.1 431 "), "{many}");
    // The same server answers well-formed requests with bodies as usual.
    let ok = raw_exchange(
        &s,
        b"GET /health HTTP/1.1\r\nHost: lds\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(ok.starts_with("HTTP/1.1 200 "), "{ok}");
}

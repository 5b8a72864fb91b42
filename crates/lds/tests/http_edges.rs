//! Answers the HTTP layer gives outside the handlers: a method an endpoint does not take gets
//! the standard error body like every other error.

mod support;

use headsup_protocol::error::ErrorBody;
use headsup_protocol::ErrorCode;
use support::{http, TestServer};

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

//! Open sockets whose token stops holding are closed by the periodic re-check with the
//! documented error: revoked elsewhere (a logout served by another process) or expired. Live
//! tokens are left alone. The check is called directly, as the server's task calls it once per
//! heartbeat period, so the test does not wait for the period.

use chrono::{Duration, Utc};
use headsup_protocol::lds::{ErrorFrame, Event, EventFrame, ServerFrame};
use headsup_protocol::ErrorCode;
use headsup_testkit::lds::{AgentConn, TestServer};

async fn closed_with(conn: &mut AgentConn) -> ErrorCode {
    loop {
        match conn
            .next_frame()
            .await
            .expect("an error frame before the close")
        {
            ServerFrame::Error(ErrorFrame { code, .. }) => {
                assert!(
                    conn.next_frame().await.is_err(),
                    "the socket closes after it"
                );
                return code;
            }
            _ => continue,
        }
    }
}

#[tokio::test]
async fn a_token_revoked_elsewhere_closes_its_sockets_and_live_ones_stay() {
    let s = TestServer::start().await;
    let (_, key) = s.team("Support", 3600).await;
    let (ana, ana_token) = s.agent("Support", "Ana").await;
    let (_, bo_token) = s.agent("Support", "Bo").await;
    let mut ana_phone = s.connect(&ana_token, None).await;
    let mut ana_desk = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    assert_eq!(s.store().check_tokens(Utc::now()).await.unwrap(), 0);

    // What a logout on another process writes; this process's hub never heard of it.
    sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE agent_id = $2")
        .bind(Utc::now().timestamp_millis())
        .bind(ana.id.0)
        .execute(&s.store().db().pool)
        .await
        .unwrap();
    assert_eq!(s.store().check_tokens(Utc::now()).await.unwrap(), 1);
    assert_eq!(closed_with(&mut ana_phone).await, ErrorCode::TokenRevoked);
    assert_eq!(closed_with(&mut ana_desk).await, ErrorCode::TokenRevoked);

    // Bo's socket is still served.
    s.call_now(&key, "C1").await;
    loop {
        match bo.next_frame().await.unwrap() {
            ServerFrame::Error(ErrorFrame { code, .. }) => panic!("Bo was refused: {code:?}"),
            ServerFrame::Event(EventFrame {
                event: Event::Offered { .. },
                ..
            }) => break,
            _ => continue,
        }
    }
}

#[tokio::test]
async fn an_expired_token_closes_its_socket() {
    let s = TestServer::start().await;
    s.team("Support", 3600).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut conn = s.connect(&token, None).await;
    let later = Utc::now() + Duration::days(400);
    assert_eq!(s.store().check_tokens(later).await.unwrap(), 1);
    assert_eq!(closed_with(&mut conn).await, ErrorCode::TokenExpired);
}

//! A WebSocket frame the server cannot take ends the connection with the close code RFC 6455
//! gives it, as docs/protocol.md says: over 262,144 bytes 1009, a text frame that is not UTF-8
//! 1007. The client reads the close frame; the connection is not just dropped.

use futures_util::{SinkExt, StreamExt};
use headsup_protocol::lds::{ServerFrame, Snapshot, Welcome};
use headsup_testkit::lds::TestServer;
use headsup_testkit::PATIENCE;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Over the transport limit (`4 × MAX_FRAME_BYTES`).
const OVERSIZED: usize = 262_144 + 1;

async fn open(s: &TestServer) -> Ws {
    tokio_tungstenite::connect_async(&s.ws_url).await.unwrap().0
}

/// Opens a socket and signs in with `hello`, reading `welcome` and the snapshot.
async fn signed_in(s: &TestServer, token: &str) -> Ws {
    let mut ws = open(s).await;
    let hello = serde_json::json!({"type": "hello", "token": token, "device": "t", "protocol": 1});
    ws.send(Message::Text(hello.to_string().into()))
        .await
        .unwrap();
    for _ in 0..2 {
        let Some(Ok(Message::Text(t))) = ws.next().await else {
            panic!("expected welcome and snapshot")
        };
        let frame: ServerFrame = serde_json::from_str(t.as_str()).unwrap();
        assert!(matches!(
            frame,
            ServerFrame::Welcome(Welcome { .. }) | ServerFrame::Snapshot(Snapshot { .. })
        ));
    }
    ws
}

/// Reads until the server's close frame and returns its code; fails the test if the
/// connection ends without one.
async fn close_code(ws: &mut Ws) -> CloseCode {
    loop {
        let next = tokio::time::timeout(PATIENCE, ws.next())
            .await
            .expect("the server answers");
        match next {
            Some(Ok(Message::Close(Some(frame)))) => return frame.code,
            Some(Ok(Message::Close(None))) => panic!("a close frame without a code"),
            Some(Ok(_)) => {}
            Some(Err(e)) => panic!("the connection failed without a close frame: {e}"),
            None => panic!("the connection ended without a close frame"),
        }
    }
}

fn not_utf8_text() -> Message {
    Message::Frame(Frame::message(
        vec![b'{', 0xff, 0xfe, b'}'],
        OpCode::Data(Data::Text),
        true,
    ))
}

#[tokio::test]
async fn an_oversized_frame_is_closed_with_1009() {
    let s = TestServer::start().await;
    s.team("Support", 120).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut ws = signed_in(&s, &token).await;
    ws.send(Message::Text("x".repeat(OVERSIZED).into()))
        .await
        .unwrap();
    assert_eq!(close_code(&mut ws).await, CloseCode::Size);
    // Before hello too.
    let mut ws = open(&s).await;
    ws.send(Message::Binary(vec![0u8; OVERSIZED].into()))
        .await
        .unwrap();
    assert_eq!(close_code(&mut ws).await, CloseCode::Size);
}

#[tokio::test]
async fn a_text_frame_that_is_not_utf8_is_closed_with_1007() {
    let s = TestServer::start().await;
    s.team("Support", 120).await;
    let (_, token) = s.agent("Support", "Ana").await;
    let mut ws = signed_in(&s, &token).await;
    ws.send(not_utf8_text()).await.unwrap();
    assert_eq!(close_code(&mut ws).await, CloseCode::Invalid);
    let mut ws = open(&s).await;
    ws.send(not_utf8_text()).await.unwrap();
    assert_eq!(close_code(&mut ws).await, CloseCode::Invalid);
    // The agent can connect again at once.
    s.connect(&token, None).await;
}

#[tokio::test]
async fn a_frame_that_breaks_the_protocol_is_closed_with_1002() {
    let s = TestServer::start().await;
    let mut ws = open(&s).await;
    // Reserved bit 1 set without an extension that defines it (RFC 6455 §5.2).
    let mut frame = Frame::message(b"{}".to_vec(), OpCode::Data(Data::Text), true);
    frame.header_mut().rsv1 = true;
    ws.send(Message::Frame(frame)).await.unwrap();
    assert_eq!(close_code(&mut ws).await, CloseCode::Protocol);
}

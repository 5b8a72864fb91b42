//! Connections that hold a socket without using it are closed by the server: one that never
//! sends a request, one that sends its request head a byte at a time (slowloris), one that
//! trickles its body, one kept alive after a request that starts no other. A cap bounds how many it holds at once, and when
//! those go away agents sign in again. Timeouts are shortened to 1 s here; the assertions are on
//! the server closing each socket (EOF or reset), never on how long it took.

use std::net::SocketAddr;
use std::time::Duration;

use headsup_protocol::error::ErrorBody;
use headsup_protocol::lds::LoginResponse;
use headsup_protocol::ErrorCode;
use headsup_testkit::lds::{http, AgentConn, TestServer};
use headsup_testkit::PATIENCE;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const IDLE: usize = 300;
const SLOWLORIS: usize = 60;
const SLOW_BODIES: usize = 20;

/// Whether the server closed `stream` (EOF or reset) rather than answer; reads and discards any
/// answer first.
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

/// Sends a request head one byte every 100 ms and never finishes it; true once the server
/// has closed the connection.
async fn slowloris(addr: SocketAddr) -> bool {
    let head = b"ET /health HTTP/1.1\r\nHost: lds\r\n".iter().copied();
    let endless = head.chain(std::iter::repeat(b"X-Padding: 1\r\n".iter().copied()).flatten());
    trickle(addr, b"G".to_vec(), endless).await
}

/// Sends a whole request head at once, then its body one byte every 100 ms; true once the
/// server has closed the connection.
async fn slow_body(addr: SocketAddr) -> bool {
    let head = b"POST /api/v1/login HTTP/1.1\r\nHost: lds\r\nContent-Type: application/json\r\n\
                 Content-Length: 60000\r\n\r\n"
        .to_vec();
    trickle(addr, head, std::iter::repeat(b' ')).await
}

/// Writes `first` at once, then `rest` a byte at a time until the server closes.
async fn trickle(addr: SocketAddr, first: Vec<u8>, rest: impl Iterator<Item = u8>) -> bool {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(&first).await.unwrap();
    let mut buf = [0u8; 256];
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let deadline = tokio::time::Instant::now() + PATIENCE;
    for byte in rest {
        tokio::select! {
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => return true,
                Ok(_) => {}
            },
            _ = tick.tick() => {
                if stream.write_all(&[byte]).await.is_err() {
                    return true;
                }
            }
            _ = tokio::time::sleep_until(deadline) => return false,
        }
    }
    unreachable!("the request never ends")
}

async fn metric(s: &TestServer, name: &str) -> u64 {
    let text = http()
        .get(format!("{}/metrics", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
}

#[tokio::test]
async fn idle_slow_and_kept_alive_connections_are_closed_by_the_server() {
    let s = TestServer::start_with(|c| {
        c.first_request_within = Duration::from_secs(1);
        c.header_read_timeout = Duration::from_secs(1);
    })
    .await;
    let addr = s.server.addr;
    let mut idle = Vec::new();
    for _ in 0..IDLE {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    let slow: Vec<_> = (0..SLOWLORIS)
        .map(|_| tokio::spawn(slowloris(addr)))
        .collect();
    let bodies: Vec<_> = (0..SLOW_BODIES)
        .map(|_| tokio::spawn(slow_body(addr)))
        .collect();
    // A client that sent one request and keeps the connection without a next one.
    let mut kept_alive = TcpStream::connect(addr).await.unwrap();
    kept_alive
        .write_all(b"GET /health HTTP/1.1\r\nHost: lds\r\n\r\n")
        .await
        .unwrap();

    let mut idle_closed = 0;
    for stream in &mut idle {
        idle_closed += closed_by_server(stream).await as usize;
    }
    let mut slow_closed = 0;
    for task in slow {
        slow_closed += task.await.unwrap() as usize;
    }
    let mut bodies_closed = 0;
    for task in bodies {
        bodies_closed += task.await.unwrap() as usize;
    }
    assert_eq!(idle_closed, IDLE, "idle connections the server closed");
    assert_eq!(bodies_closed, SLOW_BODIES, "slow bodies the server closed");
    assert_eq!(
        slow_closed, SLOWLORIS,
        "slowloris connections the server closed"
    );
    let mut answer = Vec::new();
    assert!(
        closed_by_server(&mut kept_alive).await,
        "the kept-alive connection was closed"
    );
    let _ = kept_alive.read_to_end(&mut answer).await;
    assert!(
        metric(&s, "lds_connections_timed_out_total").await >= (IDLE + SLOWLORIS) as u64,
        "each was closed for its timeout"
    );
    // Real clients are served meanwhile and after.
    let health = http()
        .get(format!("{}/health", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

async fn login(s: &TestServer, email: &str) -> Result<LoginResponse, String> {
    let resp = http()
        .post(format!("{}/api/v1/login", s.base))
        .json(&serde_json::json!({"email": email, "password": "pw"}))
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    if resp.status() == 200 {
        Ok(resp.json().await.unwrap())
    } else {
        Err(format!("{}", resp.status()))
    }
}

#[tokio::test]
async fn over_the_cap_a_connection_is_refused_and_agents_get_in_once_the_idle_go() {
    const CAP: usize = 40;
    let s = TestServer::start_with(|c| {
        c.max_connections = Some(CAP);
        // Long enough that the idle ones stay for this test.
        c.first_request_within = Duration::from_secs(600);
    })
    .await;
    s.team("Support", 120).await;
    let (agent, _) = s.agent("Support", "Ana").await;
    let addr = s.server.addr;
    let mut idle = Vec::new();
    for _ in 0..CAP {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    // Accepted in order: this one finds no room.
    let mut over = TcpStream::connect(addr).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(PATIENCE, over.read_to_string(&mut answer))
        .await
        .expect("the server answers and closes")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 503 "), "{answer}");
    let body = answer.split("\r\n\r\n").nth(1).unwrap();
    let body: ErrorBody = serde_json::from_str(body).unwrap();
    assert_eq!(body.error.code, ErrorCode::TooManyConnections);
    assert!(
        login(&s, &agent.email).await.is_err(),
        "no sign-in while full"
    );

    drop(idle);
    // The server sees the idle sockets close; then there is room again.
    let mut signed_in = None;
    for _ in 0..300 {
        match login(&s, &agent.email).await {
            Ok(resp) => {
                signed_in = Some(resp);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let resp = signed_in.expect("the agent signs in once the idle connections are gone");
    AgentConn::connect(&s.ws_url, &resp.token, None)
        .await
        .expect("and connects its WebSocket");
}

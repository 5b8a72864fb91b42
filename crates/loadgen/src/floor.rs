//! The floor: the cheapest server that does the same fan-out. A bare tokio-tungstenite loop that
//! broadcasts one frame per request to every connection, with no database, no auth and no
//! per-agent sequence. Like `lds serve`, it is a separate process (this binary again, with
//! `--serve-floor`) with its own runtime of two workers, so it has its own descriptor limit
//! and is measured by the same clients as the LDS. The driver tells it to send request n by
//! writing the line `n` to its stdin.

use std::io::{BufRead, Write};
use std::process::{Child, ChildStdin, Command, Stdio};

use anyhow::{Context, Result};
use futures_util::SinkExt;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Size of the floor's frames: about an `offered` frame of the LDS with a short customer name.
const FRAME_BYTES: usize = 330;

/// The driver's handle on the floor process.
pub struct Floor {
    pub addr: String,
    child: Child,
    stdin: ChildStdin,
}

impl Floor {
    pub fn start() -> Result<Floor> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg("--serve-floor")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting the floor server")?;
        let stdin = child.stdin.take().context("no stdin")?;
        let mut lines = std::io::BufReader::new(child.stdout.take().context("no stdout")?).lines();
        let addr = lines
            .next()
            .context("the floor server exited")??
            .strip_prefix("listening on ")
            .context("unexpected first line from the floor server")?
            .to_string();
        Ok(Floor { addr, child, stdin })
    }

    /// Broadcasts request n's frame to every connection.
    pub fn send(&mut self, n: usize) -> Result<()> {
        writeln!(self.stdin, "{n}")?;
        self.stdin.flush()?;
        Ok(())
    }
}

impl Drop for Floor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The floor process (`--serve-floor`): serves until stdin closes.
pub fn serve_child() -> Result<()> {
    crate::stats::raise_fd_limit();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = listen()?;
        println!("listening on {}", listener.local_addr()?);
        let (tx, _) = broadcast::channel::<Utf8Bytes>(1024);
        tokio::spawn(accept_loop(listener, tx.clone()));
        tokio::task::spawn_blocking(move || {
            for line in std::io::stdin().lock().lines() {
                let Ok(n) = line.unwrap_or_default().trim().parse::<usize>() else {
                    continue;
                };
                let _ = tx.send(frame(n).into());
            }
        })
        .await?;
        Ok(())
    })
}

/// An `offered`-shaped frame of [`FRAME_BYTES`], so the socket writes are the LDS's size.
fn frame(n: usize) -> String {
    let head = format!(
        r#"{{"type":"event","seq":0,"event":"offered","request":{{"id":{n},"customer":{{"name":"L{n}"}}}},"pad":""#
    );
    let pad = "x".repeat(FRAME_BYTES.saturating_sub(head.len() + 2));
    format!("{head}{pad}\"}}")
}

/// A backlog as deep as the server's (std's default of 128 resets connections when hundreds of
/// clients connect at once).
fn listen() -> Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.bind("127.0.0.1:0".parse()?)?;
    Ok(socket.listen(4096)?)
}

async fn accept_loop(listener: TcpListener, tx: broadcast::Sender<Utf8Bytes>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                eprintln!("floor: accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        // Subscribed before the handshake, so a client that finished it misses nothing.
        let mut rx = tx.subscribe();
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
                return;
            };
            // Utf8Bytes is reference-counted: no copy per connection.
            while let Ok(text) = rx.recv().await {
                if ws.send(Message::Text(text)).await.is_err() {
                    return;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn frames_have_the_set_size_and_scan_like_offers() {
        let f = super::frame(42);
        assert_eq!(f.len(), super::FRAME_BYTES);
        assert_eq!(crate::scan::kind(&f), crate::scan::Kind::Offered);
        assert_eq!(crate::scan::customer_number(&f), Some(42));
        serde_json::from_str::<serde_json::Value>(&f).unwrap();
    }
}

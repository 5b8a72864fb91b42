//! The byte stream tungstenite runs on for one agent connection: reads come from the upgraded
//! HTTP connection, writes go through the connection's [`Outlet`], the one path to the socket.
//!
//! The outlet's backlog (bytes the kernel would not take yet) is drained here, from the read
//! side: the connection task always waits on a read, so when the socket turns writable the
//! same wake-up that would deliver a client frame drains the backlog.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::fanout::outlet::Outlet;

/// The most backlog written to the socket in one system call.
const DRAIN_CHUNK_BYTES: usize = 64 * 1024;

pub(crate) struct Duplex {
    io: TokioIo<Upgraded>,
    outlet: Arc<Outlet>,
    chunk: Vec<u8>,
}

impl Duplex {
    pub(crate) fn new(io: Upgraded, outlet: Arc<Outlet>) -> Duplex {
        Duplex {
            io: TokioIo::new(io),
            outlet,
            chunk: Vec::new(),
        }
    }

    /// Writes the backlog out until it is empty (waiting for the socket as needed).
    pub(crate) async fn drain(&mut self) -> io::Result<()> {
        std::future::poll_fn(|cx| self.poll_drain(cx)).await
    }

    /// After a close frame has been drained: ends our side (FIN) and reads and discards what the
    /// client still sends until it closes. Closing a socket with unread bytes makes the kernel
    /// send a reset, which can destroy the close frame before the client reads it (a client
    /// half-way through sending an oversized frame has plenty left unread).
    pub(crate) async fn linger(&mut self) -> io::Result<()> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        self.io.shutdown().await?;
        let mut discard = vec![0u8; 16 * 1024];
        while self.io.read(&mut discard).await? > 0 {}
        Ok(())
    }

    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            // Only this task takes bytes off the front; the fan-out appends behind them.
            self.outlet
                .backlog_front(DRAIN_CHUNK_BYTES, &mut self.chunk);
            if self.chunk.is_empty() {
                return Poll::Ready(Ok(()));
            }
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.chunk))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.outlet.backlog_sent(n);
        }
    }
}

impl Drop for Duplex {
    fn drop(&mut self) {
        // Before `io` (and with it the socket) is dropped: the outlet must stop writing to the
        // descriptor before its number can be reused.
        self.outlet.shut();
    }
}

impl AsyncRead for Duplex {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        // A failed drain means a broken socket, which the read reports too.
        let _ = this.poll_drain(cx);
        Pin::new(&mut this.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Duplex {
    /// Never waits: the outlet writes at once or queues (tungstenite hands over whole frames).
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.outlet.write(buf) {
            Poll::Ready(Ok(buf.len()))
        } else {
            Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()))
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// The close frame is in the outlet: drain it, then end the stream.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

//! The sending side of one agent's socket, shared by its connection task and the hub's fan-out
//! threads.
//!
//! Why: a fan-out to N agents used to wake N connection tasks, each of which framed the event
//! and wrote it. At 10,000 agents that scheduling cost as much as the writes themselves. Now the
//! fan-out thread writes the frame straight into the socket (non-blocking), and the connection
//! task is woken only when something needs it: bytes the kernel would not take yet, a gap to
//! read from the log, a close.
//!
//! Every byte for the socket passes through [`Outlet::write`] under one lock, whoever writes it
//! (the fan-out, or tungstenite through `ws::duplex::Duplex` for replies, pings and
//! pongs), and every write appends whole WebSocket frames: frames never interleave, and bytes
//! leave in the order they were accepted. What the kernel does not take waits in the backlog,
//! which the connection task drains when the socket is writable; while it is not empty, later
//! frames queue behind it.

use std::io::{ErrorKind, Write};
use std::mem::ManuallyDrop;
use std::net::TcpStream;
use std::os::fd::{FromRawFd, RawFd};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use headsup_protocol::ErrorCode;
use prometheus::IntCounter;
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::FrameHeader;

use crate::data::events::LoggedEvent;

/// Past this many unsent bytes the fan-out stops queueing events for the socket; the connection
/// reads them from the log once the client has caught up. Bounds the memory a stalled client
/// holds without losing anything.
pub(crate) const MAX_BACKLOG_BYTES: usize = 256 * 1024;

/// What the outlets count for `/metrics` (prometheus counters are shared handles).
#[derive(Clone)]
pub(crate) struct SlowClientCounters {
    pub(crate) writes_queued: IntCounter,
    pub(crate) events_left_to_log: IntCounter,
}

pub(crate) struct Outlet {
    /// The connection's TCP socket, borrowed: hyper owns it. Written only under `state`'s lock
    /// and only while `state.open`; the connection clears `open` before the socket is closed
    /// (see `Duplex`'s `Drop`), so the number is never written after it may have been reused.
    socket: ManuallyDrop<TcpStream>,
    state: Mutex<State>,
    /// Wakes the connection task: backlog to drain, a gap to fill, or a close.
    wake: Notify,
    counters: SlowClientCounters,
}

struct State {
    open: bool,
    /// Events are written by the fan-out only once the client has its snapshot or resume.
    live: bool,
    /// Frames outside the log (the dashboard) are written only once the client has its
    /// snapshot or its resume's replay, so they never land in the middle of either.
    caught_up: bool,
    /// The newest sequence number written (to the kernel or the backlog).
    sent: u64,
    backlog: Vec<u8>,
    /// A push that was not written in order: the connection reads the log after `sent`.
    gap: bool,
    close: Option<(ErrorCode, Arc<str>)>,
    /// When the backlog last shrank. The backlog only drains when the kernel's buffer, full,
    /// frees room, which the client's acknowledgements do: the client is alive and reading,
    /// even if the ping we queued behind the backlog has not reached it yet.
    drained_at: Option<Instant>,
}

/// What the connection task must do, taken from the outlet after a wake.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Chores {
    pub(crate) catch_up: bool,
    pub(crate) close: Option<(ErrorCode, Arc<str>)>,
}

impl Outlet {
    /// # Safety
    /// `fd` must be a connected, non-blocking TCP socket that stays open until [`Outlet::shut`]
    /// has returned.
    pub(crate) unsafe fn new(fd: RawFd, counters: SlowClientCounters) -> Arc<Outlet> {
        Arc::new(Outlet {
            // SAFETY: the caller keeps `fd` open until `shut`, and ManuallyDrop never closes it.
            socket: ManuallyDrop::new(unsafe { TcpStream::from_raw_fd(fd) }),
            state: Mutex::new(State {
                open: true,
                live: false,
                caught_up: false,
                sent: 0,
                backlog: Vec::new(),
                gap: false,
                close: None,
                drained_at: None,
            }),
            wake: Notify::new(),
            counters,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("outlet lock")
    }

    /// Writes bytes that hold whole frames. `false` when the socket is shut.
    pub(crate) fn write(&self, bytes: &[u8]) -> bool {
        let mut state = self.lock();
        self.write_locked(&mut state, bytes)
    }

    fn write_locked(&self, state: &mut State, mut bytes: &[u8]) -> bool {
        if !state.open {
            return false;
        }
        if state.backlog.is_empty() {
            while !bytes.is_empty() {
                match (&*self.socket).write(bytes) {
                    Ok(0) => break,
                    Ok(n) => bytes = &bytes[n..],
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    // Reset or closed by the peer: the connection's read ends it.
                    Err(_) => {
                        state.open = false;
                        self.wake.notify_one();
                        return false;
                    }
                }
            }
            if bytes.is_empty() {
                return true;
            }
        }
        let was_empty = state.backlog.is_empty();
        state.backlog.extend_from_slice(bytes);
        self.counters.writes_queued.inc();
        if was_empty {
            self.wake.notify_one();
        }
        true
    }

    /// From the fan-out: writes event `seq` if it is the next one, else flags a gap.
    pub(crate) fn push(&self, seq: u64, event: &LoggedEvent, scratch: &mut Vec<u8>) {
        let mut state = self.lock();
        if !state.open || (state.live && seq <= state.sent) {
            return;
        }
        let full = state.backlog.len() > MAX_BACKLOG_BYTES;
        if full {
            self.counters.events_left_to_log.inc();
        }
        if !state.live || seq != state.sent + 1 || full {
            if !state.gap {
                state.gap = true;
                self.wake.notify_one();
            }
            return;
        }
        encode(scratch, &event.frame(seq));
        if self.write_locked(&mut state, scratch) {
            state.sent = seq;
        }
    }

    /// From the connection's catch-up: writes a logged frame if it is the next one. Returns
    /// the newest sequence written.
    pub(crate) fn write_logged(&self, seq: u64, text: &str, scratch: &mut Vec<u8>) -> u64 {
        let mut state = self.lock();
        if seq == state.sent + 1 {
            encode(scratch, text);
            if self.write_locked(&mut state, scratch) {
                state.sent = seq;
            }
        }
        state.sent
    }

    /// The client has everything through `sent` (its snapshot, or what it resumed from): from
    /// now on the fan-out writes what follows.
    pub(crate) fn go_live(&self, sent: u64) {
        let mut state = self.lock();
        state.sent = sent;
        state.live = true;
    }

    /// The snapshot or the resume's replay has been written: frames outside the log may follow.
    pub(crate) fn caught_up(&self) {
        self.lock().caught_up = true;
    }

    /// Writes a frame that is not a logged event (the dashboard): it carries no `seq` and never
    /// changes `sent`, so the events' order and each-once delivery are untouched. `false`, and
    /// nothing written, before the client is caught up, when the socket is shut, or when the
    /// client is so far behind that the frame would wait in the backlog (the caller sends a
    /// fresher one later).
    pub(crate) fn write_unlogged(&self, text: &str, scratch: &mut Vec<u8>) -> bool {
        let mut state = self.lock();
        if !state.open || !state.caught_up || state.backlog.len() > MAX_BACKLOG_BYTES {
            return false;
        }
        encode(scratch, text);
        self.write_locked(&mut state, scratch)
    }

    pub(crate) fn sent(&self) -> u64 {
        self.lock().sent
    }

    /// Asks the connection to close with this error (token revoked or expired).
    pub(crate) fn request_close(&self, code: ErrorCode, message: Arc<str>) {
        self.lock().close = Some((code, message));
        self.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.wake.notified().await
    }

    pub(crate) fn take_chores(&self) -> Chores {
        let mut state = self.lock();
        Chores {
            catch_up: std::mem::take(&mut state.gap),
            close: state.close.take(),
        }
    }

    /// Copies up to `max` bytes from the front of the backlog (empty: nothing waits).
    pub(crate) fn backlog_front(&self, max: usize, into: &mut Vec<u8>) {
        let state = self.lock();
        into.clear();
        into.extend_from_slice(&state.backlog[..state.backlog.len().min(max)]);
    }

    /// `n` bytes from the front of the backlog reached the kernel.
    pub(crate) fn backlog_sent(&self, n: usize) {
        let mut state = self.lock();
        // `shut` may have emptied it meanwhile.
        let n = n.min(state.backlog.len());
        state.backlog.drain(..n);
        if n > 0 {
            state.drained_at = Some(Instant::now());
        }
    }

    /// When the client last took bytes of its backlog (see `State::drained_at`).
    pub(crate) fn drained_at(&self) -> Option<Instant> {
        self.lock().drained_at
    }

    pub(crate) fn backlog_len(&self) -> usize {
        self.lock().backlog.len()
    }

    pub(crate) fn is_open(&self) -> bool {
        self.lock().open
    }

    /// No byte is written after this returns: the socket may now be closed.
    pub(crate) fn shut(&self) {
        let mut state = self.lock();
        state.open = false;
        state.backlog = Vec::new();
    }
}

/// One unmasked, final text frame (a server's frame) holding `text`.
fn encode(into: &mut Vec<u8>, text: &str) {
    into.clear();
    let header = FrameHeader {
        opcode: OpCode::Data(Data::Text),
        ..FrameHeader::default()
    };
    header
        .format(text.len() as u64, into)
        .expect("writing to a Vec cannot fail");
    into.extend_from_slice(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::AsRawFd;

    use super::*;

    /// A connected loopback pair: the server's end non-blocking, as tokio leaves it.
    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        server.set_nonblocking(true).unwrap();
        (server, client)
    }

    fn outlet(server: &TcpStream) -> Arc<Outlet> {
        let counters = SlowClientCounters {
            writes_queued: IntCounter::new("q", "q").unwrap(),
            events_left_to_log: IntCounter::new("l", "l").unwrap(),
        };
        // SAFETY: each test keeps `server` open until after the outlet is shut.
        unsafe { Outlet::new(server.as_raw_fd(), counters) }
    }

    fn event() -> LoggedEvent {
        LoggedEvent {
            id: 1,
            at: "2026-11-22T00:00:00.000Z".into(),
            body: r#"{"event":"x"}"#.into(),
            conversation: None,
        }
    }

    /// Reads `n` text frames the way a client would (server frames are unmasked).
    fn read_frames(client: &mut TcpStream, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| {
                let mut head = [0u8; 2];
                client.read_exact(&mut head).unwrap();
                assert_eq!(head[0], 0x81, "a final text frame");
                let len = match head[1] {
                    126 => {
                        let mut l = [0u8; 2];
                        client.read_exact(&mut l).unwrap();
                        u16::from_be_bytes(l) as usize
                    }
                    l => l as usize,
                };
                let mut payload = vec![0; len];
                client.read_exact(&mut payload).unwrap();
                String::from_utf8(payload).unwrap()
            })
            .collect()
    }

    #[test]
    fn only_the_next_event_is_written_and_only_once_live() {
        let (server, mut client) = pair();
        let out = outlet(&server);
        let (e, mut scratch) = (event(), Vec::new());
        out.push(1, &e, &mut scratch);
        assert_eq!(out.sent(), 0, "nothing before the snapshot is out");
        assert!(
            out.take_chores().catch_up,
            "the connection reads the log later"
        );

        out.go_live(0);
        out.push(1, &e, &mut scratch);
        out.push(1, &e, &mut scratch);
        out.push(3, &e, &mut scratch);
        assert_eq!(out.sent(), 1, "a duplicate and a gap are not written");
        assert_eq!(
            out.take_chores(),
            Chores {
                catch_up: true,
                close: None
            }
        );
        assert_eq!(out.write_logged(2, &e.frame(2), &mut scratch), 2);
        assert_eq!(out.write_logged(2, &e.frame(2), &mut scratch), 2);
        assert_eq!(out.write_logged(3, &e.frame(3), &mut scratch), 3);
        let want: Vec<String> = (1..=3).map(|seq| e.frame(seq)).collect();
        assert_eq!(read_frames(&mut client, 3), want);
        out.shut();
    }

    #[test]
    fn a_client_that_does_not_read_is_queued_for_then_left_to_the_log() {
        let (server, mut client) = pair();
        socket2::SockRef::from(&server)
            .set_send_buffer_size(4096)
            .unwrap();
        let out = outlet(&server);
        let (e, mut scratch) = (event(), Vec::new());
        out.go_live(0);
        let mut seq = 0;
        while out.backlog_len() <= MAX_BACKLOG_BYTES {
            seq += 1;
            out.push(seq, &e, &mut scratch);
        }
        assert_eq!(out.sent(), seq, "every event up to a full queue was taken");
        assert!(out.counters.writes_queued.get() > 0);
        out.push(seq + 1, &e, &mut scratch);
        assert_eq!(
            out.sent(),
            seq,
            "past a full queue an event is left to the log"
        );
        assert_eq!(out.counters.events_left_to_log.get(), 1);
        assert!(out.take_chores().catch_up);

        // The connection task's drain, done by hand: the queued bytes follow the kernel's in
        // order, whole frames, so the client reads every event 1..=seq.
        let reader = std::thread::spawn(move || read_frames(&mut client, seq as usize));
        let mut chunk = Vec::new();
        loop {
            out.backlog_front(64 * 1024, &mut chunk);
            if chunk.is_empty() {
                break;
            }
            match (&*out.socket).write(&chunk) {
                Ok(n) => out.backlog_sent(n),
                Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::yield_now(),
                Err(e) => panic!("{e}"),
            }
        }
        let want: Vec<String> = (1..=seq).map(|s| e.frame(s)).collect();
        assert_eq!(reader.join().unwrap(), want);
        out.shut();
        assert!(!out.write(b"x"), "nothing is written once shut");
    }
}

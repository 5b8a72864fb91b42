//! The headless demo's VNC server (`scripts/vnc.sh`) must not let any local user drive the
//! signed-in agent's app: it offers only VNC authentication (never "None"), and only the password
//! the script printed gets in. Speaks RFB 3.8 (RFC 6143) to the real x11vnc on the test display.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

use des::cipher::{BlockEncrypt, KeyInit};

const SECURITY_NONE: u8 = 1;
const SECURITY_VNC_AUTH: u8 = 2;

struct VncServer {
    port: u16,
    password: String,
}

impl Drop for VncServer {
    fn drop(&mut self) {
        let _ = Command::new("pkill")
            .args(["-f", &format!("x11vnc .*-rfbport {}", self.port)])
            .status();
    }
}

fn start_vnc() -> VncServer {
    headsup_tests::required_env("DISPLAY");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/vnc.sh");
    let out = Command::new("bash")
        .arg(script)
        .arg(port.to_string())
        .output()
        .expect("run scripts/vnc.sh");
    assert!(
        out.status.success(),
        "scripts/vnc.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8(out.stdout).unwrap();
    let (printed_port, password) = line.trim().split_once(' ').expect("'PORT PASSWORD'");
    assert_eq!(printed_port, port.to_string());
    assert_eq!(password.len(), 8, "a full-length VNC password");
    VncServer {
        port,
        password: password.to_string(),
    }
}

/// Connects, agrees on RFB 3.8 and returns the socket and the security types offered.
fn handshake(port: u16) -> (TcpStream, Vec<u8>) {
    let mut stream = None;
    for _ in 0..100 {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    let mut s = stream.expect("x11vnc listens on its port");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut version = [0u8; 12];
    s.read_exact(&mut version).unwrap();
    assert!(version.starts_with(b"RFB 003."), "{version:?}");
    s.write_all(b"RFB 003.008\n").unwrap();
    let mut count = [0u8; 1];
    s.read_exact(&mut count).unwrap();
    let mut types = vec![0u8; count[0] as usize];
    s.read_exact(&mut types).unwrap();
    (s, types)
}

/// VNC authentication: the challenge DES-encrypted with the password as key, each key byte's
/// bits mirrored (RFC 6143 §7.2.2 and its errata).
fn vnc_auth(s: &mut TcpStream, password: &str) -> bool {
    s.write_all(&[SECURITY_VNC_AUTH]).unwrap();
    let mut challenge = [0u8; 16];
    s.read_exact(&mut challenge).unwrap();
    let mut key = [0u8; 8];
    for (k, b) in key.iter_mut().zip(password.bytes()) {
        *k = b.reverse_bits();
    }
    let cipher = des::Des::new_from_slice(&key).unwrap();
    for block in challenge.chunks_mut(8) {
        cipher.encrypt_block(block.into());
    }
    s.write_all(&challenge).unwrap();
    let mut result = [0u8; 4];
    s.read_exact(&mut result).unwrap();
    u32::from_be_bytes(result) == 0
}

#[test]
fn demo_vnc_needs_the_printed_password() {
    let vnc = start_vnc();

    let (mut s, types) = handshake(vnc.port);
    assert!(
        !types.contains(&SECURITY_NONE),
        "the VNC server lets anyone in without a password: {types:?}"
    );
    assert!(types.contains(&SECURITY_VNC_AUTH), "{types:?}");
    let wrong = if vnc.password == "aaaaaaaa" {
        "bbbbbbbb"
    } else {
        "aaaaaaaa"
    };
    assert!(!vnc_auth(&mut s, wrong), "a wrong password was accepted");
    drop(s);

    let (mut s, _) = handshake(vnc.port);
    assert!(
        vnc_auth(&mut s, &vnc.password),
        "the printed password was refused"
    );
}

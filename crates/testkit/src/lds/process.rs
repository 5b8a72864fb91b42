//! The real `lds` binary as a child process: the CLI commands and `lds serve` on a loopback port.
//! Used where a test needs what only a separate process gives (kill -9, two servers, the CLI).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The `lds` binary: `HEADSUP_LDS_BIN` if set, else the one cargo built beside this test binary
/// (`target/debug/lds`; cargo builds a package's binaries before its integration tests, and
/// `scripts/test.sh` builds every binary before the tests).
pub fn bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("HEADSUP_LDS_BIN") {
        return bin.into();
    }
    let test_binary = std::env::current_exe().expect("the test binary's path");
    // target/debug/deps/it-<hash> -> target/debug/lds
    let profile_dir = test_binary
        .parent()
        .and_then(|deps| deps.parent())
        .expect("a test binary inside target/<profile>/deps");
    let bin = profile_dir.join(format!("lds{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build it (cargo build --workspace --bins) or set HEADSUP_LDS_BIN",
        bin.display()
    );
    bin
}

/// Runs `lds ARGS --database-url DB` (with `stdin` fed to it) and returns its trimmed stdout;
/// fails the test if the command fails.
pub fn cli(db: &str, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(bin())
        .args(args)
        .args(["--database-url", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "lds {args:?} failed");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// An `lds serve` process. Dropping it kills it, so a failing test leaves no server behind.
pub struct LdsProcess {
    child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
}

impl LdsProcess {
    /// Starts `lds serve` on a free loopback port and waits until it listens.
    pub fn serve(db: &str) -> LdsProcess {
        Self::serve_with(db, &[])
    }

    /// The same with more `lds serve` options.
    pub fn serve_with(db: &str, options: &[&str]) -> LdsProcess {
        Self::run("serve", db, options)
    }

    /// `lds demo`, a demo request every `every_secs`.
    pub fn demo(db: &str, every_secs: u64) -> LdsProcess {
        Self::run("demo", db, &["--every-secs", &every_secs.to_string()])
    }

    fn run(command: &str, db: &str, options: &[&str]) -> LdsProcess {
        let mut child = Command::new(bin())
            .args([command, "--listen", "127.0.0.1:0", "--database-url", db])
            .args(options)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("lds prints where it listens").unwrap();
            if let Some(addr) = line.strip_prefix("listening on ") {
                break addr.to_string();
            }
        };
        // Keep reading, so the server never blocks on a full stdout pipe.
        std::thread::spawn(move || for _ in lines {});
        LdsProcess { child, addr }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/api/v1/agent/ws", self.addr)
    }

    /// SIGKILL, as a crash would: no shutdown code runs.
    pub fn kill_9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for LdsProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

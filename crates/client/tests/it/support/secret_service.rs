//! A real Secret Service for the keyring: a private D-Bus session with gnome-keyring unlocked on
//! it, started once per test process. The bus lives as long as the test process: it runs under a
//! small shell that kills it when our end of its stdin closes (when the process exits).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

struct Bus {
    _guard: Mutex<Child>,
    _keyring_home: tempfile::TempDir,
}

static BUS: OnceLock<Bus> = OnceLock::new();

/// Makes sure `DBUS_SESSION_BUS_ADDRESS` points at a bus with an unlocked Secret Service.
/// Call before anything in the process touches the keyring.
pub fn ensure() {
    BUS.get_or_init(start);
}

fn start() -> Bus {
    let mut guard = Command::new("sh")
        .arg("-c")
        .arg("dbus-daemon --session --nofork --print-address=1 & pid=$!; read _; kill $pid")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-daemon (apt install dbus)");
    let mut address = String::new();
    BufReader::new(guard.stdout.take().unwrap())
        .read_line(&mut address)
        .unwrap();
    let address = address.trim().to_string();
    assert!(!address.is_empty(), "dbus-daemon printed no address");
    // Before any other thread of this test binary looks at the environment: every test calls
    // `ensure` first and waits on the OnceLock.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);

    let keyring_home = tempfile::tempdir().unwrap();
    let mut keyring = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets"])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .env("XDG_DATA_HOME", keyring_home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon (apt install gnome-keyring)");
    keyring
        .stdin
        .take()
        .unwrap()
        .write_all(b"headsup-test-keyring")
        .unwrap();
    // It daemonises: the first process exits once the daemon is up on the bus.
    keyring.wait().unwrap();
    Bus {
        _guard: Mutex::new(guard),
        _keyring_home: keyring_home,
    }
}

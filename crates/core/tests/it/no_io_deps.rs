//! The core must stay sans-IO: no async runtime, no network, no keyring, no Tauri anywhere in its
//! dependency tree (transitive ones included). Checked through `cargo metadata`'s resolved graph
//! for the platform the tests run on: `--filter-platform` makes cargo read only the packages that
//! platform needs, which are exactly the ones a build here downloaded. Without it cargo wants
//! every platform's packages (Windows' `anstyle-wincon`, …), which a fresh machine's cache does
//! not hold, and `--offline` then fails.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

const FORBIDDEN: &[&str] = &[
    "tokio",
    "tauri",
    "reqwest",
    "keyring",
    "keyring-core",
    "tokio-tungstenite",
    "tungstenite",
    "hyper",
    "mio",
    "async-std",
    "zbus",
    "sqlx",
    "axum",
];

#[test]
fn core_depends_on_no_io_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .args(["--filter-platform", &host_triple()])
        .arg("--manifest-path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let nodes: HashMap<&str, &serde_json::Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let names: HashMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let root = names
        .iter()
        .find(|(_, &n)| n == "headsup-core")
        .map(|(&id, _)| id)
        .unwrap();

    // Walk normal (non-dev, non-build) dependencies only: what ships in the library.
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !seen.insert(names[id]) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null());
            if normal {
                stack.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    let bad: Vec<_> = seen.iter().filter(|n| FORBIDDEN.contains(n)).collect();
    assert!(bad.is_empty(), "headsup-core pulls in I/O crates: {bad:?}");
    assert!(
        seen.contains("headsup-protocol") && seen.contains("chrono"),
        "walked the graph: {seen:?}"
    );
}

/// The triple of the machine the tests run on, as rustc names it (`x86_64-unknown-linux-gnu`).
fn host_triple() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc)
        .arg("-vV")
        .output()
        .expect("run rustc -vV");
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .trim()
        .to_string()
}

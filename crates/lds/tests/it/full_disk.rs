//! The LDS on a disk that fills and is freed again: while full, a write is refused with
//! `503 storage_unavailable` and `/health` says so; once there is room, intake and sign-in work
//! again by themselves, and nothing accepted before is lost.
//!
//! The disk is a real 4 MiB tmpfs this test mounts, which needs root (CI runs tests as root).
//! Run elsewhere, the test fails and says so rather than pass without testing anything.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use futures_util::{SinkExt, StreamExt};
use headsup_protocol::error::ErrorBody;
use headsup_protocol::lds::{NewRequestResponse, ServerFrame, Snapshot};
use headsup_protocol::{ErrorCode, RequestId};
use headsup_testkit::lds::{http, TestDb, TestServer};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

/// A tmpfs of `size` mounted on a fresh folder; unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> SmallDisk {
        // SAFETY: geteuid has no preconditions.
        let euid = unsafe { libc::geteuid() };
        assert_eq!(
            euid, 0,
            "full_disk mounts a tmpfs and must run as root (CI does); run it with sudo"
        );
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "lds-test"])
            .arg(dir.path())
            .status()
            .expect("running mount");
        assert!(status.success(), "mount -t tmpfs failed");
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // The server's last connections may still be closing: detach lazily if busy.
        let unmounted = Command::new("umount")
            .arg(self.dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !unmounted {
            let _ = Command::new("umount")
                .arg("-l")
                .arg(self.dir.path())
                .status();
        }
    }
}

/// Writes zeros into `path` until the file system has no room left.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    while file.write_all(&chunk).is_ok() {}
    // The last bytes: a full disk takes even a partial chunk until it is exactly full.
    while file.write_all(&[0u8]).is_ok() {}
    let _ = file.sync_all();
}

async fn intake(s: &TestServer, key: &str, name: &str) -> reqwest::Response {
    let body = json!({"kind": "call_now", "customer": {"name": name, "phone": "+34 600 000 000"}});
    s.post(key, &body).await
}

async fn health(s: &TestServer) -> (u16, Option<ErrorCode>) {
    let resp = http()
        .get(format!("{}/health", s.base))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let code = resp.json::<ErrorBody>().await.ok().map(|b| b.error.code);
    (status, code)
}

async fn login(s: &TestServer, email: &str) -> reqwest::Response {
    http()
        .post(format!("{}/api/v1/login", s.base))
        .json(&json!({"email": email, "password": "pw"}))
        .send()
        .await
        .unwrap()
}

/// The requests in a fresh snapshot for the agent with `token`.
async fn snapshot_requests(s: &TestServer, token: &str) -> Vec<RequestId> {
    let (mut ws, _) = tokio_tungstenite::connect_async(&s.ws_url).await.unwrap();
    let hello = json!({"type": "hello", "token": token, "device": "t", "protocol": 1});
    ws.send(Message::Text(hello.to_string().into()))
        .await
        .unwrap();
    while let Some(Ok(msg)) = ws.next().await {
        if let Message::Text(t) = msg {
            if let ServerFrame::Snapshot(Snapshot { requests, .. }) =
                serde_json::from_str(t.as_str()).unwrap()
            {
                return requests.into_iter().map(|r| r.id).collect();
            }
        }
    }
    panic!("no snapshot")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_full_disk_the_server_recovers_by_itself_and_loses_nothing() {
    let disk = SmallDisk::mount("4m");
    let db_path: PathBuf = disk.path().join("lds.db");
    let db = TestDb::at(format!("sqlite://{}", db_path.display()));
    let s = TestServer::start_on(db, |_| {}).await;
    let (_, key) = s.team("Sales", 3600).await;
    let (agent, token) = s.agent("Sales", "Ana").await;

    let mut before = Vec::new();
    for i in 0..5 {
        let resp = intake(&s, &key, &format!("Before {i}")).await;
        assert_eq!(resp.status(), 201);
        before.push(resp.json::<NewRequestResponse>().await.unwrap().request.id);
    }
    assert_eq!(health(&s).await, (200, None));

    let filler = disk.path().join("filler");
    fill(&filler);
    // Writes go on while the database's own files still have room; then they are refused.
    let mut refused = None;
    for i in 0..2000 {
        let resp = intake(&s, &key, &format!("During {i}")).await;
        if resp.status() != 201 {
            let status = resp.status().as_u16();
            refused = Some((status, resp.json::<ErrorBody>().await.unwrap().error.code));
            break;
        }
        before.push(resp.json::<NewRequestResponse>().await.unwrap().request.id);
    }
    assert_eq!(
        refused,
        Some((503, ErrorCode::StorageUnavailable)),
        "intake on a full disk"
    );
    // The health check writes too, so it sees the same.
    assert_eq!(health(&s).await, (503, Some(ErrorCode::StorageUnavailable)));
    let refused_login = login(&s, &agent.email).await;
    assert_ne!(refused_login.status(), 500, "never a bare internal error");

    std::fs::remove_file(&filler).unwrap();
    // No restart, no retry loop: the next calls work.
    assert_eq!(health(&s).await, (200, None), "health once there is room");
    let after = intake(&s, &key, "After").await;
    assert_eq!(after.status(), 201, "intake once there is room");
    let after = after.json::<NewRequestResponse>().await.unwrap().request.id;
    assert_eq!(login(&s, &agent.email).await.status(), 200, "sign-in");
    for _ in 0..20 {
        assert_eq!(intake(&s, &key, "Again").await.status(), 201);
    }

    let open = snapshot_requests(&s, &token).await;
    for id in before.iter().chain([&after]) {
        assert!(
            open.contains(id),
            "request {id} accepted before is still there"
        );
    }
    drop(s);
}

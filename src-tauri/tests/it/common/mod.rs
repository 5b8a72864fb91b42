//! A Heads-Up app on Tauri's mock runtime, with the app's real config, capabilities and plugins,
//! and a way to call its commands through the IPC as the webview does.

use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};

use headsup_lib::{app_builder, context, LaunchConfig};

#[allow(dead_code)] // each test module uses a different part
pub struct TestApp {
    pub app: App<MockRuntime>,
    /// The window created from tauri.conf.json.
    pub main: WebviewWindow<MockRuntime>,
    pub data_dir: tempfile::TempDir,
}

pub fn start() -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let launch = LaunchConfig {
        // Nothing listens on the discard port: the agent never reaches an LDS here.
        lds_url: "http://127.0.0.1:9".into(),
        profile: "test".into(),
        data_dir_override: Some(data_dir.path().join("profile")),
        extra_root_pem: None,
    };
    let mut app = app_builder(mock_builder(), launch, |_| Ok(()))
        .build(context())
        .expect("the app builds on the mock runtime");
    // Runs the setup once (config windows, state, the agent); the mock event loop returns at once.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let main = app
        .get_webview_window("main")
        .expect("tauri.conf.json declares the main window");
    TestApp {
        app,
        main,
        data_dir,
    }
}

pub fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|b| b.deserialize::<Value>().unwrap())
}

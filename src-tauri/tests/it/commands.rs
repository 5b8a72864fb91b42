//! The commands as the webview calls them: through Tauri's IPC, with the app's real config and
//! capabilities (`headsup_lib::context()`), on Tauri's mock runtime (no window system needed).

use crate::common::{invoke, start};
use headsup_client::AgentHandle;
use headsup_protocol::commands::{INTENT_COMMAND, VIEW_COMMAND};
use headsup_protocol::view::ViewUpdate;
use serde_json::{json, Value};
use tauri::{Manager, WebviewWindowBuilder};

#[test]
fn view_command_returns_a_full_slice_of_the_agents_view() {
    let t = start();
    let got = invoke(&t.main, VIEW_COMMAND, json!({})).expect("view is allowed");
    let got: ViewUpdate = serde_json::from_value(got).expect("a ViewUpdate");
    assert_eq!(got, t.app.state::<AgentHandle>().full_view());
    assert!(matches!(got, ViewUpdate::Full { .. }), "{got:?}");
}

#[test]
fn intent_command_takes_the_documented_shape_only() {
    let t = start();
    let ok = invoke(
        &t.main,
        INTENT_COMMAND,
        json!({"intent": {"intent": "submit_email", "email": "ana@demo.test"}}),
    );
    assert_eq!(ok, Ok(Value::Null));

    let unknown = invoke(
        &t.main,
        INTENT_COMMAND,
        json!({"intent": {"intent": "accept_everything"}}),
    );
    assert!(
        unknown.is_err(),
        "an unknown intent is refused: {unknown:?}"
    );
    let missing = invoke(&t.main, INTENT_COMMAND, json!({}));
    assert!(missing.is_err(), "an intent is required: {missing:?}");
}

#[test]
fn only_the_main_window_may_call_the_commands() {
    // The capability grants the app's commands to the window labelled "main" only.
    let t = start();
    let other = WebviewWindowBuilder::new(&t.app, "other", Default::default())
        .build()
        .expect("a second window");
    assert!(invoke(&t.main, VIEW_COMMAND, json!({})).is_ok());
    let denied = invoke(&other, VIEW_COMMAND, json!({}));
    assert!(
        denied.is_err(),
        "a window outside the capability is refused"
    );
}

#[test]
fn commands_outside_the_capability_do_not_exist() {
    let t = start();
    let refused = invoke(&t.main, "accept_all", json!({}));
    assert!(refused.is_err());
}

#[test]
fn notification_status_reports_permission_and_who_asked() {
    let t = start();
    let status = invoke(&t.main, "notification_status", json!({})).expect("allowed");
    // Desktop OSes do not gate notifications: the plugin reports "granted".
    assert_eq!(status["permission"], "granted");
    assert!(status.get("asked_by_version").is_none(), "nobody asked yet");

    let answer = invoke(&t.main, "request_notification_permission", json!({})).expect("allowed");
    assert_eq!(answer, "granted");
    let status = invoke(&t.main, "notification_status", json!({})).expect("allowed");
    assert_eq!(status["asked_by_version"], env!("CARGO_PKG_VERSION"));
    assert!(
        t.data_dir
            .path()
            .join("profile/notification-permission.json")
            .is_file(),
        "the answer is remembered in the profile's data folder"
    );
}

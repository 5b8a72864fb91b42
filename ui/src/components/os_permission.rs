//! Whether the operating system will show our notifications, next to the "Desktop
//! notifications" checkbox: the checkbox is the agent's wish, this is what the OS allows.
//!
//! Asks the app's `notification_status` command when the settings open. When the OS refuses,
//! or (Linux) no notification server answers on the session bus, it says so, says how to fix it
//! on this platform, and offers "Ask again" (`request_notification_permission`).
//!
//! `#notification-permission` carries `data-state` = `granted` | `denied` | `prompt` |
//! `unknown` (tests and support read it), and `data-reason` = `no-server` when the permission
//! is granted but nothing on the bus can show a notification.

use crate::tauri;
use serde::Deserialize;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use headsup_protocol::commands::{
    NOTIFICATION_STATUS_COMMAND as STATUS_COMMAND,
    REQUEST_NOTIFICATION_PERMISSION_COMMAND as ASK_COMMAND,
};

/// The app's answer to `notification_status` (src-tauri/src/commands.rs), the fields we show.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NotificationStatus {
    /// "granted", "denied", "prompt" or "prompt-with-rationale" (Android).
    pub permission: String,
    /// Who answers notifications on the bus (Linux), e.g. "dunst 1.9.0".
    #[serde(default)]
    pub server: Option<String>,
    /// Why nobody answered (Linux).
    #[serde(default)]
    pub server_error: Option<String>,
}

/// What we can say about the OS side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Granted {
        server: Option<String>,
    },
    /// The OS (or the agent, in its settings) refused notifications to the app.
    Denied,
    /// Nothing answers notifications on the session bus: they are lost however they are set.
    NoServer {
        why: String,
    },
    /// Not asked yet (Android 13+, macOS before the first ask).
    Prompt,
    /// We could not ask the app, or it answered something we do not know.
    Unknown {
        why: String,
    },
}

impl Verdict {
    pub fn from_status(status: &NotificationStatus) -> Self {
        match status.permission.as_str() {
            "denied" => Verdict::Denied,
            "prompt" | "prompt-with-rationale" => Verdict::Prompt,
            "granted" => match &status.server_error {
                Some(why) => Verdict::NoServer { why: why.clone() },
                None => Verdict::Granted {
                    server: status.server.clone(),
                },
            },
            other => Verdict::Unknown {
                why: format!("the app reported permission \"{other}\""),
            },
        }
    }

    /// The `data-state` value.
    pub fn state(&self) -> &'static str {
        match self {
            Verdict::Granted { .. } => "granted",
            Verdict::Denied | Verdict::NoServer { .. } => "denied",
            Verdict::Prompt => "prompt",
            Verdict::Unknown { .. } => "unknown",
        }
    }

    /// Whether asking the OS again could help (it cannot start a missing server).
    fn can_ask(&self) -> bool {
        matches!(
            self,
            Verdict::Denied | Verdict::Prompt | Verdict::Unknown { .. }
        )
    }
}

/// The platforms whose settings differ, read from the webview's user agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Linux,
    Windows,
    MacOs,
    Android,
}

impl Platform {
    pub fn from_user_agent(ua: &str) -> Self {
        // Android's user agent also says "Linux": ask for it first.
        if ua.contains("Android") {
            Platform::Android
        } else if ua.contains("Windows") {
            Platform::Windows
        } else if ua.contains("Mac OS") || ua.contains("Macintosh") {
            Platform::MacOs
        } else {
            Platform::Linux
        }
    }

    /// Where the agent allows Heads-Up's notifications.
    pub fn settings_path(self) -> &'static str {
        match self {
            Platform::Linux => "your desktop's notification settings (and turn off Do Not Disturb)",
            Platform::Windows => "Settings → System → Notifications → Heads-Up",
            Platform::MacOs => "System Settings → Notifications → Heads-Up",
            Platform::Android => "app info → Notifications (long-press the Heads-Up icon)",
        }
    }
}

/// The sentence shown for a verdict on a platform.
pub fn explain(verdict: &Verdict, platform: Platform) -> String {
    match verdict {
        Verdict::Granted { server: Some(server) } => {
            format!("The system shows Heads-Up's notifications ({server}).")
        }
        Verdict::Granted { server: None } => "The system shows Heads-Up's notifications.".into(),
        Verdict::Denied => format!(
            "The system blocks Heads-Up's notifications: you will not be alerted. Allow them in {}, then press Ask again.",
            platform.settings_path()
        ),
        Verdict::NoServer { why } => format!(
            "No notification service answers on this desktop, so notifications cannot appear \
             ({why}). Start a notification daemon (e.g. dunst, or your desktop's own), or log \
             in to a full desktop session."
        ),
        Verdict::Prompt => format!(
            "The system has not been asked yet. Press Ask again and allow notifications (or allow them in {}).",
            platform.settings_path()
        ),
        Verdict::Unknown { why } => format!("Could not read the system's notification permission: {why}."),
    }
}

#[derive(Clone, PartialEq)]
enum Check {
    Loading,
    Known(Verdict),
}

#[function_component]
pub fn NotificationPermission() -> Html {
    let check = use_state(|| Check::Loading);
    let asking = use_state(|| false);
    {
        let check = check.clone();
        use_effect_with((), move |_| {
            spawn_local(async move { check.set(Check::Known(read_status().await)) });
        });
    }
    let on_ask = {
        let (check, asking) = (check.clone(), asking.clone());
        Callback::from(move |_: MouseEvent| {
            asking.set(true);
            let (check, asking) = (check.clone(), asking.clone());
            spawn_local(async move {
                let verdict = match tauri::invoke_json(ASK_COMMAND).await {
                    // The answer is only the permission; read the whole status again.
                    Ok(_) => read_status().await,
                    Err(e) => Verdict::Unknown { why: e.to_string() },
                };
                check.set(Check::Known(verdict));
                asking.set(false);
            });
        })
    };

    let platform = Platform::from_user_agent(&user_agent());
    let (state, reason, text, verdict) = match &*check {
        Check::Loading => (
            "unknown",
            None,
            "Checking the system's permission…".to_string(),
            None,
        ),
        Check::Known(v) => (
            v.state(),
            matches!(v, Verdict::NoServer { .. }).then_some("no-server"),
            explain(v, platform),
            Some(v),
        ),
    };
    let problem = !matches!(verdict, None | Some(Verdict::Granted { .. }));
    html! {
        <div id="notification-permission" class={classes!("os-permission", problem.then_some("problem"))}
             data-state={state} data-reason={reason}
             role={if problem { "alert" } else { "status" }}>
            <p class="os-permission-text">{ text }</p>
            if verdict.is_some_and(Verdict::can_ask) {
                <button id="notification-ask" type="button" onclick={on_ask}
                        disabled={*asking} aria-busy={asking.to_string()}>
                    { if *asking { "Asking…" } else { "Ask again" } }
                </button>
            }
        </div>
    }
}

async fn read_status() -> Verdict {
    match tauri::invoke_json(STATUS_COMMAND).await {
        Ok(json) => match serde_json::from_value::<NotificationStatus>(json) {
            Ok(status) => Verdict::from_status(&status),
            Err(e) => Verdict::Unknown {
                why: format!("unexpected answer from the app: {e}"),
            },
        },
        Err(e) => Verdict::Unknown { why: e.to_string() },
    }
}

fn user_agent() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(json: &str) -> Verdict {
        Verdict::from_status(&serde_json::from_str(json).unwrap())
    }

    #[test]
    fn reads_the_apps_answers() {
        // The shapes src-tauri's `notification_status` sends (optional fields skipped if None).
        let ok = status(r#"{"permission":"granted","server":"dunst 1.9.0"}"#);
        assert_eq!(
            ok,
            Verdict::Granted {
                server: Some("dunst 1.9.0".into())
            }
        );
        assert_eq!(ok.state(), "granted");
        let refused = status(r#"{"permission":"denied","asked_by_version":"0.1.0"}"#);
        assert_eq!(refused.state(), "denied");
        assert!(refused.can_ask());
        let nobody = status(
            r#"{"permission":"granted","server_error":"org.freedesktop.Notifications not found"}"#,
        );
        assert_eq!(nobody.state(), "denied");
        assert!(
            !nobody.can_ask(),
            "asking cannot start a notification daemon"
        );
        assert_eq!(
            status(r#"{"permission":"prompt-with-rationale"}"#).state(),
            "prompt"
        );
        assert_eq!(status(r#"{"permission":"maybe"}"#).state(), "unknown");
    }

    #[test]
    fn tells_each_platform_where_to_fix_it() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36";
        let mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15";
        let windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/120";
        let linux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15";
        assert_eq!(Platform::from_user_agent(android), Platform::Android);
        assert_eq!(Platform::from_user_agent(mac), Platform::MacOs);
        assert_eq!(Platform::from_user_agent(windows), Platform::Windows);
        assert_eq!(Platform::from_user_agent(linux), Platform::Linux);

        let text = explain(&Verdict::Denied, Platform::Windows);
        assert!(text.contains("Settings → System → Notifications"), "{text}");
        let text = explain(&Verdict::Denied, Platform::MacOs);
        assert!(
            text.contains("System Settings → Notifications → Heads-Up"),
            "{text}"
        );
        let text = explain(&Verdict::Denied, Platform::Android);
        assert!(text.contains("app info → Notifications"), "{text}");
        let text = explain(
            &Verdict::NoServer {
                why: "no bus".into(),
            },
            Platform::Linux,
        );
        assert!(
            text.contains("notification daemon") && text.contains("no bus"),
            "{text}"
        );
    }
}

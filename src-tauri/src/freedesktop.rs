//! Linux and the BSDs: notifications straight to the Desktop Notifications server on the session
//! bus, as "Heads-Up" with the app's own icon, the body escaped when the server renders markup.
//!
//! Why not tauri-plugin-notification here: on these systems it sends the executable's file name
//! (`headsup`) as the app name and as the icon name, and offers no way to set either; and it
//! sends the body as given, which a server advertising `body-markup` (dunst, GNOME, KDE) renders
//! as markup — customer text would turn into bold, links or images. The plugin still serves
//! Windows, macOS and Android, where neither is the case (see ARCHITECTURE.md).
//!
//! One connection sends every call and receives the server's signals: servers like GNOME's close
//! a notification when the connection that sent it goes away, and dunst signals a click only to
//! the sending connection. Calls go out in order from one thread, so a withdrawal can never
//! overtake the notification it withdraws.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use headsup_core::{Notification, NotificationId};
use tauri::plugin::PermissionState;
use zbus::blocking::{Connection, MessageIterator};
use zbus::zvariant::Value;

use crate::notifications::{system_sound, OsNotifications, Tap, TEST_RING_ID};

/// The name the server shows the notifications as coming from.
pub const APP_NAME: &str = "Heads-Up";

const DESTINATION: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
const INTERFACE: &str = "org.freedesktop.Notifications";

/// What to do with a tap: the shell's handler (bring the window forward, tell the core).
pub type TapHandler = Arc<dyn Fn(Tap) + Send + Sync>;

/// One notification to raise.
struct Raise {
    id: i32,
    title: String,
    body: String,
    sound: bool,
    tap: Tap,
}

enum Call {
    Show(Raise),
    Close(i32),
}

/// [`OsNotifications`] over the session bus.
pub struct FreedesktopNotifications {
    calls: Mutex<Sender<Call>>,
}

impl FreedesktopNotifications {
    /// Starts the thread that talks to the server. `icon` is an absolute path to the app's icon
    /// (PNG); taps go to `on_tap`.
    pub fn start(icon: Option<PathBuf>, on_tap: TapHandler) -> Self {
        let (tx, rx) = mpsc::channel();
        let icon = icon.map(|p| p.display().to_string()).unwrap_or_default();
        let spawned = std::thread::Builder::new()
            .name("notifications".into())
            .spawn(move || serve(rx, icon, on_tap));
        if let Err(error) = spawned {
            tracing::error!(%error, "starting the notification thread failed");
        }
        FreedesktopNotifications {
            calls: Mutex::new(tx),
        }
    }

    fn send(&self, call: Call) {
        let calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        if calls.send(call).is_err() {
            tracing::error!("the notification thread is gone: nothing can be shown");
        }
    }
}

impl OsNotifications for FreedesktopNotifications {
    fn show(&self, n: &Notification) {
        self.send(Call::Show(Raise {
            id: n.id.0,
            title: n.title.clone(),
            body: n.body.clone(),
            sound: n.sound,
            tap: n.conversation.map_or(Tap::Agent(n.request), Tap::Chat),
        }));
    }

    fn withdraw(&self, id: NotificationId) {
        self.send(Call::Close(id.0));
    }

    fn show_test_ring(&self) -> Result<(), String> {
        self.send(Call::Show(Raise {
            id: TEST_RING_ID,
            title: "Heads-Up test ring".into(),
            body: "Click this notification to finish the test.".into(),
            sound: true,
            tap: Tap::TestRing,
        }));
        Ok(())
    }

    fn withdraw_test_ring(&self) {
        self.send(Call::Close(TEST_RING_ID));
    }

    // Desktop systems do not gate notifications behind a permission (as the plugin says).
    fn permission_state(&self) -> Result<PermissionState, String> {
        Ok(PermissionState::Granted)
    }

    fn request_permission(&self) -> Result<PermissionState, String> {
        Ok(PermissionState::Granted)
    }
}

/// The body as the server should receive it: with `<`, `>`, `&` and quotes as XML entities if
/// the server renders markup (`body-markup`), else as it is. The summary is always plain text
/// (the specification allows no markup there).
pub fn body_for_server(body: &str, markup: bool) -> Cow<'_, str> {
    if markup {
        quick_xml::escape::escape(body)
    } else {
        Cow::Borrowed(body)
    }
}

/// Which shown notification is which: ours ↔ the server's ids.
#[derive(Default)]
struct Shown {
    server_id: HashMap<i32, u32>,
    tap: HashMap<u32, Tap>,
}

impl Shown {
    fn forget_server_id(&mut self, server_id: u32) {
        self.tap.remove(&server_id);
        self.server_id.retain(|_, s| *s != server_id);
    }
}

/// The notification thread: connects, asks the server what it renders, then performs the calls
/// in order. Without a session bus it logs each notification it could not show.
fn serve(calls: Receiver<Call>, icon: String, on_tap: TapHandler) {
    let shown = Arc::new(Mutex::new(Shown::default()));
    let connection = match Connection::session() {
        Ok(c) => Some(c),
        Err(error) => {
            tracing::error!(%error, "no session bus: notifications cannot be shown");
            None
        }
    };
    let markup = connection.as_ref().is_some_and(renders_markup);
    if let Some(connection) = &connection {
        listen(connection, shown.clone(), on_tap);
    }
    for call in calls {
        let Some(connection) = &connection else {
            tracing::warn!("notification dropped: no session bus");
            continue;
        };
        let mut shown = shown.lock().unwrap_or_else(PoisonError::into_inner);
        match call {
            Call::Show(raise) => {
                // A re-alert is a fresh bubble (with its sound), not a silent in-place update.
                if let Some(old) = shown.server_id.remove(&raise.id) {
                    close(connection, old);
                    shown.tap.remove(&old);
                }
                // The lock is held while the server answers, so a click signalled before its
                // id is recorded waits for it instead of being lost.
                match notify(connection, &raise, &icon, markup) {
                    Ok(server_id) => {
                        shown.server_id.insert(raise.id, server_id);
                        shown.tap.insert(server_id, raise.tap);
                    }
                    Err(error) => tracing::error!(%error, id = raise.id, "Notify failed"),
                }
            }
            Call::Close(id) => {
                if let Some(server_id) = shown.server_id.remove(&id) {
                    shown.tap.remove(&server_id);
                    close(connection, server_id);
                }
            }
        }
    }
}

/// Asks the server once whether it renders markup in bodies.
fn renders_markup(connection: &Connection) -> bool {
    let capabilities = connection
        .call_method(
            Some(DESTINATION),
            PATH,
            Some(INTERFACE),
            "GetCapabilities",
            &(),
        )
        .and_then(|reply| reply.body().deserialize::<Vec<String>>());
    match capabilities {
        Ok(capabilities) => {
            tracing::info!(?capabilities, "notification server capabilities");
            capabilities.iter().any(|c| c == "body-markup")
        }
        Err(error) => {
            // Escaping is the safe guess: an unescaped body could be rendered as markup.
            tracing::warn!(%error, "GetCapabilities failed: escaping bodies anyway");
            true
        }
    }
}

fn notify(connection: &Connection, raise: &Raise, icon: &str, markup: bool) -> zbus::Result<u32> {
    let mut hints: HashMap<&str, Value<'_>> = HashMap::new();
    if raise.sound {
        if let Some(sound) = system_sound() {
            hints.insert("sound-name", Value::from(sound));
        }
    }
    // A click on the body is the action "default" (only offered if listed).
    let actions = ["default", ""];
    let body = body_for_server(&raise.body, markup);
    connection
        .call_method(
            Some(DESTINATION),
            PATH,
            Some(INTERFACE),
            "Notify",
            &(
                APP_NAME,
                0u32,
                icon,
                raise.title.as_str(),
                body.as_ref(),
                &actions[..],
                hints,
                -1i32,
            ),
        )?
        .body()
        .deserialize()
}

fn close(connection: &Connection, server_id: u32) {
    let closed = connection.call_method(
        Some(DESTINATION),
        PATH,
        Some(INTERFACE),
        "CloseNotification",
        &(server_id,),
    );
    if let Err(error) = closed {
        tracing::warn!(%error, server_id, "CloseNotification failed");
    }
}

/// Subscribes to the server's signals (before any notification is sent, so none is missed) and
/// handles them on a thread of their own: a click reports the tap, a close forgets the ids.
fn listen(connection: &Connection, shown: Arc<Mutex<Shown>>, on_tap: TapHandler) {
    let signals = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .path(PATH)
        .and_then(|b| b.interface(INTERFACE))
        .map(|b| b.build())
        .and_then(|rule| MessageIterator::for_match_rule(rule, connection, None));
    let signals = match signals {
        Ok(signals) => signals,
        Err(error) => {
            tracing::error!(%error, "cannot receive notification clicks");
            return;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("notification-signals".into())
        .spawn(move || {
            for signal in signals.flatten() {
                let header = signal.header();
                let body = signal.body();
                match header.member().map(|m| m.as_str()) {
                    Some("ActionInvoked") => {
                        let Ok((server_id, action)) = body.deserialize::<(u32, String)>() else {
                            continue;
                        };
                        let tap = shown
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .tap
                            .get(&server_id)
                            .copied();
                        if let (Some(tap), "default") = (tap, action.as_str()) {
                            on_tap(tap);
                        }
                    }
                    Some("NotificationClosed") => {
                        if let Ok((server_id, _reason)) = body.deserialize::<(u32, u32)>() {
                            shown
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .forget_server_id(server_id);
                        }
                    }
                    _ => {}
                }
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "starting the notification signal thread failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_escaped_only_for_servers_that_render_markup() {
        let name = "Ann <b>VIP</b> & <a href=\"http://evil.test\">Co</a>";
        assert_eq!(
            body_for_server(name, true),
            "Ann &lt;b&gt;VIP&lt;/b&gt; &amp; &lt;a href=&quot;http://evil.test&quot;&gt;Co&lt;/a&gt;"
        );
        assert_eq!(body_for_server("O'Brien", true), "O&apos;Brien");
        assert_eq!(body_for_server(name, false), name);
    }
}

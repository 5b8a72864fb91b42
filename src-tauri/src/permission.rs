//! Asking the OS for permission to notify: the first time the agent signs in, and again the first
//! time after an update that changed notifications. Which app version asked last is remembered in
//! the profile's data folder.
//!
//! Desktop OSes do not gate notifications (the plugin reports `Granted`); Android 13+ does.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use semver::Version;
use serde::{Deserialize, Serialize};
use tauri::plugin::PermissionState;
use tauri::{AppHandle, Manager, Runtime};

use crate::notifications::{Notifier, OsNotifications};

/// The last app version that changed notifications enough to ask again. Raise it in the release
/// that does.
pub const NOTIFICATIONS_CHANGED_IN: Version = Version::new(0, 1, 0);

const RECORD_FILE: &str = "notification-permission.json";

/// What the data folder remembers about the last request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionRecord {
    pub asked_by_version: String,
    pub answer: String,
}

/// Where the permission record lives; managed as app state once the data folder is known.
pub struct PermissionStore {
    path: PathBuf,
    /// This app's version: the one that asks now.
    app_version: Version,
    /// Set once this run asked (or decided not to), so each render does not re-read the file.
    settled: AtomicBool,
}

impl PermissionStore {
    pub fn new(data_dir: &Path, app_version: Version) -> Self {
        PermissionStore {
            path: data_dir.join(RECORD_FILE),
            app_version,
            settled: AtomicBool::new(false),
        }
    }

    pub fn load(&self) -> Option<PermissionRecord> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Asking is due when no version asked yet, or the one that did predates the last change to
    /// notifications (a record we cannot read counts as never asked).
    pub fn asking_is_due(&self) -> bool {
        match self
            .load()
            .and_then(|r| Version::parse(&r.asked_by_version).ok())
        {
            Some(asked_by) => asked_by < NOTIFICATIONS_CHANGED_IN,
            None => true,
        }
    }

    /// Remembers that this app version asked, and the answer.
    pub fn record(&self, answer: PermissionState) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let record = PermissionRecord {
            asked_by_version: self.app_version.to_string(),
            answer: answer.to_string(),
        };
        let json = serde_json::to_string_pretty(&record).map_err(std::io::Error::other)?;
        std::fs::write(&self.path, json)
    }
}

/// Asks the OS and remembers which version asked. Blocks on Android until the agent answers a
/// system dialog: call it off the main thread.
pub fn ask(
    notifications: &dyn OsNotifications,
    store: &PermissionStore,
) -> Result<PermissionState, String> {
    let answer = notifications.request_permission()?;
    if let Err(error) = store.record(answer) {
        tracing::warn!(%error, "could not remember the notification permission request");
    }
    Ok(answer)
}

/// The core says the agent signed in (once per run): asks if this app version has not yet.
pub fn ask_if_due<R: Runtime>(app: &AppHandle<R>) {
    let Some(store) = app.try_state::<PermissionStore>() else {
        return;
    };
    if store.settled.swap(true, Ordering::SeqCst) || !store.asking_is_due() {
        return;
    }
    let Some(notifier) = app.try_state::<Notifier>() else {
        return;
    };
    let notifier = notifier.inner().clone();
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || match ask(&*notifier.0, &app.state()) {
        Ok(answer) => tracing::info!(%answer, "notification permission asked"),
        Err(error) => tracing::warn!(%error, "notification permission request failed"),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_first_time_then_not_until_notifications_change() {
        let dir = tempfile::tempdir().unwrap();
        let store = PermissionStore::new(dir.path(), NOTIFICATIONS_CHANGED_IN);
        assert!(store.asking_is_due(), "nothing recorded yet");

        store.record(PermissionState::Granted).unwrap();
        assert!(!store.asking_is_due(), "this version asked already");
        assert_eq!(
            store.load().unwrap(),
            PermissionRecord {
                asked_by_version: NOTIFICATIONS_CHANGED_IN.to_string(),
                answer: "granted".into(),
            }
        );

        // The file survives the run: a new store on the same folder (a restart) agrees.
        assert!(!PermissionStore::new(dir.path(), NOTIFICATIONS_CHANGED_IN).asking_is_due());
    }

    #[test]
    fn an_older_version_or_unreadable_record_asks_again() {
        let dir = tempfile::tempdir().unwrap();
        let older = Version::new(0, 0, 9);
        assert!(older < NOTIFICATIONS_CHANGED_IN);
        let store = PermissionStore::new(dir.path(), older);
        store.record(PermissionState::Denied).unwrap();
        assert!(store.asking_is_due());

        std::fs::write(dir.path().join(RECORD_FILE), "not json").unwrap();
        assert!(store.asking_is_due());
    }
}

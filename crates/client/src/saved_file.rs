//! The core's non-secret state as a JSON file in the data folder.

use std::io;
use std::path::{Path, PathBuf};

use headsup_core::SavedState;

const FILE_NAME: &str = "agent-state.json";

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// The saved state, or the defaults on a first run. An unreadable file is set aside rather than
/// trusted or deleted: the agent starts clean and the file stays for a bug report.
pub fn load(data_dir: &Path) -> SavedState {
    let path = path(data_dir);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return SavedState::default();
    };
    match serde_json::from_str(&text) {
        Ok(state) => state,
        Err(e) => {
            tracing::warn!(error = %e, "unreadable {}, starting from defaults", path.display());
            let _ = std::fs::rename(&path, path.with_extension("json.bad"));
            SavedState::default()
        }
    }
}

/// Writes through a temporary file and a rename, so a crash mid-write never leaves half a file.
pub fn save(data_dir: &Path, state: &SavedState) -> io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let path = path(data_dir);
    let tmp = path.with_extension("json.tmp");
    let json = serde_json::to_vec_pretty(state).map_err(io::Error::other)?;
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, &path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use headsup_protocol::RequestId;

    #[test]
    fn round_trips_through_a_real_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), SavedState::default());
        let mut state = SavedState {
            last_seq: Some(41),
            email: Some("ana@example.com".into()),
            ..SavedState::default()
        };
        state.notified.insert(RequestId(7));
        state.settings.mask_phone = true;
        save(dir.path(), &state).unwrap();
        assert_eq!(load(dir.path()), state);
    }

    #[test]
    fn an_unreadable_file_is_set_aside_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(path(dir.path()), "{ not json").unwrap();
        assert_eq!(load(dir.path()), SavedState::default());
        assert!(dir.path().join("agent-state.json.bad").exists());
    }
}

//! Where the app finds its LDS and keeps its files, read once at launch from the environment.

use std::path::{Path, PathBuf};

use headsup_client::AgentConfig;
use tauri::{AppHandle, Manager, Runtime};

pub const LDS_URL_VAR: &str = "HEADSUP_LDS_URL";
pub const PROFILE_VAR: &str = "HEADSUP_PROFILE";
/// Replaces the per-profile folder under the OS data dir; tests give each app a temp folder.
pub const DATA_DIR_VAR: &str = "HEADSUP_DATA_DIR";
/// A PEM file of extra root certificates, for an https LDS whose certificate a private CA signed.
pub const EXTRA_ROOT_VAR: &str = "HEADSUP_LDS_CA";

pub const DEFAULT_LDS_URL: &str = "http://127.0.0.1:7700";
pub const DEFAULT_PROFILE: &str = "default";

/// The launch settings of one app instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchConfig {
    pub lds_url: String,
    /// Separates two agents on one machine: their data, their single-instance lock, their window.
    pub profile: String,
    pub data_dir_override: Option<PathBuf>,
    pub extra_root_pem: Option<PathBuf>,
}

impl LaunchConfig {
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `get`; an empty value counts as unset, so `HEADSUP_PROFILE=`
    /// in a script does not create a profile with no name.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| get(name).filter(|value| !value.trim().is_empty());
        LaunchConfig {
            lds_url: set(LDS_URL_VAR).unwrap_or_else(|| DEFAULT_LDS_URL.to_owned()),
            profile: set(PROFILE_VAR).unwrap_or_else(|| DEFAULT_PROFILE.to_owned()),
            data_dir_override: set(DATA_DIR_VAR).map(PathBuf::from),
            extra_root_pem: set(EXTRA_ROOT_VAR).map(PathBuf::from),
        }
    }

    /// The profile reduced to characters every file system and D-Bus name accepts.
    pub fn profile_slug(&self) -> String {
        self.profile
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect()
    }

    /// The profile's data folder: the override, else `<app data dir>/profiles/<profile>`.
    pub fn data_dir<R: Runtime>(&self, app: &AppHandle<R>) -> tauri::Result<PathBuf> {
        match &self.data_dir_override {
            Some(dir) => Ok(dir.clone()),
            None => Ok(app
                .path()
                .app_data_dir()?
                .join("profiles")
                .join(self.profile_slug())),
        }
    }

    pub fn agent_config(&self, data_dir: &Path) -> AgentConfig {
        AgentConfig {
            lds_url: self.lds_url.clone(),
            device: device_name(),
            profile: self.profile.clone(),
            data_dir: data_dir.to_path_buf(),
            extra_root_pem: self.extra_root_pem.clone(),
        }
    }
}

/// A name the LDS can show for this device: the host name where the OS offers one cheaply.
fn device_name() -> String {
    let host = ["HOSTNAME", "COMPUTERNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()))
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        });
    match host {
        Some(host) => format!("headsup-{}-{host}", std::env::consts::OS),
        None => format!("headsup-{}", std::env::consts::OS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn launch(vars: &[(&str, &str)]) -> LaunchConfig {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        LaunchConfig::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_apply_when_unset_or_empty() {
        let expected = LaunchConfig {
            lds_url: DEFAULT_LDS_URL.into(),
            profile: DEFAULT_PROFILE.into(),
            data_dir_override: None,
            extra_root_pem: None,
        };
        assert_eq!(launch(&[]), expected);
        assert_eq!(
            launch(&[(PROFILE_VAR, ""), (LDS_URL_VAR, " "), (DATA_DIR_VAR, "")]),
            expected
        );
    }

    #[test]
    fn environment_overrides_defaults() {
        let got = launch(&[
            (LDS_URL_VAR, "http://10.0.0.5:9000"),
            (PROFILE_VAR, "ana"),
            (DATA_DIR_VAR, "/tmp/x"),
            (EXTRA_ROOT_VAR, "/etc/lds-ca.pem"),
        ]);
        assert_eq!(got.lds_url, "http://10.0.0.5:9000");
        assert_eq!(got.profile, "ana");
        assert_eq!(got.data_dir_override, Some(PathBuf::from("/tmp/x")));
        let agent = got.agent_config(Path::new("/tmp/x"));
        assert_eq!(agent.profile, "ana");
        assert_eq!(agent.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(agent.extra_root_pem, Some(PathBuf::from("/etc/lds-ca.pem")));
    }

    #[test]
    fn profile_slug_is_safe_for_paths_and_bus_names() {
        assert_eq!(
            launch(&[(PROFILE_VAR, "ana.b/../x y")]).profile_slug(),
            "ana_b____x_y"
        );
    }
}

//! Where the session token lives: the OS secret store, never a file. Behind a small trait so each
//! platform (and a test) picks its store explicitly.

// keyring v4 re-exports keyring-core's error, so both platforms match on one type.
use keyring::Error as StoreError;

#[cfg(target_os = "android")]
mod android;

/// A failure of the secret store (no Secret Service on the bus, locked keychain…).
#[derive(Debug, thiserror::Error)]
#[error("secret store: {0}")]
pub struct SecretError(pub String);

/// Keeps one secret: the agent's session token for this profile.
pub trait SecretStore: Send + Sync + 'static {
    fn load(&self) -> Result<Option<String>, SecretError>;
    fn store(&self, token: &str) -> Result<(), SecretError>;
    fn clear(&self) -> Result<(), SecretError>;
}

/// The OS store through the `keyring` crates. Desktop: keyring v4's `v1` entry (Secret Service on
/// Linux, Keychain on Apple, Credential Manager on Windows; it sets its default store on first
/// use). Android: the Keystore-backed store of [`android`], because `v1` refuses Android.
pub struct KeyringStore {
    service: String,
    user: String,
}

/// The keyring service name all Heads-Up entries share; the profile is the user part.
pub const KEYRING_SERVICE: &str = "headsup";

impl KeyringStore {
    pub fn new(profile: &str) -> Self {
        KeyringStore {
            service: KEYRING_SERVICE.to_string(),
            user: profile.to_string(),
        }
    }

    #[cfg(not(target_os = "android"))]
    fn entry(&self) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, &self.user).map_err(|e| SecretError(e.to_string()))
    }

    #[cfg(target_os = "android")]
    fn entry(&self) -> Result<keyring_core::Entry, SecretError> {
        android::entry(&self.service, &self.user)
    }
}

impl SecretStore for KeyringStore {
    fn load(&self) -> Result<Option<String>, SecretError> {
        match self.entry()?.get_password() {
            Ok(token) => Ok(Some(token)),
            Err(StoreError::NoEntry) => Ok(None),
            Err(e) => Err(SecretError(e.to_string())),
        }
    }

    fn store(&self, token: &str) -> Result<(), SecretError> {
        self.entry()?
            .set_password(token)
            .map_err(|e| SecretError(e.to_string()))
    }

    fn clear(&self) -> Result<(), SecretError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(StoreError::NoEntry) => Ok(()),
            Err(e) => Err(SecretError(e.to_string())),
        }
    }
}

//! Where the session token lives: the OS secret store, never a file. Behind a small trait so each
//! platform (and a test) picks its store explicitly.

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

/// The OS store through the `keyring` crate (v4, `v1` features: Secret Service on Linux,
/// Keychain on Apple, Credential Manager on Windows; the v1 module sets the default store on
/// first use, so nothing needs setting up at start).
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

    fn entry(&self) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, &self.user).map_err(|e| SecretError(e.to_string()))
    }
}

impl SecretStore for KeyringStore {
    fn load(&self) -> Result<Option<String>, SecretError> {
        match self.entry()?.get_password() {
            Ok(token) => Ok(Some(token)),
            Err(keyring::Error::NoEntry) => Ok(None),
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
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError(e.to_string())),
        }
    }
}

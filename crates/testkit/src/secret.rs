//! A token store in memory: a test agent must not touch the keyring entries of a real profile.

use std::sync::Mutex;

use headsup_client::{SecretError, SecretStore};

#[derive(Default)]
pub struct MemorySecret(Mutex<Option<String>>);

impl SecretStore for MemorySecret {
    fn load(&self) -> Result<Option<String>, SecretError> {
        Ok(self.0.lock().unwrap().clone())
    }

    fn store(&self, token: &str) -> Result<(), SecretError> {
        *self.0.lock().unwrap() = Some(token.to_string());
        Ok(())
    }

    fn clear(&self) -> Result<(), SecretError> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }
}

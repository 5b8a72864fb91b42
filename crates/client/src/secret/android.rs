//! The Android secret store: android-native-keyring-store (a key in the Android Keystore
//! encrypting entries kept in a private SharedPreferences file), used through keyring-core.
//!
//! keyring 4's `v1` entry refuses Android, so the store is built here, once, and asked for
//! entries directly instead of being installed as keyring-core's process-wide default (nothing
//! else in the app should pick its store by accident).
//!
//! **The JNI context.** The store finds the app through the `ndk-context` crate, which must hold
//! the Java VM and an Android `Context` before the first call. In the Tauri app nothing extra is
//! needed: tao initialises `ndk-context` with the application context when the activity is
//! created (tao 0.37 `platform_impl/android/ndk_glue.rs`), before `setup` spawns the agent, and
//! the store is only created on the first token read, from the agent's run loop. Any other host
//! (a plain NativeActivity, a test APK) must call `ndk_context::initialize_android_context`
//! first, or the crate's exported `io.crates.keyring.Keyring.initializeNdkContext(context)`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use android_native_keyring_store::Store;
use keyring_core::api::CredentialStoreApi;

use super::SecretError;

/// The store's name: its own SharedPreferences file and Keystore key, apart from any other
/// keyring user in the same process.
const STORE_NAME: &str = "headsup";

static STORE: OnceLock<Result<Arc<Store>, String>> = OnceLock::new();

/// The entry for `service`/`user`, creating the store on first use.
pub fn entry(service: &str, user: &str) -> Result<keyring_core::Entry, SecretError> {
    let store = STORE
        .get_or_init(|| {
            Store::new_with_configuration(&HashMap::from([("name", STORE_NAME)]))
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| SecretError(format!("Android keystore unavailable: {e}")))?;
    store
        .build(service, user, None)
        .map_err(|e| SecretError(e.to_string()))
}

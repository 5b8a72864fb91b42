//! Secrets: argon2id password hashes, random bearer tokens and intake keys stored only as
//! SHA-256 digests (a stolen database does not hand out working tokens).

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    // Argon2::default() is argon2id v19 with the crate's recommended cost parameters.
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))?
        .to_string())
}

pub(crate) fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the e-mail is unknown, so a wrong e-mail costs as much time as
/// a wrong password and timing does not reveal which accounts exist.
pub(crate) fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password").expect("argon2 works"))
}

/// 256 random bits, URL-safe base64 without padding. Prefix says what the secret is for, which
/// helps secret scanners and humans; it carries no authority.
pub(crate) fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{prefix}_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The digest stored in place of a token or intake key.
pub fn digest(secret: &str) -> String {
    let d = Sha256::digest(secret.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_is_argon2id_and_verifies_only_the_right_password() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn secrets_are_unique_and_digests_stable() {
        let a = new_secret("tok");
        let b = new_secret("tok");
        assert_ne!(a, b);
        assert!(a.starts_with("tok_") && a.len() > 40);
        assert_eq!(digest("x"), digest("x"));
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(digest("x").len(), 64);
    }
}

//! Intake's `Idempotency-Key`: the first answer to a team's key, kept for a day, so a widget
//! that retries after a lost answer gets that answer again instead of a second customer request.
//!
//! The answer is written in the same transaction as the request it created (a crash cannot keep
//! one without the other), and every writer holds the single writer slot (`Db::begin_write`), so
//! two retries racing with one key cannot both miss the row: the second finds the first's.

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::lds::NewRequest;
use headsup_protocol::{ErrorCode, TeamId};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::data::idempotency::{self as rows, Answer};

use crate::error::{LdsError, LdsResult};

/// How long a key is remembered; pruned by the timers (`timers::pruning`) after that.
pub(crate) const KEEP: Duration = Duration::hours(24);
/// Longest key accepted, in characters (all visible ASCII).
pub(crate) const MAX_KEY_CHARS: usize = 255;

/// What a retry must match: the SHA-256 of the request body as parsed (so whitespace and key
/// order do not matter, a different customer or kind does).
pub(crate) fn fingerprint(new: &NewRequest) -> String {
    let canonical = serde_json::to_vec(new).expect("a NewRequest serializes");
    let digest = Sha256::digest(&canonical);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The answer stored for `key` within the last [`KEEP`]: sent again when the body is the same,
/// refused with `idempotency_key_reused` when it is not.
pub(crate) async fn replay(
    conn: &mut AnyConnection,
    team: TeamId,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> LdsResult<Option<Answer>> {
    let Some((stored, answer)) = rows::stored(conn, team, key, now - KEEP).await? else {
        return Ok(None);
    };
    if stored != fingerprint {
        return Err(LdsError::new(
            ErrorCode::IdempotencyKeyReused,
            "this Idempotency-Key was already used with a different body; \
             use a new key for a new request",
        ));
    }
    Ok(Some(answer))
}

/// Forgets keys older than [`KEEP`], in the caller's transaction.
pub(crate) async fn prune(conn: &mut AnyConnection, now: DateTime<Utc>) -> anyhow::Result<u64> {
    rows::prune(conn, now - KEEP).await
}

/// The key as the client sent it in `Idempotency-Key`: 1 to [`MAX_KEY_CHARS`] visible ASCII
/// characters, optionally in double quotes (the draft's structured-field string form).
pub(crate) fn parse_key(value: &[u8]) -> LdsResult<String> {
    let refuse = || {
        LdsError::new(
            ErrorCode::InvalidIdempotencyKey,
            format!(
                "Idempotency-Key is 1 to {MAX_KEY_CHARS} visible ASCII characters \
                 (e.g. a UUID), optionally in double quotes"
            ),
        )
    };
    let value = match value {
        [b'"', inner @ .., b'"'] => inner,
        other => other,
    };
    if value.is_empty() || value.len() > MAX_KEY_CHARS {
        return Err(refuse());
    }
    if !value.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err(refuse());
    }
    Ok(String::from_utf8(value.to_vec()).expect("checked ASCII"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert_eq!(
            parse_key(b"8e03978e-40d5-43e8-bc93-6894a57f9324").unwrap(),
            "8e03978e-40d5-43e8-bc93-6894a57f9324"
        );
        assert_eq!(parse_key(b"\"abc\"").unwrap(), "abc");
        assert_eq!(parse_key(&[b'k'; MAX_KEY_CHARS]).unwrap().len(), 255);
        for bad in [
            &b""[..],
            b"\"\"",
            b"two words",
            b"tab\there",
            b"caf\xc3\xa9",
            &[b'k'; MAX_KEY_CHARS + 1],
        ] {
            assert_eq!(
                parse_key(bad).unwrap_err().code(),
                ErrorCode::InvalidIdempotencyKey,
                "{bad:?}"
            );
        }
    }
}

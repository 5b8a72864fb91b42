//! Waiting for something that happens asynchronously (another task, another process). The bound
//! is a liveness net, so a broken build fails instead of hanging: it is generous on purpose and
//! never a timing assertion.

use std::future::Future;
use std::panic::Location;
use std::time::{Duration, Instant};

/// How long a test waits for anything before it gives up.
pub const PATIENCE: Duration = Duration::from_secs(60);

const POLL_EVERY: Duration = Duration::from_millis(20);

/// Polls `check` until it returns `Some`, and panics after [`PATIENCE`] naming `what` and the
/// line that waited.
///
/// A check that needs no `.await` is written `|| async { … }` all the same: one helper for both.
#[track_caller]
pub fn eventually<'a, T, F, Fut>(what: &'a str, check: F) -> impl Future<Output = T> + 'a
where
    F: FnMut() -> Fut + 'a,
    Fut: Future<Output = Option<T>> + 'a,
    T: 'a,
{
    // Taken now: `track_caller` does not reach into the future's body.
    let caller = Location::caller();
    async move {
        match within_patience(check).await {
            Some(v) => v,
            None => panic!("{caller}: gave up waiting for {what} after {PATIENCE:?}"),
        }
    }
}

/// Polls `check` until it returns `Some`, or gives `None` after [`PATIENCE`], for a caller that
/// builds its own failure message (with the last thing it saw, say).
pub async fn within_patience<T, F, Fut>(mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

//! Waiting for something that happens asynchronously in another process. The bound is a
//! safety net against hanging forever, not a performance assertion: it is generous on purpose.

use std::time::{Duration, Instant};

pub const PATIENCE: Duration = Duration::from_secs(30);

/// Polls `check` until it returns `Some`, or panics after [`PATIENCE`] describing `what`.
pub async fn until<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    match try_until(check).await {
        Some(v) => v,
        None => panic!("gave up waiting for {what} after {PATIENCE:?}"),
    }
}

/// Polls `check` until it returns `Some`, or gives `None` after [`PATIENCE`].
pub async fn try_until<T, F, Fut>(mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

//! A request body that must arrive by a deadline: a client that sends its head at once and then
//! trickles the body (a slow POST) would otherwise hold its connection as long as it likes. The
//! handler reading it gets an error, answered `400 bad_request`, and the connection closes.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub(crate) struct BodyWithin {
    inner: Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl BodyWithin {
    pub(crate) fn new(inner: Incoming, within: Duration) -> BodyWithin {
        BodyWithin {
            inner,
            deadline: Box::pin(tokio::time::sleep(within)),
        }
    }
}

impl Body for BodyWithin {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|r| r.map_err(Into::into)));
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err("the request body did not arrive in time".into())));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

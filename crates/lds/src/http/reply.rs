//! `LdsError` as an HTTP response: the documented status and `{"error": {"code", "message"}}`.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use headsup_protocol::error::ErrorBody;
use headsup_protocol::ErrorCode;

use crate::error::LdsError;

pub(crate) fn status_of(code: ErrorCode) -> StatusCode {
    use ErrorCode::*;
    match code {
        BadRequest | MalformedFrame | UnknownFrame | BinaryFrame | HelloRequired => {
            StatusCode::BAD_REQUEST
        }
        TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        InvalidCredentials | Unauthorized | TokenExpired | TokenRevoked | InvalidIntakeKey => {
            StatusCode::UNAUTHORIZED
        }
        RateLimited => StatusCode::TOO_MANY_REQUESTS,
        OriginNotAllowed => StatusCode::FORBIDDEN,
        NotFound => StatusCode::NOT_FOUND,
        AlreadyTaken | NotPending | Busy | NotOffered | NothingPending | NotAvailable
        | TransferPending | AgentOffline | StaleVersion => StatusCode::CONFLICT,
        UnknownReason | DispositionRequired | UnknownDisposition => StatusCode::BAD_REQUEST,
        // A well-formed body naming a queue that is not there: the body cannot be processed.
        UnknownQueue | ChannelNotServed => StatusCode::UNPROCESSABLE_ENTITY,
        MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Internal => StatusCode::INTERNAL_SERVER_ERROR,
        InvalidPhone | InvalidDueAt | InvalidIdempotencyKey | InvalidContact => {
            StatusCode::BAD_REQUEST
        }
        // As draft-ietf-httpapi-idempotency-key-header says for a key reused with another body.
        IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
        StorageUnavailable | TooManyConnections => StatusCode::SERVICE_UNAVAILABLE,
        InvalidMessage => StatusCode::BAD_REQUEST,
        InvalidChatToken => StatusCode::UNAUTHORIZED,
        ConversationClosed | OutsideWindow => StatusCode::CONFLICT,
        AttachmentTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        AttachmentTypeRefused => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        InvalidTag => StatusCode::BAD_REQUEST,
    }
}

impl IntoResponse for LdsError {
    fn into_response(self) -> Response {
        let code = self.code();
        if let LdsError::Internal(e) = &self {
            if code == ErrorCode::StorageUnavailable {
                tracing::warn!("the database could not store a write: {e:#}");
            } else {
                tracing::error!("internal error: {e:#}");
            }
        }
        let body = ErrorBody::new(code, self.public_message());
        let mut response = (status_of(code), axum::Json(body)).into_response();
        match code {
            ErrorCode::RateLimited => {
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from_static("60"));
            }
            ErrorCode::StorageUnavailable => {
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from_static("5"));
            }
            _ => {}
        }
        response
    }
}

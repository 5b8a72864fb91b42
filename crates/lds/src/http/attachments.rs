//! Chat attachments over HTTP (docs/protocol.md §2.13): an agent with their bearer token, a
//! customer with their chat token (both in `Authorization`, never in the URL) upload a file,
//! then send a message naming it; each downloads the files they may read.
//!
//! The body is the file's bytes, at most `MAX_ATTACHMENT_BYTES`: axum stops reading past the
//! limit (`attachment_too_large`), so a larger upload never sits in memory. A download can
//! never run as a page in the LDS's origin: it is served as an attachment, with the type the
//! LDS sniffed, `nosniff` and a sandboxing policy.

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use headsup_protocol::chat::{Attachment, MAX_ATTACHMENT_BYTES};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{AttachmentId, ConversationId, ErrorCode};
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};

use crate::app::AppState;
use crate::auth;
use crate::domain::accounts;
use crate::domain::attachments::{self, Upload};
use crate::domain::conversations::customer;
use crate::error::LdsError;
use crate::http::extract::BearerToken;

/// The header that names the file: its name as percent-encoded UTF-8 (`encodeURIComponent`).
pub(crate) const NAME_HEADER: &str = "attachment-name";

/// How long an upload's body may take to arrive: 15 MiB at about 1 Mbit/s (other bodies get the
/// server's header timeout, 10 s by default).
pub(crate) const UPLOAD_WITHIN: std::time::Duration = std::time::Duration::from_secs(120);

/// Whether `path` is one of the upload endpoints (their bodies get [`UPLOAD_WITHIN`]).
pub(crate) fn is_upload(path: &str) -> bool {
    path == "/api/v1/chat/attachments"
        || path
            .strip_prefix("/api/v1/conversations/")
            .and_then(|rest| rest.strip_suffix("/attachments"))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Nothing in a download may load, run or be framed, even if a browser renders it.
const POLICY: &str = "default-src 'none'; sandbox; frame-ancestors 'none'";

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/conversations/{id}/attachments", post(agent_upload))
        .route("/api/v1/attachments/{id}", get(agent_download))
        .route("/api/v1/chat/attachments", post(customer_upload))
        .route("/api/v1/chat/attachments/{id}", get(customer_download))
        .layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES))
        .with_state(state)
}

async fn agent(state: &AppState, token: &str) -> Result<AgentInfo, LdsError> {
    accounts::authenticate(&state.store.db, &auth::digest(token)).await
}

/// The customer's conversation: the chat token in `Authorization: Bearer`.
async fn customer_conversation(
    state: &AppState,
    token: Result<BearerToken, LdsError>,
) -> Result<ConversationId, LdsError> {
    let BearerToken(token) = token.map_err(|_| {
        LdsError::new(
            ErrorCode::InvalidChatToken,
            "send the chat token as a bearer",
        )
    })?;
    Ok(customer::by_token(&state.store, &token).await?.id)
}

/// The file's bytes, refused `attachment_too_large` past the limit (nothing more is read).
/// An uploaded file as it arrived: the declared type and name from the headers, and the body.
struct Received {
    declared: Option<String>,
    name: String,
    bytes: Bytes,
}

impl Received {
    async fn read(request: Request) -> Result<Received, LdsError> {
        let (declared, name) = (declared(request.headers()), name(request.headers()));
        let bytes = file(request).await?;
        Ok(Received {
            declared,
            name,
            bytes,
        })
    }

    fn upload(&self) -> Upload<'_> {
        Upload {
            declared: self.declared.as_deref(),
            name: &self.name,
            bytes: &self.bytes,
        }
    }
}

async fn file(request: Request) -> Result<Bytes, LdsError> {
    Bytes::from_request(request, &()).await.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            LdsError::new(
                ErrorCode::AttachmentTooLarge,
                "a file is at most 15 MB (15,728,640 bytes)",
            )
        } else {
            LdsError::new(ErrorCode::BadRequest, format!("unreadable body: {r}"))
        }
    })
}

fn declared(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The name sent, decoded (cleaned later by the domain); empty when none.
fn name(headers: &HeaderMap) -> String {
    headers
        .get(NAME_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|v| percent_decode_str(v).decode_utf8_lossy().into_owned())
        .unwrap_or_default()
}

async fn agent_upload(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    Path(id): Path<i64>,
    request: Request,
) -> Result<(StatusCode, axum::Json<Attachment>), LdsError> {
    let agent = agent(&state, &token).await?;
    let file = Received::read(request).await?;
    let (attachment, published) =
        attachments::upload_by_agent(&state.store, &agent, ConversationId(id), file.upload())
            .await?;
    state.fanout.publish(published).await;
    Ok((StatusCode::CREATED, axum::Json(attachment)))
}

async fn customer_upload(
    State(state): State<AppState>,
    token: Result<BearerToken, LdsError>,
    request: Request,
) -> Result<(StatusCode, axum::Json<Attachment>), LdsError> {
    let conversation = customer_conversation(&state, token).await?;
    let file = Received::read(request).await?;
    let (attachment, published) =
        attachments::upload_by_customer(&state.store, conversation, file.upload()).await?;
    state.fanout.publish(published).await;
    Ok((StatusCode::CREATED, axum::Json(attachment)))
}

async fn agent_download(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    Path(id): Path<i64>,
) -> Result<Response, LdsError> {
    let agent = agent(&state, &token).await?;
    let (attachment, bytes) =
        attachments::for_agent(&state.store, &agent, AttachmentId(id)).await?;
    Ok(download(&attachment, bytes))
}

async fn customer_download(
    State(state): State<AppState>,
    token: Result<BearerToken, LdsError>,
    Path(id): Path<i64>,
) -> Result<Response, LdsError> {
    let conversation = customer_conversation(&state, token).await?;
    let (attachment, bytes) =
        attachments::for_customer(&state.store, conversation, AttachmentId(id)).await?;
    Ok(download(&attachment, bytes))
}

fn download(attachment: &Attachment, bytes: Vec<u8>) -> Response {
    let content_type = if attachment.content_type == "text/plain" {
        "text/plain; charset=utf-8".to_string()
    } else {
        attachment.content_type.clone()
    };
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    let value = |s: &str| HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static("x"));
    headers.insert(header::CONTENT_TYPE, value(&content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        value(&disposition(&attachment.name)),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `attachment` with the name twice (RFC 6266): an ASCII stand-in for old clients and the
/// exact UTF-8 name percent-encoded (RFC 8187), so no byte of the name is a header's syntax.
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let exact = utf8_percent_encode(name, NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{exact}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_upload_paths_get_the_longer_body_deadline() {
        assert!(is_upload("/api/v1/chat/attachments"));
        assert!(is_upload("/api/v1/conversations/12/attachments"));
        assert!(!is_upload("/api/v1/conversations//attachments"));
        assert!(!is_upload("/api/v1/conversations/1/2/attachments"));
        assert!(!is_upload("/api/v1/requests"));
    }

    #[test]
    fn a_name_cannot_break_out_of_the_disposition() {
        let d = disposition("a\";b\\c é.pdf");
        assert_eq!(
            d,
            "attachment; filename=\"a_;b_c _.pdf\"; filename*=UTF-8''a%22%3Bb%5Cc%20%C3%A9%2Epdf"
        );
    }
}

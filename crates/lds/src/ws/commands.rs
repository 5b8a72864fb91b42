//! Agent commands over the WebSocket, each answered with `reply` or `error` carrying its `cid`.
//! When several refusals apply, which one wins is fixed per command (docs/protocol.md §2.3,
//! "Which error wins"); the store functions check in that order.

use chrono::Utc;
use headsup_protocol::lds::{ClientFrame, ServerFrame};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::ErrorCode;

use crate::error::LdsError;
use crate::server::AppState;
use crate::store::{requests, sessions};

pub async fn handle(state: &AppState, agent: &AgentInfo, frame: ClientFrame) -> ServerFrame {
    let (cid, result) = match frame {
        ClientFrame::Hello { .. } => {
            return error(
                None,
                LdsError::new(ErrorCode::BadRequest, "hello was already received"),
            )
        }
        ClientFrame::Accept { cid, request } => (
            cid,
            claimed(state, requests::accept(&state.store, agent, request).await),
        ),
        ClientFrame::AttendNext { cid } => (
            cid,
            claimed(state, requests::attend_next(&state.store, agent).await),
        ),
        ClientFrame::Reject { cid, request } => (
            cid,
            requests::reject(&state.store, agent, request)
                .await
                .map(|()| reply(cid, Some(request), None)),
        ),
        ClientFrame::Schedule {
            cid,
            customer,
            due_at,
        } => (
            cid,
            requests::schedule_by_agent(&state.store, agent, customer, due_at.with_timezone(&Utc))
                .await
                .map(|r| reply(cid, Some(r.id), None)),
        ),
        ClientFrame::EndSession { cid, session } => (
            cid,
            sessions::end(&state.store, agent, session)
                .await
                .map(|s| reply(cid, Some(s.request), Some(s.id))),
        ),
    };
    match result {
        // The reply's cid is filled in by `reply`; claimed() does not know it.
        Ok(ServerFrame::Reply {
            request, session, ..
        }) => ServerFrame::Reply {
            cid,
            request,
            session,
        },
        Ok(other) => other,
        Err(e) => error(Some(cid), e),
    }
}

/// A won claim starts the session's calls.
fn claimed(
    state: &AppState,
    result: Result<
        (
            headsup_protocol::model::Request,
            headsup_protocol::model::Session,
        ),
        LdsError,
    >,
) -> Result<ServerFrame, LdsError> {
    let (request, session) = result?;
    state.telephony.dial(&session);
    Ok(reply(0, Some(request.id), Some(session.id)))
}

fn reply(
    cid: u64,
    request: Option<headsup_protocol::RequestId>,
    session: Option<headsup_protocol::SessionId>,
) -> ServerFrame {
    ServerFrame::Reply {
        cid,
        request,
        session,
    }
}

pub fn error(cid: Option<u64>, e: LdsError) -> ServerFrame {
    if let LdsError::Internal(inner) = &e {
        tracing::error!("command failed: {inner:#}");
    }
    ServerFrame::Error {
        cid,
        code: e.code(),
        message: e.public_message(),
    }
}

//! Agent commands over the WebSocket, each answered with `reply` or `error` carrying its `cid`.
//! When several refusals apply, which one wins is fixed per command (docs/protocol.md §2.3,
//! "Which error wins"); the domain functions check in that order. What a command commits is
//! published here, and a won claim starts the session's calls.

use chrono::Utc;
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Reply, ServerFrame};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{ErrorCode, RequestId, SessionId};

use crate::app::AppState;
use crate::domain::requests::{self, claim};
use crate::domain::sessions::{self, start, transfer};
use crate::domain::{queues, Published};
use crate::error::{LdsError, LdsResult};

/// What a command answers: the request and session it concerned.
type Answered = (Option<RequestId>, Option<SessionId>);

pub(crate) async fn handle(state: &AppState, agent: &AgentInfo, frame: ClientFrame) -> ServerFrame {
    let store = &state.store;
    let (cid, result) = match frame {
        ClientFrame::Hello { .. } => {
            return error(
                None,
                LdsError::new(ErrorCode::BadRequest, "hello was already received"),
            )
        }
        ClientFrame::Accept { cid, request } => (
            cid,
            claimed(state, start::accept(store, agent, request).await).await,
        ),
        ClientFrame::AttendNext { cid } => (
            cid,
            claimed(state, start::attend_next(store, agent).await).await,
        ),
        ClientFrame::Reject { cid, request } => {
            let result = claim::reject(store, agent, request).await;
            (
                cid,
                published(state, result.map(|p| ((Some(request), None), p))).await,
            )
        }
        ClientFrame::Schedule {
            cid,
            customer,
            due_at,
        } => {
            let due_at = due_at.with_timezone(&Utc);
            let result = requests::schedule_by_agent(store, agent, customer, due_at).await;
            (
                cid,
                published(state, result.map(|(r, p)| ((Some(r.id), None), p))).await,
            )
        }
        ClientFrame::SetStatus {
            cid,
            availability,
            reason,
        } => {
            let result = queues::status::set(store, agent, availability, reason).await;
            (
                cid,
                published(state, result.map(|(_, p)| ((None, None), p))).await,
            )
        }
        ClientFrame::FinishWrapUp {
            cid,
            disposition,
            note,
        } => {
            let result = queues::wrap_up::finish(store, agent, disposition, note).await;
            (
                cid,
                published(state, result.map(|p| ((None, None), p))).await,
            )
        }
        ClientFrame::Transfer {
            cid,
            session,
            to,
            timeout_secs,
        } => {
            let result = transfer::start(store, agent, session, to, timeout_secs).await;
            let answered = result.map(|(r, p)| ((Some(r.id), Some(session)), p));
            (cid, published(state, answered).await)
        }
        ClientFrame::TransferTargets { cid } => {
            return match transfer::targets(store, agent).await {
                Ok(targets) => ServerFrame::Reply(Reply {
                    transfer_targets: Some(targets),
                    ..Reply::new(cid)
                }),
                Err(e) => error(Some(cid), e),
            };
        }
        ClientFrame::QueueWaiting { cid, queue } => {
            // A read: nothing to publish, and the answer carries the list.
            return match queues::dashboard::waiting(&store.db, agent, queue).await {
                Ok(waiting) => ServerFrame::Reply(Reply {
                    waiting: Some(waiting),
                    ..Reply::new(cid)
                }),
                Err(e) => error(Some(cid), e),
            };
        }
        ClientFrame::ContactLists { cid }
        | ClientFrame::SearchContacts { cid, .. }
        | ClientFrame::GetContact { cid, .. }
        | ClientFrame::AddContact { cid, .. }
        | ClientFrame::EditContact { cid, .. }
        | ClientFrame::MergeContacts { cid, .. }
        | ClientFrame::DuplicateContact { cid, .. }
        | ClientFrame::ContactJourney { cid, .. } => {
            // Being built (issue 15): the frames are known, the LDS does not serve them yet.
            return error(
                Some(cid),
                LdsError::new(ErrorCode::BadRequest, "contacts are not served yet"),
            );
        }
        ClientFrame::EndSession { cid, session } => {
            let result = sessions::end(store, agent, session).await;
            let answered = result.map(|(s, p)| ((Some(s.request), Some(s.id)), p));
            (cid, published(state, answered).await)
        }
    };
    match result {
        Ok((request, session)) => ServerFrame::Reply(Reply {
            request,
            session,
            ..Reply::new(cid)
        }),
        Err(e) => error(Some(cid), e),
    }
}

/// Publishes what a command committed.
async fn published(
    state: &AppState,
    result: LdsResult<(Answered, Published)>,
) -> LdsResult<Answered> {
    let (answered, published) = result?;
    state.fanout.publish(published).await;
    Ok(answered)
}

/// Counts the claims lost on the way; a won claim is published and starts the session's calls.
async fn claimed(state: &AppState, attempt: start::ClaimAttempt) -> LdsResult<Answered> {
    state.metrics.claims_lost.inc_by(attempt.races_lost);
    let won = attempt.outcome?;
    state.fanout.publish(won.published).await;
    state.telephony.dial(&won.session);
    Ok((Some(won.request.id), Some(won.session.id)))
}

pub(crate) fn error(cid: Option<u64>, e: LdsError) -> ServerFrame {
    if let LdsError::Internal(inner) = &e {
        tracing::error!("command failed: {inner:#}");
    }
    ServerFrame::Error(ErrorFrame {
        cid,
        code: e.code(),
        message: e.public_message(),
    })
}

//! The customer gives up (hangs up, closes the widget): their request is cancelled and every agent
//! who may have it on screen is told `cancelled`, so the notification is withdrawn.
//!
//! Like the claim, the change is one conditional `UPDATE … WHERE state IN ('pending',
//! 'scheduled')`: a cancel and an accept racing on one request cannot both win, on one process or
//! many.

use chrono::Utc;
use headsup_protocol::lds::Event;
use headsup_protocol::model::{Request, RequestKind, RequestState};
use headsup_protocol::{ErrorCode, RequestId};

use crate::data::accounts::Team;
use crate::data::events::Outbox;
use crate::data::requests as rows;
use crate::domain::masking;
use crate::domain::{Published, Store};
use crate::error::{LdsError, LdsResult};

/// Cancels an open (pending or scheduled) request of `team`, returning it as it now is.
///
/// Cancelling a request that is already cancelled succeeds again and writes nothing: a widget
/// that lost the first answer may safely retry.
pub(crate) async fn cancel(
    store: &Store,
    team: &Team,
    id: RequestId,
) -> LdsResult<(Request, Published)> {
    let now = Utc::now();
    let mut w = store.db.begin_write().await?;
    let Some(mut request) = rows::load(&mut w.tx, id).await? else {
        return Err(not_found(id));
    };
    // Another team's request is not even acknowledged, as for agents (accept, reject); nor is a
    // transfer between agents, which is no customer's to cancel (its owner's session ends it).
    if request.team != team.id || request.kind == RequestKind::Transfer {
        return Err(not_found(id));
    }
    match &request.state {
        RequestState::Cancelled => return Ok((request, Published::nothing())),
        RequestState::Taken { by } => {
            return Err(LdsError::new(
                ErrorCode::AlreadyTaken,
                format!(
                    "request {id} was already taken by {}; end the call instead",
                    by.name
                ),
            ))
        }
        RequestState::TimedOut => {
            return Err(LdsError::new(
                ErrorCode::NotPending,
                format!("request {id} has timed out"),
            ))
        }
        RequestState::Pending | RequestState::Scheduled => {}
    }
    let changed = rows::cancel(&mut w.tx, id, now).await?;
    if !changed {
        // Unreachable while writers are serialized (data/db.rs); kept so a future change that lets
        // writers overlap fails safe instead of announcing a cancel that did not happen.
        return Err(LdsError::new(
            ErrorCode::NotPending,
            format!("request {id} changed while cancelling; read it again"),
        ));
    }
    // Everyone who may have it in their list: the same agents a timeout is announced to (busy
    // agents too, who hold inbound kinds quietly until they are free).
    let to = rows::audience(&mut w.tx, &request, now, None).await?;
    let mut outbox = Outbox::default();
    masking::append(
        &mut w.tx,
        &mut outbox,
        &to,
        now,
        &Event::Cancelled { request: id },
    )
    .await?;
    let published = store.commit(w, outbox).await?;
    request.state = RequestState::Cancelled;
    request.expires_at = None;
    Ok((request, published))
}

fn not_found(id: RequestId) -> LdsError {
    LdsError::new(ErrorCode::NotFound, format!("no request {id}"))
}

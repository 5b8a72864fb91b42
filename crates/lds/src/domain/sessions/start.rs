//! A session starts when an agent wins a claim: "accept" and "attend next customer". A won
//! `transfer` request also hands the colleague's customer over, in the same transaction, so the
//! claim's one conditional write decides both.

use chrono::Utc;
use headsup_protocol::lds::Event;
use headsup_protocol::model::{AgentInfo, Request, RequestKind, Session};
use headsup_protocol::{ErrorCode, RequestId};

use super::transfer;
use crate::data::events::Outbox;
use crate::data::{accounts, requests as rows, status};
use crate::domain::requests::claim::{self, busy, not_available};
use crate::domain::{conversations, masking};
use crate::domain::{Published, Store, Tally};
use crate::error::{LdsError, LdsResult};

/// A won claim: the request, its new session (whose calls the caller starts) and what to publish.
pub(crate) struct Claimed {
    pub(crate) request: Request,
    pub(crate) session: Session,
    pub(crate) published: Published,
}

/// How a claim went, and how many claims were lost on the way (`/metrics` counts them).
pub(crate) struct ClaimAttempt {
    pub(crate) outcome: LdsResult<Claimed>,
    pub(crate) races_lost: u64,
}

/// The agent accepts a request. Exactly one accept of a pending request succeeds; the winner is
/// told `assigned`, every other signed-in agent of the team `taken`.
pub(crate) async fn accept(store: &Store, agent: &AgentInfo, id: RequestId) -> ClaimAttempt {
    match attempt(store, agent, id).await {
        Ok(Ok(claimed)) => ClaimAttempt {
            outcome: Ok(claimed),
            races_lost: 0,
        },
        Ok(Err(why)) => ClaimAttempt {
            outcome: Err(why),
            races_lost: 1,
        },
        Err(e) => ClaimAttempt {
            outcome: Err(e),
            races_lost: 0,
        },
    }
}

/// One claim: won, or lost with the reason (`Ok(Err(_))`); `Err` when it could not be tried.
async fn attempt(
    store: &Store,
    agent: &AgentInfo,
    id: RequestId,
) -> LdsResult<Result<Claimed, LdsError>> {
    let now = Utc::now();
    let mut w = store.db.begin_write().await?;
    let mut outbox = Outbox::default();
    let (request, mut session) =
        match claim::claim_in(&mut w.tx, &mut outbox, agent, id, now).await? {
            Ok(won) => won,
            Err(why) => return Ok(Err(why)), // `w` drops: rolled back, nothing written
        };
    if request.kind == RequestKind::Transfer {
        session =
            transfer::hand_over(&mut w.tx, &mut outbox, &request, session, agent, now).await?;
    }
    session = conversations::session::open_for_claim(
        &mut w.tx,
        &mut outbox,
        &request,
        session,
        agent,
        now,
    )
    .await?;
    // The customer's contact is now one this agent served ("My contacts").
    if let Some(contact) = &request.contact {
        crate::data::contacts::touched_by(&mut w.tx, agent.id, contact.id).await?;
    }
    let assigned = Event::Assigned {
        request: request.clone(),
        session: session.clone(),
    };
    masking::append(&mut w.tx, &mut outbox, &[agent.id], now, &assigned).await?;
    let published = store.commit(w, outbox).await?.counting(Tally {
        claims_won: 1,
        ..Tally::default()
    });
    Ok(Ok(Claimed {
        request,
        session,
        published,
    }))
}

/// "Attend next customer": accepts the oldest pending request this agent may take. Losing a
/// race for one moves on to the next.
pub(crate) async fn attend_next(store: &Store, agent: &AgentInfo) -> ClaimAttempt {
    let mut races_lost = 0;
    let outcome = next_claim(store, agent, &mut races_lost).await;
    ClaimAttempt {
        outcome,
        races_lost,
    }
}

async fn next_claim(store: &Store, agent: &AgentInfo, races_lost: &mut u64) -> LdsResult<Claimed> {
    const ATTEMPTS: usize = 50;
    // Busy wins over an empty queue (docs/protocol.md §2.4): a busy agent is told so whatever
    // is waiting. (A session opened after this check still makes the accept below say busy.)
    let mut conn = store.db.pool.acquire().await?;
    if accounts::is_busy(&mut conn, agent.id).await? {
        return Err(busy());
    }
    if !status::status_of(&mut conn, agent.id).await?.is_available() {
        return Err(not_available());
    }
    drop(conn);
    for _ in 0..ATTEMPTS {
        let mut conn = store.db.pool.acquire().await?;
        let next = rows::next_for(&mut conn, agent.team, agent.id).await?;
        drop(conn);
        let Some(id) = next else {
            return Err(LdsError::new(
                ErrorCode::NothingPending,
                "no pending request you may take",
            ));
        };
        let attempt = accept(store, agent, id).await;
        *races_lost += attempt.races_lost;
        match attempt.outcome {
            Err(e) if matches!(e.code(), ErrorCode::AlreadyTaken | ErrorCode::NotPending) => {
                continue
            }
            other => return other,
        }
    }
    Err(LdsError::new(
        ErrorCode::NothingPending,
        "every pending request was taken by others while trying",
    ))
}

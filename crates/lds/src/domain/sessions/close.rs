//! Ending a session, whoever ends it: the agent, a leg that hangs up, or a colleague taking the
//! customer over.

use chrono::{DateTime, Utc};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{LegState, RequestState, Session, SessionState, TransferOutcome};
use headsup_protocol::TeamId;
use sqlx::AnyConnection;

use crate::data::events::Outbox;
use crate::data::{accounts, requests, sessions as rows, status};
use crate::domain::queues::wrap_up;
use crate::domain::requests::offers::{self, Waiting};
use crate::domain::{conversations, masking};

/// What becomes of the customer's call when the session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CustomerCall {
    /// Hung up with the session.
    HangUp,
    /// Stays up: a colleague took the customer over.
    HandedOver,
}

/// Marks the session ended (the agent's leg, and the customer's unless handed over, hung up),
/// withdraws a transfer still waiting, offers the agent what was held back while they were busy,
/// then tells them the session ended.
///
/// The order matters to the client: offers that arrive while its session is still open are kept
/// quietly as waiting, and the `ended` event then raises one catch-up summary for all of them.
/// Sent the other way round, the client is already free and alerts every offer on its own (the
/// burst the catch-up exists to avoid). Everything is in the caller's transaction, so the agent
/// sees all of it, with consecutive seqs, or none of it.
pub(super) async fn close(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    mut session: Session,
    call: CustomerCall,
    now: DateTime<Utc>,
) -> anyhow::Result<Session> {
    let hang_up = |l: LegState| match l {
        LegState::Ringing | LegState::Answered => LegState::HungUp,
        other => other,
    };
    session.agent_leg = hang_up(session.agent_leg);
    if call == CustomerCall::HangUp {
        session.customer_leg = hang_up(session.customer_leg);
    }
    session.state = SessionState::Ended;
    withdraw_transfer(conn, outbox, &mut session, now).await?;
    if call == CustomerCall::HangUp {
        conversations::session::end(conn, outbox, &session, now).await?;
    }
    // Saved first: the held-back offers go only to free agents, and the agent is free once the
    // session row says ended.
    rows::save(conn, &session, Some(now)).await?;
    let team: TeamId = accounts::team_of_agent(conn, session.agent).await?;
    status::mark_idle(conn, session.agent, now).await?;
    // A wrap-up keeps the agent from offers (its status is not available), so the offers
    // below go out when it closes instead.
    wrap_up::start_if_due(conn, outbox, &session, now).await?;
    offers::offer_waiting_to(
        conn,
        outbox,
        session.agent,
        team,
        Waiting::HeldWhileBusy,
        now,
    )
    .await?;
    let event = Event::SessionUpdated {
        session: session.clone(),
    };
    masking::append(conn, outbox, &[session.agent], now, &event).await?;
    Ok(session)
}

/// The customer is gone (or the owner ended the session) while a transfer still waits: the
/// `transfer` request is cancelled, so nobody can take a customer who is no longer there. The
/// cancel is the same conditional write as a customer's, so it and a colleague's accept cannot
/// both win.
async fn withdraw_transfer(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    session: &mut Session,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(transfer) = session.transfer.as_mut() else {
        return Ok(());
    };
    if transfer.outcome != TransferOutcome::Waiting {
        return Ok(());
    }
    transfer.outcome = TransferOutcome::CameBack;
    rows::save_transfer(conn, session.id, transfer).await?;
    if !requests::cancel(conn, transfer.request, now).await? {
        return Ok(());
    }
    let Some(mut request) = requests::load(conn, transfer.request).await? else {
        return Ok(());
    };
    request.state = RequestState::Cancelled;
    let to = requests::audience(conn, &request, now, None).await?;
    let event = Event::Cancelled {
        request: request.id,
    };
    masking::append(conn, outbox, &to, now, &event).await
}

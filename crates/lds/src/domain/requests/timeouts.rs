//! Offers that time out: pending requests nobody took by `expires_at` become timed out (and stay
//! visible as such for a while), and a missed call-now may be called back ([`super::call_me_back`]).
//!
//! Each change is a conditional update (`WHERE state = 'pending'`), so several processes may
//! run this on one database and every request still times out exactly once.

use chrono::{DateTime, Utc};
use headsup_protocol::lds::Event;
use headsup_protocol::model::{Request, RequestKind, RequestState, TransferOutcome};
use sqlx::AnyConnection;

use super::{call_me_back, missed};
use crate::data::events::Outbox;
use crate::data::requests::{self as rows, Offer};
use crate::data::{sessions, transfers};
use crate::domain::{call_cases, masking};
use crate::domain::{Published, Store, Tally};

/// Times out up to `batch` expired requests in one transaction; returns how many it did.
pub(crate) async fn time_out_expired(
    store: &Store,
    now: DateTime<Utc>,
    batch: i64,
) -> anyhow::Result<(usize, Published)> {
    let mut w = store.db.begin_write().await?;
    let mut outbox = Outbox::default();
    let mut done = 0;
    for mut request in rows::expired(&mut w.tx, now, batch).await? {
        if !rows::time_out(&mut w.tx, request.id, now).await? {
            continue;
        }
        done += 1;
        // Who was offered it and let it go (as the offer audience stands now).
        let free_only = request.kind.quiet_while_busy();
        let offered = rows::audience(&mut w.tx, &request, now, Some(Offer { free_only })).await?;
        request.state = RequestState::TimedOut;
        let to = rows::audience(&mut w.tx, &request, now, None).await?;
        let event = Event::TimedOut {
            request: request.id,
        };
        masking::append(&mut w.tx, &mut outbox, &to, now, &event).await?;
        missed::count(&mut w.tx, &mut outbox, request.team, &offered, now).await?;
        call_me_back::book_if_missed(&mut w.tx, &mut outbox, &request, now).await?;
        // A missed inbound call or a call-me-back nobody took: a call case.
        call_cases::sources::request_timed_out(&mut w.tx, &request, now).await?;
        if request.kind == RequestKind::Transfer {
            give_back(&mut w.tx, &mut outbox, &request, now).await?;
        }
    }
    let published = store.commit(w, outbox).await?.counting(Tally {
        requests_timed_out: done as u64,
        ..Tally::default()
    });
    Ok((done, published))
}

/// A transfer nobody took in time: the customer stays with the owner, whose session goes on and
/// says so ("came back to you").
async fn give_back(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    request: &Request,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(id) = transfers::session_of(conn, request.id).await? else {
        return Ok(());
    };
    let Some(mut session) = sessions::load(conn, id).await? else {
        return Ok(());
    };
    let Some(transfer) = session.transfer.as_mut() else {
        return Ok(());
    };
    if transfer.request != request.id || transfer.outcome != TransferOutcome::Waiting {
        return Ok(());
    }
    transfer.outcome = TransferOutcome::CameBack;
    sessions::save_transfer(conn, id, transfer).await?;
    let to = [session.agent];
    masking::append(conn, outbox, &to, now, &Event::SessionUpdated { session }).await
}

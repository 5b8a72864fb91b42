//! The simulated WhatsApp provider's webhooks, authenticated like intake (the provider account
//! holds the team's intake key, as the telephony system does): `POST /api/v1/sim/whatsapp/messages`
//! (a customer wrote from their phone) and `POST /api/v1/sim/whatsapp/receipts` (an agent's
//! message was delivered, read or failed).

use axum::extract::State;
use headsup_protocol::chat::{Message, ProviderInbound, ProviderInboundStored, ProviderReceipt};
use headsup_protocol::ErrorCode;

use super::extract::{IntakeTeam, Json};
use crate::app::AppState;
use crate::domain::conversations::provider;
use crate::error::LdsError;

pub(crate) async fn message(
    State(state): State<AppState>,
    IntakeTeam(team, key_queue): IntakeTeam,
    body: Result<Json<ProviderInbound>, LdsError>,
) -> Result<Json<ProviderInboundStored>, LdsError> {
    if !state.limits.intake(team.id.0) {
        state.metrics.rate_limited.inc();
        return Err(LdsError::new(
            ErrorCode::RateLimited,
            "too many requests for this team; retry later",
        ));
    }
    let Json(inbound) = body?;
    let (stored, published) =
        provider::inbound(&state.store, &team, key_queue.as_ref(), inbound).await?;
    state.fanout.publish(published).await;
    Ok(Json(stored))
}

pub(crate) async fn receipt(
    State(state): State<AppState>,
    IntakeTeam(team, _): IntakeTeam,
    body: Result<Json<ProviderReceipt>, LdsError>,
) -> Result<Json<Message>, LdsError> {
    let Json(receipt) = body?;
    let (message, published) = provider::receipt(&state.store, &team, receipt).await?;
    state.fanout.publish(published).await;
    Ok(Json(message))
}

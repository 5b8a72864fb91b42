//! The telephony simulator's API: `POST /api/v1/sim/sessions/{id}/legs/{agent|customer}` with
//! `{"state": "answered" | "failed" | "hung_up"}`, authenticated like intake (the telephony
//! system holds the team's intake key).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use headsup_protocol::model::{LegState, Session};
use headsup_protocol::{ErrorCode, SessionId};
use serde::Deserialize;

use super::extract::{IntakeTeam, Json};
use crate::app::AppState;
use crate::domain::sessions::{self, Leg};
use crate::error::LdsError;

/// What happened to the leg.
#[derive(Deserialize, schemars::JsonSchema)]
pub(crate) struct LegUpdate {
    /// `answered`, `failed` or `hung_up` (a leg never goes back to `ringing`).
    #[schemars(extend("not" = {"const": "ringing"}))]
    pub(crate) state: LegState,
}

pub(crate) async fn leg(
    State(state): State<AppState>,
    IntakeTeam(team, _): IntakeTeam,
    path: Result<Path<(i64, String)>, PathRejection>,
    body: Result<Json<LegUpdate>, LdsError>,
) -> Result<Json<Session>, LdsError> {
    let Path((session, leg)) = path
        .map_err(|_| LdsError::new(ErrorCode::BadRequest, "the session id is a 64-bit integer"))?;
    let leg = Leg::parse(&leg)
        .ok_or_else(|| LdsError::new(ErrorCode::BadRequest, "leg is `agent` or `customer`"))?;
    let Json(update) = body?;
    let id = SessionId(session);
    let owner_team = sessions::team_of(&state.store, id).await?;
    if owner_team != Some(team.id) {
        return Err(LdsError::new(
            ErrorCode::NotFound,
            format!("no session {id}"),
        ));
    }
    if update.state == LegState::Ringing {
        return Err(LdsError::new(
            ErrorCode::BadRequest,
            "a leg cannot go back to ringing",
        ));
    }
    let (session, published) = sessions::leg_changed(&state.store, id, leg, update.state).await?;
    state.fanout.publish(published).await;
    Ok(Json(session))
}

//! The telephony simulator's API: `POST /api/v1/sim/sessions/{id}/legs/{agent|customer}` with
//! `{"state": "answered" | "failed" | "hung_up"}`, authenticated like intake (the telephony
//! system holds the team's intake key).

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use headsup_protocol::model::{LegState, Session};
use headsup_protocol::{ErrorCode, SessionId};
use serde::Deserialize;

use super::body::json;
use super::intake::team_of;
use crate::error::LdsError;
use crate::server::AppState;
use crate::store::sessions::{self, Leg};

/// What happened to the leg.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct LegUpdate {
    /// `answered`, `failed` or `hung_up` (a leg never goes back to `ringing`).
    #[schemars(extend("not" = {"const": "ringing"}))]
    pub state: LegState,
}

pub async fn leg(
    State(state): State<AppState>,
    path: Result<Path<(i64, String)>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Session>, LdsError> {
    let team = team_of(&state, &headers).await?;
    let Path((session, leg)) = path
        .map_err(|_| LdsError::new(ErrorCode::BadRequest, "the session id is a 64-bit integer"))?;
    let leg = Leg::parse(&leg)
        .ok_or_else(|| LdsError::new(ErrorCode::BadRequest, "leg is `agent` or `customer`"))?;
    let update: LegUpdate = json(body)?;
    let id = SessionId(session);
    let mut conn = state.store.db.pool.acquire().await?;
    let found = sessions::load(&mut conn, id).await?;
    drop(conn);
    let owner_team = match &found {
        Some(s) => {
            let mut conn = state.store.db.pool.acquire().await?;
            Some(
                crate::store::accounts::agent_info(&mut conn, s.agent)
                    .await?
                    .team,
            )
        }
        None => None,
    };
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
    Ok(Json(
        sessions::leg_changed(&state.store, id, leg, update.state).await?,
    ))
}

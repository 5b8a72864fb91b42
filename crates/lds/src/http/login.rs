//! `POST /api/v1/login` and `POST /api/v1/logout`.

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use headsup_protocol::lds::{LoginRequest, LoginResponse};
use headsup_protocol::ErrorCode;

use super::extract::{BearerToken, Json};
use crate::app::{AppState, PeerSocket};
use crate::auth;
use crate::domain::accounts::{self, login_limits};
use crate::error::LdsError;

pub(crate) async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<PeerSocket>,
    Json(req): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, LdsError> {
    let metrics = &state.metrics;
    let rates = state.config.rates;
    let budgets = login_limits::login_budgets(
        &req.email,
        peer.addr.ip(),
        rates.login_per_account_per_min,
        rates.login_per_address_per_min,
    );
    if !login_limits::try_spend(&state.store.db, &budgets, chrono::Utc::now()).await? {
        metrics.rate_limited.inc();
        return Err(LdsError::new(
            ErrorCode::RateLimited,
            "too many sign-in attempts; retry in a minute",
        ));
    }
    let found = accounts::agent_by_email(&state.store.db, &req.email).await?;
    let hash = found
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| auth::decoy_hash().to_string());
    let password = req.password;
    // argon2 is deliberately slow: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(anyhow::Error::from)?;
    let Some((agent, _)) = found.filter(|_| ok) else {
        metrics.logins_refused.inc();
        return Err(LdsError::new(
            ErrorCode::InvalidCredentials,
            "wrong e-mail or password",
        ));
    };
    let (token, expires_at) =
        accounts::issue_token(&state.store.db, agent.id, state.config.token_ttl).await?;
    metrics.logins_ok.inc();
    tracing::info!(agent = %agent.id, "signed in");
    Ok(Json(LoginResponse {
        token,
        expires_at,
        agent,
    }))
}

/// Revokes the bearer token and closes the WebSockets opened with it.
pub(crate) async fn logout(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<StatusCode, LdsError> {
    let digest = auth::digest(&token);
    accounts::check_token(
        &mut *state.store.db.pool.acquire().await?,
        &digest,
        chrono::Utc::now(),
    )
    .await?;
    accounts::revoke_token(&state.store.db, &digest).await?;
    state.fanout.hub.revoke(&digest);
    Ok(StatusCode::NO_CONTENT)
}

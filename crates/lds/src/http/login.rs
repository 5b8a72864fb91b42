//! `POST /api/v1/login` and `POST /api/v1/logout`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use headsup_protocol::lds::{LoginRequest, LoginResponse};
use headsup_protocol::ErrorCode;

use super::body::{bearer, json};
use crate::auth;
use crate::error::LdsError;
use crate::server::{AppState, PeerSocket};
use crate::store::{accounts, rate_limits};

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<PeerSocket>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<LoginResponse>, LdsError> {
    let req: LoginRequest = json(body)?;
    let metrics = &state.store.metrics;
    let rates = state.config.rates;
    let budgets = rate_limits::login_budgets(
        &req.email,
        peer.addr.ip(),
        rates.login_per_account_per_min,
        rates.login_per_address_per_min,
    );
    if !rate_limits::try_spend(&state.store.db, &budgets, chrono::Utc::now()).await? {
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
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, LdsError> {
    let token = bearer(&headers)
        .ok_or_else(|| LdsError::new(ErrorCode::Unauthorized, "missing bearer token"))?;
    let digest = auth::digest(token);
    let mut conn = state.store.db.pool.acquire().await?;
    accounts::check_token(&mut conn, &digest, chrono::Utc::now()).await?;
    drop(conn);
    accounts::revoke_token(&state.store.db, &digest).await?;
    state.store.hub.revoke(&digest);
    Ok(StatusCode::NO_CONTENT)
}

//! Who is signed in — the audience of every offer — follows the agent's tokens however they are
//! written: issued, revoked by logout, revoked by another writer's SQL, or expired.

use chrono::{Duration, Utc};
use headsup_protocol::AgentId;
use headsup_testkit::lds::TestServer;
use lds::admin as accounts;
use lds::auth;

async fn signed_in(s: &TestServer, team: headsup_protocol::TeamId) -> Vec<AgentId> {
    s.store().signed_in(team, Utc::now()).await.unwrap()
}

#[tokio::test]
async fn signed_in_follows_every_token_change() {
    let s = TestServer::start().await;
    let (team, _) = s.team("Support", 60).await;
    let (ana, ana_laptop) = s.agent("Support", "Ana").await;
    let (bo, bo_token) = s.agent("Support", "Bo").await;
    assert_eq!(signed_in(&s, team.id).await, vec![ana.id, bo.id]);

    // A second device: signing out of one keeps Ana signed in on the other.
    let (ana_phone, _) = accounts::issue_token(s.store().db(), ana.id, Duration::hours(1))
        .await
        .unwrap();
    assert!(
        accounts::revoke_token(s.store().db(), &auth::digest(&ana_laptop))
            .await
            .unwrap()
    );
    assert_eq!(signed_in(&s, team.id).await, vec![ana.id, bo.id]);
    assert!(
        accounts::revoke_token(s.store().db(), &auth::digest(&ana_phone))
            .await
            .unwrap()
    );
    assert_eq!(signed_in(&s, team.id).await, vec![bo.id], "Ana signed out");

    // A token revoked by plain SQL (another tool, another process) counts the same.
    sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE hash = $2")
        .bind(Utc::now().timestamp_millis())
        .bind(auth::digest(&bo_token))
        .execute(&s.store().db().pool)
        .await
        .unwrap();
    assert_eq!(signed_in(&s, team.id).await, vec![]);

    // A token that has expired does not count; signing in again does.
    accounts::issue_token(s.store().db(), bo.id, Duration::milliseconds(-1))
        .await
        .unwrap();
    assert_eq!(signed_in(&s, team.id).await, vec![], "an expired token");
    accounts::issue_token(s.store().db(), bo.id, Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(signed_in(&s, team.id).await, vec![bo.id]);
}

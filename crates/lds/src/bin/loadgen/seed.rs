//! A team of N signed-in agents in a fresh database, written in one transaction.
//!
//! `lds agent add` and login take one transaction (and, for login, one argon2 verification) per
//! agent: minutes for 10,000. The benchmark measures distribution, not sign-in, so it writes the
//! rows directly, in the same shape `accounts::add_agent` and `accounts::issue_token` write them.

use anyhow::Result;
use chrono::Utc;
use lds::db::Db;
use lds::store::accounts;

pub struct Seeded {
    pub intake_key: String,
    /// One session token per agent, in agent order.
    pub tokens: Vec<String>,
}

pub async fn team(url: &str, agents: usize) -> Result<Seeded> {
    let db = Db::connect(url).await?;
    let (team, intake_key) = accounts::add_team(&db, "Bench", 3600, 600).await?;
    let password_hash = lds::auth::hash_password("bench")?;
    let now = Utc::now().timestamp_millis();
    let expires = now + 4 * 3600 * 1000;
    let mut w = db.begin_write().await?;
    let mut tokens = Vec::with_capacity(agents);
    for i in 0..agents {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agents (team_id, email, name, password_hash, time_zone, last_seq, \
             created_at) VALUES ($1, $2, $3, $4, 'UTC', 0, $5) RETURNING id",
        )
        .bind(team.id.0)
        .bind(format!("agent{i}@bench.test"))
        .bind(format!("Agent {i}"))
        .bind(&password_hash)
        .bind(now)
        .fetch_one(&mut *w.tx)
        .await?;
        let token = lds::auth::new_secret("hu");
        sqlx::query(
            "INSERT INTO tokens (hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(lds::auth::digest(&token))
        .bind(id)
        .bind(now)
        .bind(expires)
        .execute(&mut *w.tx)
        .await?;
        tokens.push(token);
    }
    w.commit().await?;
    db.pool.close().await;
    Ok(Seeded { intake_key, tokens })
}

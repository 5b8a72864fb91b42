//! A team of N signed-in agents in a fresh database, written in one transaction.
//!
//! `lds agent add` and login take one transaction (and, for login, one argon2 verification) per
//! agent: minutes for 10,000. The benchmark measures distribution, not sign-in, so it seeds
//! through `lds::admin::add_signed_in_agents`, which writes them all at once.

use anyhow::Result;
use lds::admin;
use lds::db::Db;

pub struct Seeded {
    pub intake_key: String,
    /// One session token per agent, in agent order.
    pub tokens: Vec<String>,
}

pub async fn team(url: &str, agents: usize) -> Result<Seeded> {
    let db = Db::connect(url).await?;
    let (team, intake_key) = admin::add_team(&db, "Bench", 3600, 600).await?;
    let password_hash = lds::auth::hash_password("bench")?;
    let tokens = admin::add_signed_in_agents(
        &db,
        &team,
        "bench.test",
        agents,
        &password_hash,
        chrono::Duration::hours(4),
    )
    .await?;
    db.pool.close().await;
    Ok(Seeded { intake_key, tokens })
}

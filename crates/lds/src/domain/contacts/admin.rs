//! What admins do to contact lists (`lds list …`, `lds team set --phone-region`, `lds queue set
//! --contact-list`) and to masking (`lds mask …`): part of the crate's public administration API (`lds::admin::contacts`).

use anyhow::{bail, Context, Result};
use chrono::Utc;
use headsup_protocol::ContactListId;
use phonenumber::country;
use sqlx::AnyConnection;

use crate::data::accounts::{self, Team};
use crate::data::contact_lists::{self as lists, Grant};
use crate::data::db::Db;
use crate::data::{masking, queues};
use crate::masking::{Level, Masking};

/// Who is granted a list.
pub enum Grantee<'a> {
    /// An agent of the team, by e-mail.
    Agent(&'a str),
    /// Every member of a queue of the team, by the queue's name.
    Queue(&'a str),
}

async fn team(db: &Db, name: &str) -> Result<Team> {
    accounts::team_by_name(&mut *db.pool.acquire().await?, name)
        .await?
        .with_context(|| format!("no team named {name:?}"))
}

async fn list_id(conn: &mut AnyConnection, team: &Team, name: &str) -> Result<ContactListId> {
    lists::list_id(conn, team.id, name)
        .await?
        .with_context(|| format!("team {:?} has no contact list named {name:?}", team.name))
}

/// Grants `queue`'s members the list and makes new customers of the queue land in it.
pub(crate) async fn feed_from_queue(
    conn: &mut AnyConnection,
    list: ContactListId,
    queue: i64,
) -> Result<()> {
    lists::set_access(conn, list, Grant::Queue(queue), true).await?;
    lists::set_queue_list(conn, queue, Some(list)).await
}

/// Adds a list to a team with custom fields `(key, label)`, in order.
pub async fn add_list(
    db: &Db,
    team_name: &str,
    name: &str,
    fields: &[(String, String)],
) -> Result<ContactListId> {
    if name.trim().is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        bail!("a list name is 1 to 64 characters without control characters");
    }
    for (key, label) in fields {
        let key_ok = !key.is_empty()
            && key.len() <= 32
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok || label.trim().is_empty() || label.chars().any(char::is_control) {
            bail!("a field is key=Label: a key of 1 to 32 lower-case letters, digits and _");
        }
    }
    let team = team(db, team_name).await?;
    let mut w = db.begin_write().await?;
    let id = lists::insert_list(&mut w.tx, team.id, name, Utc::now())
        .await
        .with_context(|| format!("adding list {name:?} (does the team have one by that name?)"))?;
    for (position, (key, label)) in fields.iter().enumerate() {
        lists::insert_field(&mut w.tx, id, key, label.trim(), position)
            .await
            .with_context(|| format!("field {key:?} given twice"))?;
    }
    w.commit().await?;
    Ok(id)
}

/// Grants (`allow`) or withdraws a list from an agent or a queue's members; returns whether
/// anything changed.
pub async fn grant(
    db: &Db,
    team_name: &str,
    list: &str,
    to: Grantee<'_>,
    allow: bool,
) -> Result<bool> {
    let team = team(db, team_name).await?;
    let mut w = db.begin_write().await?;
    let list = list_id(&mut w.tx, &team, list).await?;
    let grant = match to {
        Grantee::Agent(email) => {
            let (agent, _) = accounts::agent_by_email(&mut w.tx, &email.trim().to_lowercase())
                .await?
                .with_context(|| format!("no agent with e-mail {email:?}"))?;
            if agent.team != team.id {
                bail!("{email} is not in team {:?}", team.name);
            }
            Grant::Agent(agent.id.0)
        }
        Grantee::Queue(name) => {
            let queue = queues::queue_by_name(&mut w.tx, team.id, name)
                .await?
                .with_context(|| format!("team {:?} has no queue named {name:?}", team.name))?;
            Grant::Queue(queue.id)
        }
    };
    let changed = lists::set_access(&mut w.tx, list, grant, allow).await?;
    w.commit().await?;
    Ok(changed)
}

/// Makes a queue's unknown customers land in `list` (granting its members the list), or in
/// none (`None`).
pub async fn set_queue_list(
    db: &Db,
    team_name: &str,
    queue: &str,
    list: Option<&str>,
) -> Result<()> {
    let team = team(db, team_name).await?;
    let mut w = db.begin_write().await?;
    let q = queues::queue_by_name(&mut w.tx, team.id, queue)
        .await?
        .with_context(|| format!("team {:?} has no queue named {queue:?}", team.name))?;
    match list {
        Some(list) => {
            let list = list_id(&mut w.tx, &team, list).await?;
            feed_from_queue(&mut w.tx, list, q.id).await?;
        }
        None => lists::set_queue_list(&mut w.tx, q.id, None).await?,
    }
    w.commit().await?;
    Ok(())
}

/// Sets the country national phone numbers of the team are read in (ISO 3166 alpha-2, `ES`),
/// or none.
pub async fn set_phone_region(db: &Db, team_name: &str, region: Option<&str>) -> Result<()> {
    let region = region.map(str::to_ascii_uppercase);
    if let Some(r) = &region {
        if r.parse::<country::Id>().is_err() {
            bail!("{r:?} is not a country code (ISO 3166 alpha-2, like ES or GB)");
        }
    }
    let team = team(db, team_name).await?;
    let mut w = db.begin_write().await?;
    lists::set_phone_region(&mut w.tx, team.id, region.as_deref()).await?;
    w.commit().await?;
    Ok(())
}

/// A team's lists with their contact counts, for `lds list show`.
pub async fn list_lists(db: &Db, team_name: &str) -> Result<Vec<(String, i64)>> {
    let team = team(db, team_name).await?;
    lists::counts(&mut *db.pool.acquire().await?, team.id).await
}

/// First and last names the seeded contacts are made of (`lds list seed`, the search benchmark).
const SEED_FIRST: [&str; 20] = [
    "María", "José", "Ana", "Luis", "Carmen", "Javier", "Lucía", "David", "Marta", "Pablo",
    "Elena", "Sergio", "Laura", "Jorge", "Sara", "Mario", "Paula", "Diego", "Marina", "Hugo",
];
const SEED_LAST: [&str; 25] = [
    "García",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Alonso",
    "Gutiérrez",
    "Navarro",
    "Torres",
    "Domínguez",
    "Vázquez",
    "Ramos",
    "Gil",
    "Ramírez",
    "Serrano",
];

/// The phone of seeded contact `i` (E.164, Spanish mobile range): what the benchmark searches.
pub fn seed_phone(i: usize) -> String {
    format!("+34600{:06}", i)
}

/// Fills a list with `count` made-up contacts (names from a fixed set, the phone
/// [`seed_phone`]`(i)`, an e-mail, every tenth tagged `vip`), 1,000 per transaction. For the
/// search benchmark and demos; returns how many were written.
pub async fn seed_contacts(db: &Db, team_name: &str, list: &str, count: usize) -> Result<usize> {
    use crate::contact_input::CleanDraft;
    let team = team(db, team_name).await?;
    let list = list_id(&mut *db.pool.acquire().await?, &team, list).await?;
    let mut written = 0;
    while written < count {
        let batch = (count - written).min(1_000);
        let mut w = db.begin_write().await?;
        let now = Utc::now();
        for i in written..written + batch {
            let first = SEED_FIRST[i % SEED_FIRST.len()];
            let last = SEED_LAST[(i / SEED_FIRST.len()) % SEED_LAST.len()];
            let draft = CleanDraft {
                first_name: first.to_string(),
                last_name: last.to_string(),
                phones: vec![seed_phone(i)],
                emails: vec![format!("contact{i}@example.com")],
                tags: if i % 10 == 0 {
                    vec!["vip".into()]
                } else {
                    Vec::new()
                },
                ..CleanDraft::default()
            };
            crate::data::contacts::insert(&mut w.tx, team.id, list, &draft, None, now).await?;
        }
        w.commit().await?;
        written += batch;
    }
    crate::data::contacts::analyze(&mut *db.pool.acquire().await?, db.backend).await?;
    Ok(written)
}

/// A change to a masking rule: the parts given are set, the others kept.
#[derive(Debug, Default, Clone, Copy)]
pub struct MaskingChange {
    pub name: Option<Level>,
    pub phone: Option<Level>,
    pub email: Option<Level>,
}

/// Sets what agents may read of customers in a whole team (`queue: None`) or in one of its
/// queues; the stricter of the two applies. Returns the rule as it now stands.
pub async fn set_masking(
    db: &Db,
    team_name: &str,
    queue: Option<&str>,
    change: MaskingChange,
) -> Result<Masking> {
    let team = team(db, team_name).await?;
    let mut w = db.begin_write().await?;
    let (own, queues_rules) = masking::of_team(&mut w.tx, team.id).await?;
    let current = match queue {
        None => own,
        Some(name) => queues_rules
            .iter()
            .find(|(q, _)| q == name)
            .map(|(_, m)| *m)
            .with_context(|| format!("no queue named {name:?} in {team_name:?}"))?,
    };
    let rule = Masking {
        name: change.name.unwrap_or(current.name),
        phone: change.phone.unwrap_or(current.phone),
        email: change.email.unwrap_or(current.email),
    };
    match queue {
        None => masking::set_team(&mut w.tx, team.id, rule).await?,
        Some(name) => {
            let q = queues::queue_by_name(&mut w.tx, team.id, name)
                .await?
                .with_context(|| format!("no queue named {name:?} in {team_name:?}"))?;
            masking::set_queue(&mut w.tx, q.id, rule).await?;
        }
    }
    w.commit().await?;
    Ok(rule)
}

/// A team's own masking rule and each of its queues', by name.
pub async fn masking_of(db: &Db, team_name: &str) -> Result<(Masking, Vec<(String, Masking)>)> {
    let team = team(db, team_name).await?;
    masking::of_team(&mut *db.pool.acquire().await?, team.id).await
}

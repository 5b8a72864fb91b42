//! What admins do to call lists (`lds cases …`): add a list with its numbers and the default
//! handling codes, grant it, route a queue's missed and dropped calls into it, import a CSV.
//! Part of the crate's public administration API (`lds::admin::call_cases`).

use anyhow::{bail, Context, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use headsup_protocol::call_cases::{CaseSource, CodeEffect, HandlingCode};
use headsup_protocol::CallListId;

use super::due_time;
use super::open::{self, Opening};
use crate::data::accounts::{self, Team};
use crate::data::call_lists::{self as lists, Settings};
use crate::data::db::Db;
use crate::data::queues;
use crate::error::LdsError;

/// A new list's numbers.
#[derive(Debug, Clone, Copy)]
pub struct ListSettings {
    pub max_attempts: u32,
    pub retry_delay_secs: u32,
    pub grace_secs: u32,
    pub expiry_secs: u32,
}

impl Default for ListSettings {
    fn default() -> Self {
        ListSettings {
            max_attempts: 3,
            retry_delay_secs: 3600,
            grace_secs: 3600,
            expiry_secs: 7 * 24 * 3600,
        }
    }
}

/// The codes every new list starts with, in the order agents see them.
pub fn default_codes() -> Vec<HandlingCode> {
    let code = |code: &str, label: &str, effect| HandlingCode {
        code: code.into(),
        label: label.into(),
        effect,
    };
    vec![
        code(
            "success",
            "Closed successfully",
            CodeEffect::ClosedSuccessfully,
        ),
        code(
            "wrong_number",
            "Closed – wrong number",
            CodeEffect::ClosedWrongNumber,
        ),
        code("busy", "Busy", CodeEffect::Retry),
        code("no_answer", "No answer", CodeEffect::Retry),
        code("call_back", "Call back at…", CodeEffect::CallBackAt),
    ]
}

async fn team(db: &Db, name: &str) -> Result<Team> {
    accounts::team_by_name(&mut *db.pool.acquire().await?, name)
        .await?
        .with_context(|| format!("no team named {name:?}"))
}

async fn list_id(db: &Db, team: &Team, name: &str) -> Result<CallListId> {
    lists::id_by_name(&mut *db.pool.acquire().await?, team.id, name)
        .await?
        .with_context(|| format!("team {:?} has no call list named {name:?}", team.name))
}

/// Adds a call list to a team, with [`default_codes`].
pub async fn add_list(db: &Db, team_name: &str, name: &str, s: ListSettings) -> Result<CallListId> {
    if name.trim().is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        bail!("a list name is 1 to 64 characters without control characters");
    }
    if s.max_attempts == 0 || s.max_attempts > 100 {
        bail!("--max-attempts is 1 to 100");
    }
    let team = team(db, team_name).await?;
    let mut w = db.begin_write().await?;
    let settings = Settings {
        max_attempts: i64::from(s.max_attempts),
        retry_delay_secs: i64::from(s.retry_delay_secs),
        grace_secs: i64::from(s.grace_secs),
        expiry_secs: i64::from(s.expiry_secs),
    };
    let id = lists::insert(&mut w.tx, team.id, name.trim(), settings, Utc::now())
        .await
        .with_context(|| format!("adding call list {name:?} (does the team have one?)"))?;
    for (position, code) in default_codes().iter().enumerate() {
        lists::insert_code(&mut w.tx, id, code, position).await?;
    }
    w.commit().await?;
    Ok(id)
}

/// Who may work a list: an agent by e-mail, or a queue's members by the queue's name.
pub enum Worker<'a> {
    Agent(&'a str),
    Queue(&'a str),
}

/// Grants (`allow`) or withdraws a list; returns whether anything changed.
pub async fn grant(
    db: &Db,
    team_name: &str,
    list: &str,
    to: Worker<'_>,
    allow: bool,
) -> Result<bool> {
    let team = team(db, team_name).await?;
    let list = list_id(db, &team, list).await?;
    let mut w = db.begin_write().await?;
    let to = match to {
        Worker::Agent(email) => {
            let (agent, _) = accounts::agent_by_email(&mut w.tx, &email.trim().to_lowercase())
                .await?
                .with_context(|| format!("no agent with e-mail {email:?}"))?;
            if agent.team != team.id {
                bail!("{email} is not in team {:?}", team.name);
            }
            Ok(agent.id)
        }
        Worker::Queue(name) => Err(queue_id(&mut w.tx, &team, name).await?),
    };
    let changed = lists::set_access(&mut w.tx, list, to, allow).await?;
    w.commit().await?;
    Ok(changed)
}

async fn queue_id(conn: &mut sqlx::AnyConnection, team: &Team, name: &str) -> Result<i64> {
    Ok(queues::queue_by_name(conn, team.id, name)
        .await?
        .with_context(|| format!("team {:?} has no queue named {name:?}", team.name))?
        .id)
}

/// Makes a queue's missed and dropped calls (and call-me-backs nobody took) land in `list`,
/// granting the queue's members the list; `None`: they make no cases.
pub async fn route(db: &Db, team_name: &str, queue: &str, list: Option<&str>) -> Result<()> {
    let team = team(db, team_name).await?;
    let list = match list {
        Some(name) => Some(list_id(db, &team, name).await?),
        None => None,
    };
    let mut w = db.begin_write().await?;
    let queue = queue_id(&mut w.tx, &team, queue).await?;
    if let Some(list) = list {
        lists::set_access(&mut w.tx, list, Err(queue), true).await?;
    }
    lists::set_queue_list(&mut w.tx, queue, list).await?;
    w.commit().await?;
    Ok(())
}

/// The largest file `import` reads, and the most cases it takes at once.
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;
pub const MAX_IMPORT_ROWS: usize = 100_000;

/// What an import did: the cases opened and the rows that joined an open case of their number.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub opened: usize,
    pub linked: usize,
}

/// Why an import wrote nothing: every line that is wrong, with why (at most 100 listed).
#[derive(Debug)]
pub struct ImportRefused {
    pub lines: Vec<(usize, String)>,
}

impl std::fmt::Display for ImportRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "nothing imported; fix these lines:")?;
        for (line, why) in &self.lines {
            writeln!(f, "line {line}: {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportRefused {}

/// One checked row.
struct Row {
    line: usize,
    phone: String,
    due_at: DateTime<Utc>,
    zone: Option<String>,
}

/// Imports a CSV into a list, all or nothing. A header names the columns: `phone` (required),
/// `due_local` (`2027-03-28 10:00` on the customer's clock) with `time_zone` (IANA), `due_at`
/// (RFC 3339). A row with no due time is due now. Text never becomes anything but a phone or a
/// time: other columns are ignored. Every wrong line is reported ([`ImportRefused`]).
pub async fn import(db: &Db, team_name: &str, list: &str, text: &str) -> Result<Imported> {
    if text.len() > MAX_IMPORT_BYTES {
        bail!("the file is larger than {MAX_IMPORT_BYTES} bytes; split it");
    }
    let team = team(db, team_name).await?;
    let list = list_id(db, &team, list).await?;
    let now = Utc::now();
    let records = super::csv::records(text).map_err(|line| ImportRefused {
        lines: vec![(
            line,
            "a quoted field is not closed, or text follows its quote".into(),
        )],
    })?;
    let Some(((_, header), body)) = records.split_first() else {
        bail!("the file is empty; its first line names the columns (phone, …)");
    };
    if body.len() > MAX_IMPORT_ROWS {
        bail!("more than {MAX_IMPORT_ROWS} rows; split the file");
    }
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let Some(phone_col) = column("phone") else {
        bail!("the first line names the columns and must include phone");
    };
    let (local_col, zone_col, at_col) =
        (column("due_local"), column("time_zone"), column("due_at"));
    let mut conn = db.pool.acquire().await?;
    let mut rows = Vec::with_capacity(body.len());
    let mut wrong = Vec::new();
    for (line, record) in body {
        let field = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let checked = async {
            let raw = field(Some(phone_col)).ok_or("no phone")?;
            let phone = open::phone(&mut conn, team.id, raw)
                .await
                .map_err(|e| e.public_message())?;
            let local = field(local_col)
                .map(|s| {
                    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
                        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
                        .map_err(|_| "due_local is YYYY-MM-DD HH:MM".to_string())
                })
                .transpose()?;
            let at = field(at_col)
                .map(|s| {
                    DateTime::parse_from_rfc3339(s).map_err(|_| "due_at is RFC 3339".to_string())
                })
                .transpose()?;
            let due = due_time::resolve(at, local, field(zone_col), now)
                .map_err(|e: LdsError| e.public_message())?;
            Ok::<_, String>(Row {
                line: *line,
                phone,
                due_at: due.at,
                zone: due.zone,
            })
        };
        match checked.await {
            Ok(row) => rows.push(row),
            Err(why) => wrong.push((*line, why)),
        }
    }
    drop(conn);
    if !wrong.is_empty() {
        wrong.truncate(100);
        return Err(ImportRefused { lines: wrong }.into());
    }
    let mut w = db.begin_write().await?;
    let mut done = Imported::default();
    for row in &rows {
        let before = crate::data::call_cases::open_case(&mut w.tx, list, &row.phone).await?;
        let opening = Opening {
            team: team.id,
            list,
            phone: &row.phone,
            source: CaseSource::Imported,
            due_at: row.due_at,
            time_zone: row.zone.as_deref(),
            assignee: None,
            by: None,
        };
        open::open_or_link(&mut w.tx, opening, now)
            .await
            .map_err(|e| anyhow::anyhow!("line {}: {}", row.line, e.public_message()))?;
        if before.is_some() {
            done.linked += 1;
        } else {
            done.opened += 1;
        }
    }
    w.commit().await?;
    Ok(done)
}

//! Call cases and their history (SQL only).

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::call_cases::{
    CallCase, CaseAssignee, CaseClosure, CaseHistoryEntry, CaseQuery, CaseSource, CaseStatus,
};
use headsup_protocol::model::{AgentRef, ContactRef};
use headsup_protocol::{AgentId, CallCaseId, CallListId, ContactId, TeamId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::call_lists::may_work;
use crate::time::{from_millis, to_millis};

/// A new case's row.
pub(crate) struct NewCase<'a> {
    pub(crate) team: TeamId,
    pub(crate) list: CallListId,
    pub(crate) phone: &'a str,
    pub(crate) contact: Option<ContactId>,
    pub(crate) source: CaseSource,
    pub(crate) due_at: DateTime<Utc>,
    pub(crate) time_zone: Option<&'a str>,
    pub(crate) assignee: Option<AgentId>,
    pub(crate) expires_at: DateTime<Utc>,
}

/// What the rules read of a case.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub(crate) team: TeamId,
    pub(crate) list: CallListId,
    pub(crate) open: bool,
    pub(crate) calling: Option<AgentId>,
    pub(crate) attempts: i64,
    pub(crate) expires_at: DateTime<Utc>,
}

pub(crate) async fn open_case(
    conn: &mut AnyConnection,
    list: CallListId,
    phone: &str,
) -> Result<Option<CallCaseId>> {
    Ok(sqlx::query(
        "SELECT id FROM call_cases WHERE list_id = $1 AND phone = $2 AND state = 'open'",
    )
    .bind(list.0)
    .bind(phone)
    .fetch_optional(conn)
    .await?
    .map(|r| r.try_get::<i64, _>(0).map(CallCaseId))
    .transpose()?)
}

/// Open cases of the team with this phone, in lists `agent` may work.
pub(crate) async fn open_for_phone(
    conn: &mut AnyConnection,
    team: TeamId,
    phone: &str,
    agent: AgentId,
) -> Result<Vec<CallCaseId>> {
    sqlx::query(&format!(
        "SELECT c.id FROM call_cases c WHERE c.team_id = $1 AND c.phone = $2 AND \
         c.state = 'open' AND {} ORDER BY c.id",
        may_work("c.list_id", "$3")
    ))
    .bind(team.0)
    .bind(phone)
    .bind(agent.0)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| Ok(CallCaseId(r.try_get(0)?)))
    .collect()
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    c: &NewCase<'_>,
    now: DateTime<Utc>,
) -> Result<CallCaseId> {
    let id: i64 = sqlx::query(
        "INSERT INTO call_cases (team_id, list_id, phone, contact_id, source, due_at, time_zone, \
         assignee, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         RETURNING id",
    )
    .bind(c.team.0)
    .bind(c.list.0)
    .bind(c.phone)
    .bind(c.contact.map(|x| x.0))
    .bind(c.source.as_str())
    .bind(to_millis(c.due_at))
    .bind(c.time_zone)
    .bind(c.assignee.map(|a| a.0))
    .bind(to_millis(c.expires_at))
    .bind(to_millis(now))
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(CallCaseId(id))
}

pub(crate) async fn add_history(
    conn: &mut AnyConnection,
    case: CallCaseId,
    at: DateTime<Utc>,
    kind: &str,
    agent: Option<AgentId>,
    code: Option<&str>,
    text: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO call_case_history (case_id, at, kind, agent_id, code, text) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case.0)
    .bind(to_millis(at))
    .bind(kind)
    .bind(agent.map(|a| a.0))
    .bind(code)
    .bind(text)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn state(conn: &mut AnyConnection, id: CallCaseId) -> Result<Option<State>> {
    let row = sqlx::query(
        "SELECT team_id, list_id, state, calling_agent, attempts, expires_at FROM call_cases \
         WHERE id = $1",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(State {
            team: TeamId(r.try_get(0)?),
            list: CallListId(r.try_get(1)?),
            open: r.try_get::<String, _>(2)? == "open",
            calling: r.try_get::<Option<i64>, _>(3)?.map(AgentId),
            attempts: r.try_get(4)?,
            expires_at: from_millis(r.try_get(5)?),
        })
    })
    .transpose()
}

/// The claim: `agent` calls the case if it is open, nobody calls it, it is theirs or the
/// pool's and they may work its list. One attempt more. Returns whether this call won.
pub(crate) async fn claim(
    conn: &mut AnyConnection,
    id: CallCaseId,
    agent: AgentId,
) -> Result<bool> {
    let done = sqlx::query(&format!(
        "UPDATE call_cases SET calling_agent = $1, attempts = attempts + 1 \
         WHERE id = $2 AND state = 'open' AND calling_agent IS NULL \
         AND (assignee IS NULL OR assignee = $1) AND {}",
        may_work("call_cases.list_id", "$1")
    ))
    .bind(agent.0)
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// After a call: open again at `due_at` (nobody calling), the case's assignee unchanged.
pub(crate) async fn reopen_at(
    conn: &mut AnyConnection,
    id: CallCaseId,
    due_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE call_cases SET calling_agent = NULL, due_at = $1, due_announced = NULL \
         WHERE id = $2",
    )
    .bind(to_millis(due_at))
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Closes an open case as `closure` and records it in the case's history (`by`: the agent who
/// closed it; none when a rule did). False when the case was closed already: nothing written.
pub(crate) async fn close(
    conn: &mut AnyConnection,
    id: CallCaseId,
    closure: CaseClosure,
    now: DateTime<Utc>,
    by: Option<AgentId>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE call_cases SET state = 'closed', closure = $1, closed_at = $2, \
         calling_agent = NULL WHERE id = $3 AND state = 'open'",
    )
    .bind(closure.as_str())
    .bind(to_millis(now))
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    add_history(conn, id, now, "closed", by, Some(closure.as_str()), None).await?;
    Ok(true)
}

pub(crate) async fn set_assignee(
    conn: &mut AnyConnection,
    id: CallCaseId,
    assignee: Option<AgentId>,
) -> Result<()> {
    sqlx::query("UPDATE call_cases SET assignee = $1 WHERE id = $2")
        .bind(assignee.map(|a| a.0))
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Open cases whose due time came and was not announced yet: marked announced.
pub(crate) async fn take_newly_due(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<Vec<CallCaseId>> {
    let ids: Vec<i64> = sqlx::query(
        "SELECT id FROM call_cases WHERE state = 'open' AND due_at <= $1 \
         AND (due_announced IS NULL OR due_announced <> due_at) ORDER BY due_at, id LIMIT $2",
    )
    .bind(to_millis(now))
    .bind(batch)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| r.try_get(0))
    .collect::<Result<_, _>>()?;
    for id in &ids {
        sqlx::query("UPDATE call_cases SET due_announced = due_at WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(ids.into_iter().map(CallCaseId).collect())
}

/// Open assigned cases, nobody calling them, overdue by their list's grace period.
pub(crate) async fn overdue_past_grace(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<Vec<(CallCaseId, AgentId)>> {
    sqlx::query(
        "SELECT c.id, c.assignee FROM call_cases c JOIN call_lists l ON l.id = c.list_id \
         WHERE c.state = 'open' AND c.assignee IS NOT NULL AND c.calling_agent IS NULL \
         AND c.due_at + l.grace_secs * 1000 <= $1 ORDER BY c.due_at, c.id LIMIT $2",
    )
    .bind(to_millis(now))
    .bind(batch)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| Ok((CallCaseId(r.try_get(0)?), AgentId(r.try_get(1)?))))
    .collect()
}

/// Open cases past their expiry, nobody calling them.
pub(crate) async fn expired(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<Vec<CallCaseId>> {
    sqlx::query(
        "SELECT id FROM call_cases WHERE state = 'open' AND expires_at <= $1 \
         AND calling_agent IS NULL ORDER BY expires_at, id LIMIT $2",
    )
    .bind(to_millis(now))
    .bind(batch)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| Ok(CallCaseId(r.try_get(0)?)))
    .collect()
}

const CASE_COLUMNS: &str = "c.id, c.list_id, l.name AS list_name, c.phone, c.source, c.state, \
     c.closure, c.due_at, c.time_zone, c.assignee, a.name AS assignee_name, c.calling_agent, \
     k.name AS calling_name, c.attempts, l.max_attempts, c.expires_at, c.created_at, \
     (SELECT COUNT(*) FROM call_case_voicemails v WHERE v.case_id = c.id) AS voicemails, \
     c.contact_id, ct.first_name, ct.last_name, ct.company";

/// The case `viewer` may see: the contact only when it is in a contact list they may see.
const CASE_FROM: &str = "call_cases c JOIN call_lists l ON l.id = c.list_id \
     LEFT JOIN agents a ON a.id = c.assignee LEFT JOIN agents k ON k.id = c.calling_agent \
     LEFT JOIN contacts ct ON ct.id = c.contact_id AND EXISTS (SELECT 1 FROM \
     contact_list_access x WHERE x.list_id = ct.list_id AND (x.agent_id = $1 OR x.queue_id IN \
     (SELECT m.queue_id FROM queue_members m WHERE m.agent_id = $1)))";

fn case_from_row(r: &AnyRow) -> Result<CallCase> {
    let agent = |id: Option<i64>, name: Option<String>| {
        id.map(|id| AgentRef {
            id: AgentId(id),
            name: name.unwrap_or_default(),
        })
    };
    let contact = match r.try_get::<Option<String>, _>("first_name")? {
        Some(first) => {
            let last: String = r.try_get("last_name")?;
            let company: String = r.try_get("company")?;
            let name = format!("{first} {last}").trim().to_string();
            r.try_get::<Option<i64>, _>("contact_id")?
                .map(|id| ContactRef {
                    id: ContactId(id),
                    name: if name.is_empty() { company } else { name },
                })
        }
        None => None,
    };
    let source: String = r.try_get("source")?;
    Ok(CallCase {
        id: CallCaseId(r.try_get("id")?),
        list: CallListId(r.try_get("list_id")?),
        list_name: r.try_get("list_name")?,
        phone: r.try_get("phone")?,
        contact,
        source: CaseSource::parse(&source).unwrap_or(CaseSource::Manual),
        status: if r.try_get::<String, _>("state")? == "open" {
            CaseStatus::Open
        } else {
            CaseStatus::Closed
        },
        closure: r
            .try_get::<Option<String>, _>("closure")?
            .and_then(|c| CaseClosure::parse(&c)),
        due_at: from_millis(r.try_get("due_at")?),
        time_zone: r.try_get("time_zone")?,
        assignee: agent(r.try_get("assignee")?, r.try_get("assignee_name")?),
        calling: agent(r.try_get("calling_agent")?, r.try_get("calling_name")?),
        attempts: r.try_get::<i64, _>("attempts")? as u32,
        max_attempts: r.try_get::<i64, _>("max_attempts")? as u32,
        expires_at: from_millis(r.try_get("expires_at")?),
        created_at: from_millis(r.try_get("created_at")?),
        has_voicemail: r.try_get::<i64, _>("voicemails")? > 0,
        history: Vec::new(),
    })
}

/// One case as `viewer` sees it (without history).
pub(crate) async fn load(
    conn: &mut AnyConnection,
    id: CallCaseId,
    viewer: AgentId,
) -> Result<Option<CallCase>> {
    let row = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE c.id = $2"
    ))
    .bind(viewer.0)
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(case_from_row).transpose()
}

pub(crate) async fn history(
    conn: &mut AnyConnection,
    id: CallCaseId,
) -> Result<Vec<CaseHistoryEntry>> {
    sqlx::query(
        "SELECT h.at, h.kind, h.agent_id, a.name, h.code, h.text FROM call_case_history h \
         LEFT JOIN agents a ON a.id = h.agent_id WHERE h.case_id = $1 ORDER BY h.id",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| {
        Ok(CaseHistoryEntry {
            at: from_millis(r.try_get(0)?),
            kind: r.try_get(1)?,
            agent: r
                .try_get::<Option<i64>, _>(2)?
                .map(|id| -> Result<AgentRef> {
                    Ok(AgentRef {
                        id: AgentId(id),
                        name: r.try_get::<Option<String>, _>(3)?.unwrap_or_default(),
                    })
                })
                .transpose()?,
            code: r.try_get(4)?,
            text: r.try_get(5)?,
        })
    })
    .collect()
}

/// A page of the cases of the lists `agent` may work: due before `today_ends` first, then the
/// rest, each by due time and id.
pub(crate) async fn page(
    conn: &mut AnyConnection,
    agent: AgentId,
    q: &CaseQuery,
    today_ends: DateTime<Utc>,
    limit: i64,
    offset: i64,
) -> Result<Vec<CallCase>> {
    let mut sql = format!(
        "SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE {} AND c.state = $2",
        may_work("c.list_id", "$1")
    );
    // Optional filters bind as NULL when absent, so the statement stays one shape.
    sql.push_str(" AND ($3 IS NULL OR c.list_id = $3) AND ($4 IS NULL OR c.due_at < $4)");
    match q.assignee {
        Some(CaseAssignee::Me) => sql.push_str(" AND c.assignee = $1"),
        Some(CaseAssignee::Pool) => sql.push_str(" AND c.assignee IS NULL"),
        None => {}
    }
    sql.push_str(
        " ORDER BY CASE WHEN c.due_at < $5 THEN 0 ELSE 1 END, c.due_at, c.id LIMIT $6 OFFSET $7",
    );
    let state = match q.status {
        CaseStatus::Open => "open",
        CaseStatus::Closed => "closed",
    };
    let rows = sqlx::query(&sql)
        .bind(agent.0)
        .bind(state)
        .bind(q.list.map(|l| l.0))
        .bind(q.due_before.map(to_millis))
        .bind(to_millis(today_ends))
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?;
    rows.iter().map(case_from_row).collect()
}

/// The team's contact with this E.164 phone, if any (the oldest).
pub(crate) async fn contact_by_phone(
    conn: &mut AnyConnection,
    team: TeamId,
    phone: &str,
) -> Result<Option<ContactId>> {
    Ok(sqlx::query(
        "SELECT c.id FROM contact_phones p JOIN contacts c ON c.id = p.contact_id \
         WHERE p.phone = $1 AND c.team_id = $2 AND c.merged_into IS NULL ORDER BY c.id LIMIT 1",
    )
    .bind(phone)
    .bind(team.0)
    .fetch_optional(conn)
    .await?
    .map(|r| r.try_get::<i64, _>(0).map(ContactId))
    .transpose()?)
}

/// Stores the case's voicemail, replacing an earlier one.
pub(crate) async fn put_voicemail(
    conn: &mut AnyConnection,
    id: CallCaseId,
    content_type: &str,
    audio_base64: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO call_case_voicemails (case_id, content_type, audio, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (case_id) DO UPDATE SET \
         content_type = excluded.content_type, audio = excluded.audio, \
         created_at = excluded.created_at",
    )
    .bind(id.0)
    .bind(content_type)
    .bind(audio_base64)
    .bind(to_millis(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// The case's voicemail: its content type and base64 audio.
pub(crate) async fn voicemail(
    conn: &mut AnyConnection,
    id: CallCaseId,
) -> Result<Option<(String, String)>> {
    let row =
        sqlx::query("SELECT content_type, audio FROM call_case_voicemails WHERE case_id = $1")
            .bind(id.0)
            .fetch_optional(conn)
            .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// The team a case belongs to.
pub(crate) async fn team_of(conn: &mut AnyConnection, id: CallCaseId) -> Result<Option<TeamId>> {
    Ok(sqlx::query("SELECT team_id FROM call_cases WHERE id = $1")
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .map(|r| r.try_get::<i64, _>(0).map(TeamId))
        .transpose()?)
}

pub(crate) async fn assignee(conn: &mut AnyConnection, id: CallCaseId) -> Result<Option<AgentId>> {
    Ok(sqlx::query("SELECT assignee FROM call_cases WHERE id = $1")
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .and_then(|r| r.try_get::<Option<i64>, _>(0).ok().flatten())
        .map(AgentId))
}

//! The contact search: one SQL statement built from the parts of a query, every part an index
//! probe (a phone or e-mail equality, a range of folded words), keyset-paged on the listing
//! order `(sort_key, id)` so page 100 costs what page 1 does.

use anyhow::Result;
use headsup_protocol::{AgentId, ContactId, ContactListId};
use sqlx::{AnyConnection, Row};

use super::contacts::contact_id;
use crate::contact_input::prefix_bound;

/// A search the domain has checked and normalised.
#[derive(Debug, Default, Clone)]
pub(crate) struct Search {
    /// The lists to look in (the agent's visible ones, or the one asked for among them).
    pub lists: Vec<ContactListId>,
    pub tag: Option<String>,
    /// Folded word prefixes, each matching the start of some word of the names or company.
    pub words: Vec<String>,
    /// Folded "starts with" of the whole first name, last name, company.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    /// A phone key (see `contact_input::phone_key`) or a lower-cased e-mail, whole.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Words and names match whole, not as prefixes: the agent may not read names (masking),
    /// so typing letter after letter must not spell a hidden name out.
    pub whole_words: bool,
    /// Only the contacts this agent created, edited or served.
    pub mine: Option<AgentId>,
    /// The last row of the page before: its sort key and id.
    pub after: Option<(String, i64)>,
    pub limit: u32,
}

/// One bound value of the statement being built.
enum Value {
    Text(String),
    Int(i64),
}

/// The ids of one page and whether more follow (the row after the page, if any, with its key).
pub(crate) async fn search(
    conn: &mut AnyConnection,
    s: &Search,
) -> Result<(Vec<ContactId>, Option<(String, i64)>)> {
    if s.lists.is_empty() {
        return Ok((Vec::new(), None));
    }
    let mut values: Vec<Value> = Vec::new();
    let mut arg = |v: Value| {
        values.push(v);
        format!("${}", values.len())
    };
    // List ids are integers formatted here, never caller text.
    let lists = s
        .lists
        .iter()
        .map(|l| l.0.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let mut sql = format!(
        "SELECT c.id, c.sort_key FROM contacts c WHERE c.merged_into IS NULL \
         AND c.list_id IN ({lists})"
    );
    for word in &s.words {
        let lo = arg(Value::Text(word.clone()));
        let range = if s.whole_words {
            format!("t.term = {lo}")
        } else {
            let hi = arg(Value::Text(prefix_bound(word)));
            format!("t.term >= {lo} AND t.term < {hi}")
        };
        sql.push_str(&format!(
            " AND c.id IN (SELECT t.contact_id FROM contact_terms t WHERE {range})"
        ));
    }
    for (column, prefix) in [
        ("first_key", &s.first_name),
        ("last_key", &s.last_name),
        ("company_key", &s.company),
    ] {
        if let Some(prefix) = prefix {
            let lo = arg(Value::Text(prefix.clone()));
            if s.whole_words {
                sql.push_str(&format!(" AND c.{column} = {lo}"));
            } else {
                let hi = arg(Value::Text(prefix_bound(prefix)));
                sql.push_str(&format!(" AND c.{column} >= {lo} AND c.{column} < {hi}"));
            }
        }
    }
    if let Some(phone) = &s.phone {
        let p = arg(Value::Text(phone.clone()));
        sql.push_str(&format!(
            " AND c.id IN (SELECT p.contact_id FROM contact_phones p WHERE p.phone = {p})"
        ));
    }
    if let Some(email) = &s.email {
        let e = arg(Value::Text(email.clone()));
        sql.push_str(&format!(
            " AND c.id IN (SELECT e.contact_id FROM contact_emails e WHERE e.email = {e})"
        ));
    }
    if let Some(tag) = &s.tag {
        let t = arg(Value::Text(tag.clone()));
        sql.push_str(&format!(
            " AND c.id IN (SELECT g.contact_id FROM contact_tags g WHERE g.tag = {t})"
        ));
    }
    if let Some(agent) = s.mine {
        let a = arg(Value::Int(agent.0));
        sql.push_str(&format!(
            " AND c.id IN (SELECT m.contact_id FROM contact_agents m WHERE m.agent_id = {a})"
        ));
    }
    if let Some((key, id)) = &s.after {
        let k = arg(Value::Text(key.clone()));
        let k2 = arg(Value::Text(key.clone()));
        let i = arg(Value::Int(*id));
        sql.push_str(&format!(
            " AND (c.sort_key > {k} OR (c.sort_key = {k2} AND c.id > {i}))"
        ));
    }
    let limit = arg(Value::Int(i64::from(s.limit) + 1));
    sql.push_str(&format!(" ORDER BY c.sort_key, c.id LIMIT {limit}"));
    let mut query = sqlx::query(&sql);
    for v in values {
        query = match v {
            Value::Text(t) => query.bind(t),
            Value::Int(i) => query.bind(i),
        };
    }
    let rows = query.fetch_all(conn).await?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut last = None;
    for r in rows.iter().take(s.limit as usize) {
        ids.push(contact_id(r)?);
        last = Some((
            r.try_get::<String, _>("sort_key")?,
            r.try_get::<i64, _>("id")?,
        ));
    }
    let next = if rows.len() > s.limit as usize {
        last
    } else {
        None
    };
    Ok((ids, next))
}

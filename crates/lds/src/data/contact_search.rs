//! The contact search: one SQL statement built from the parts of a query, every part an index
//! probe (a phone or e-mail equality, a range of folded words), keyset-paged on the listing
//! order `(sort_key, id)` so page 100 costs what page 1 does. A name-prefix search reads its page
//! in that order straight from `contact_prefixes`, so a prefix thousands of contacts share costs
//! what a rare one does.

use anyhow::Result;
use headsup_protocol::{AgentId, ContactId, ContactListId};
use sqlx::{AnyConnection, Row};

use super::contacts::contact_id;
use crate::contact_input::{prefix_bound, MAX_PREFIX_CHARS};

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
    let sql = match leading_prefix(s) {
        Some(lead) => by_prefix(s, lead, &mut values),
        None => by_contact_order(s, &mut values),
    };
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

/// The word that drives a name search: the longest (likely the rarest) of the words typed, when
/// they are matched as prefixes.
fn leading_prefix(s: &Search) -> Option<&str> {
    if s.whole_words {
        return None;
    }
    s.words
        .iter()
        .max_by_key(|w| w.chars().count().min(MAX_PREFIX_CHARS))
        .map(String::as_str)
}

/// Appends `v` to the statement's values and names its placeholder.
fn arg(values: &mut Vec<Value>, v: Value) -> String {
    values.push(v);
    format!("${}", values.len())
}

/// A name-prefix search: per list, the page read in order from `contact_prefixes` (the leading
/// word), every other part checked on each row found; the lists' pages merged. Placeholders are
/// never reused (one value per `$n`), which both backends' drivers accept alike.
fn by_prefix(s: &Search, lead: &str, values: &mut Vec<Value>) -> String {
    let lead_prefix: String = lead.chars().take(MAX_PREFIX_CHARS).collect();
    let per_list = s
        .lists
        .iter()
        .map(|list| {
            let p = arg(values, Value::Text(lead_prefix.clone()));
            // List ids are integers formatted here, never caller text.
            let mut sql = format!(
                "SELECT x.contact_id AS id, x.sort_key AS sort_key FROM contact_prefixes x \
                 JOIN contacts c ON c.id = x.contact_id \
                 WHERE x.list_id = {} AND x.prefix = {p} AND c.merged_into IS NULL",
                list.0
            );
            for word in &s.words {
                let short = word.chars().count() <= MAX_PREFIX_CHARS;
                if word == lead && short {
                    continue;
                }
                if short {
                    // The whole key of the row probed: one primary-key lookup per row.
                    let w = arg(values, Value::Text(word.clone()));
                    sql.push_str(&format!(
                        " AND EXISTS (SELECT 1 FROM contact_prefixes y WHERE y.list_id = x.list_id \
                         AND y.prefix = {w} AND y.sort_key = x.sort_key \
                         AND y.contact_id = x.contact_id)"
                    ));
                } else {
                    sql.push_str(&word_range(word, false, values));
                }
            }
            sql.push_str(&other_parts(s, values));
            if let Some((key, id)) = &s.after {
                let k = arg(values, Value::Text(key.clone()));
                let i = arg(values, Value::Int(*id));
                sql.push_str(&format!(" AND (x.sort_key, x.contact_id) > ({k}, {i})"));
            }
            let limit = arg(values, Value::Int(i64::from(s.limit) + 1));
            format!(
                "SELECT id, sort_key FROM ({sql} ORDER BY x.sort_key, x.contact_id LIMIT {limit}) \
                 AS l{}",
                list.0
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let limit = arg(values, Value::Int(i64::from(s.limit) + 1));
    format!("SELECT id, sort_key FROM ({per_list}) AS u ORDER BY sort_key, id LIMIT {limit}")
}

/// Every other search: the lists' contacts in listing order, each part an index probe.
fn by_contact_order(s: &Search, values: &mut Vec<Value>) -> String {
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
        sql.push_str(&word_range(word, s.whole_words, values));
    }
    sql.push_str(&other_parts(s, values));
    if let Some((key, id)) = &s.after {
        let k = arg(values, Value::Text(key.clone()));
        let k2 = arg(values, Value::Text(key.clone()));
        let i = arg(values, Value::Int(*id));
        sql.push_str(&format!(
            " AND (c.sort_key > {k} OR (c.sort_key = {k2} AND c.id > {i}))"
        ));
    }
    let limit = arg(values, Value::Int(i64::from(s.limit) + 1));
    sql.push_str(&format!(" ORDER BY c.sort_key, c.id LIMIT {limit}"));
    sql
}

/// `c` has a word equal to `word` (`whole`) or starting with it.
fn word_range(word: &str, whole: bool, values: &mut Vec<Value>) -> String {
    let lo = arg(values, Value::Text(word.to_string()));
    let range = if whole {
        format!("t.term = {lo}")
    } else {
        let hi = arg(values, Value::Text(prefix_bound(word)));
        format!("t.term >= {lo} AND t.term < {hi}")
    };
    format!(" AND c.id IN (SELECT t.contact_id FROM contact_terms t WHERE {range})")
}

/// The parts other than words and the page's start, as conditions on `c`.
fn other_parts(s: &Search, values: &mut Vec<Value>) -> String {
    let mut sql = String::new();
    for (column, prefix) in [
        ("first_key", &s.first_name),
        ("last_key", &s.last_name),
        ("company_key", &s.company),
    ] {
        if let Some(prefix) = prefix {
            let lo = arg(values, Value::Text(prefix.clone()));
            if s.whole_words {
                sql.push_str(&format!(" AND c.{column} = {lo}"));
            } else {
                let hi = arg(values, Value::Text(prefix_bound(prefix)));
                sql.push_str(&format!(" AND c.{column} >= {lo} AND c.{column} < {hi}"));
            }
        }
    }
    for (value, probe) in [
        (
            &s.phone,
            "SELECT p.contact_id FROM contact_phones p WHERE p.phone",
        ),
        (
            &s.email,
            "SELECT e.contact_id FROM contact_emails e WHERE e.email",
        ),
        (
            &s.tag,
            "SELECT g.contact_id FROM contact_tags g WHERE g.tag",
        ),
    ] {
        if let Some(value) = value {
            let v = arg(values, Value::Text(value.clone()));
            sql.push_str(&format!(" AND c.id IN ({probe} = {v})"));
        }
    }
    if let Some(agent) = s.mine {
        let a = arg(values, Value::Int(agent.0));
        sql.push_str(&format!(
            " AND c.id IN (SELECT m.contact_id FROM contact_agents m WHERE m.agent_id = {a})"
        ));
    }
    sql
}

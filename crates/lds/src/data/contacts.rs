//! Contacts, their lists and who may see them (`contacts`, `contact_*`). SQL only: permissions
//! are applied by the domain through [`visible_lists`].

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use chrono::{DateTime, Utc};
use headsup_protocol::contacts::{Contact, ContactList, CustomField, Masked};
use headsup_protocol::{AgentId, ContactId, ContactListId, TeamId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::contact_input::{self, CleanDraft};
use crate::data::db::Backend;
use crate::time::{from_millis, to_millis};

/// How many merges a contact id is followed through before giving up (merges chain only when a
/// contact that absorbed another is itself merged).
const MAX_MERGE_HOPS: usize = 16;

/// The country national numbers of the team are read in, if its admins set one.
/// Refreshes PostgreSQL's planner statistics of the contact tables, after a bulk load. Planned
/// before autovacuum's next analyze, a name search over a table that grew from nothing to
/// 100,000 rows ran for minutes (measured); with statistics it takes milliseconds. SQLite's
/// planner picks the index probes without statistics, and is measured that way, so it is left
/// alone.
pub(crate) async fn analyze(conn: &mut AnyConnection, backend: Backend) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query(
            "ANALYZE contacts, contact_phones, contact_emails, contact_tags, contact_terms, \
             contact_prefixes",
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}

pub(crate) async fn team_region(conn: &mut AnyConnection, team: TeamId) -> Result<Option<String>> {
    Ok(sqlx::query("SELECT phone_region FROM teams WHERE id = $1")
        .bind(team.0)
        .fetch_one(conn)
        .await?
        .try_get("phone_region")?)
}

/// The list queue `queue` keeps its customers' contacts in, if it keeps them.
pub(crate) async fn queue_list(
    conn: &mut AnyConnection,
    queue: i64,
) -> Result<Option<ContactListId>> {
    Ok(
        sqlx::query("SELECT contact_list_id FROM queues WHERE id = $1")
            .bind(queue)
            .fetch_one(conn)
            .await?
            .try_get::<Option<i64>, _>("contact_list_id")?
            .map(ContactListId),
    )
}

/// The lists `agent` may see: granted to them, or to a queue they serve; by name.
pub(crate) async fn visible_lists(
    conn: &mut AnyConnection,
    agent: AgentId,
) -> Result<Vec<ContactList>> {
    let rows = sqlx::query(
        "SELECT l.id, l.name FROM contact_lists l WHERE EXISTS (SELECT 1 FROM contact_list_access \
         x WHERE x.list_id = l.id AND (x.agent_id = $1 OR x.queue_id IN \
         (SELECT m.queue_id FROM queue_members m WHERE m.agent_id = $1))) ORDER BY l.name, l.id",
    )
    .bind(agent.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut lists = Vec::with_capacity(rows.len());
    for r in rows {
        let id = ContactListId(r.try_get("id")?);
        lists.push(ContactList {
            id,
            name: r.try_get("name")?,
            fields: list_fields(conn, id).await?,
        });
    }
    Ok(lists)
}

pub(crate) async fn list_fields(
    conn: &mut AnyConnection,
    list: ContactListId,
) -> Result<Vec<CustomField>> {
    sqlx::query(
        "SELECT field_key, label FROM contact_list_fields WHERE list_id = $1 ORDER BY position",
    )
    .bind(list.0)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(CustomField {
            key: r.try_get("field_key")?,
            label: r.try_get("label")?,
        })
    })
    .collect()
}

/// Stores a new contact with its values; returns its id.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    team: TeamId,
    list: ContactListId,
    draft: &CleanDraft,
    by: Option<AgentId>,
    now: DateTime<Utc>,
) -> Result<ContactId> {
    let id: i64 = sqlx::query(
        "INSERT INTO contacts (team_id, list_id, version, first_name, last_name, company, \
         sort_key, first_key, last_key, company_key, created_by, created_at, updated_at) \
         VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(team.0)
    .bind(list.0)
    .bind(&draft.first_name)
    .bind(&draft.last_name)
    .bind(&draft.company)
    .bind(contact_input::sort_key(
        &draft.first_name,
        &draft.last_name,
        &draft.company,
    ))
    .bind(contact_input::fold(&draft.first_name))
    .bind(contact_input::fold(&draft.last_name))
    .bind(contact_input::fold(&draft.company))
    .bind(by.map(|a| a.0))
    .bind(to_millis(now))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let id = ContactId(id);
    insert_values(conn, id, draft).await?;
    Ok(id)
}

/// Moves a contact from `version` to the next with the draft's values; `false` (nothing
/// written) when it is not at `version` any more or was merged away.
pub(crate) async fn replace(
    conn: &mut AnyConnection,
    id: ContactId,
    version: i64,
    draft: &CleanDraft,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = sqlx::query(
        "UPDATE contacts SET version = version + 1, first_name = $1, last_name = $2, \
         company = $3, sort_key = $4, first_key = $5, last_key = $6, company_key = $7, \
         updated_at = $8 WHERE id = $9 AND version = $10 AND merged_into IS NULL",
    )
    .bind(&draft.first_name)
    .bind(&draft.last_name)
    .bind(&draft.company)
    .bind(contact_input::sort_key(
        &draft.first_name,
        &draft.last_name,
        &draft.company,
    ))
    .bind(contact_input::fold(&draft.first_name))
    .bind(contact_input::fold(&draft.last_name))
    .bind(contact_input::fold(&draft.company))
    .bind(to_millis(now))
    .bind(id.0)
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if changed {
        delete_values(conn, id).await?;
        insert_values(conn, id, draft).await?;
    }
    Ok(changed)
}

async fn delete_values(conn: &mut AnyConnection, id: ContactId) -> Result<()> {
    for table in [
        "contact_phones",
        "contact_emails",
        "contact_tags",
        "contact_field_values",
        "contact_terms",
        "contact_prefixes",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE contact_id = $1"))
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn insert_values(conn: &mut AnyConnection, id: ContactId, draft: &CleanDraft) -> Result<()> {
    for (position, phone) in draft.phones.iter().enumerate() {
        sqlx::query("INSERT INTO contact_phones (contact_id, phone, position) VALUES ($1, $2, $3)")
            .bind(id.0)
            .bind(phone)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    for (position, email) in draft.emails.iter().enumerate() {
        sqlx::query("INSERT INTO contact_emails (contact_id, email, position) VALUES ($1, $2, $3)")
            .bind(id.0)
            .bind(email)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    for tag in &draft.tags {
        sqlx::query("INSERT INTO contact_tags (contact_id, tag) VALUES ($1, $2)")
            .bind(id.0)
            .bind(tag)
            .execute(&mut *conn)
            .await?;
    }
    for (key, value) in &draft.fields {
        sqlx::query(
            "INSERT INTO contact_field_values (contact_id, field_key, value) VALUES ($1, $2, $3)",
        )
        .bind(id.0)
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    }
    let terms = contact_input::terms(&[&draft.first_name, &draft.last_name, &draft.company]);
    for term in &terms {
        sqlx::query("INSERT INTO contact_terms (term, contact_id) VALUES ($1, $2)")
            .bind(term)
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
    }
    insert_prefixes(conn, id, &contact_input::prefixes(&terms)).await
}

/// Files `prefixes` under the contact's list and sort key as they are stored now (so call it
/// after the contact's row is written).
async fn insert_prefixes(
    conn: &mut AnyConnection,
    id: ContactId,
    prefixes: &[String],
) -> Result<()> {
    if prefixes.is_empty() {
        return Ok(());
    }
    // One statement for all of them: a contact has 20 or so, and seeding 100,000 contacts one
    // row at a time doubled its time.
    let values = (0..prefixes.len())
        .map(|n| format!("(${})", n + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO contact_prefixes (list_id, prefix, sort_key, contact_id) \
         SELECT c.list_id, p.column1, c.sort_key, c.id FROM contacts c \
         CROSS JOIN (VALUES {values}) AS p WHERE c.id = $1"
    );
    let mut query = sqlx::query(&sql).bind(id.0);
    for prefix in prefixes {
        query = query.bind(prefix);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// A stored contact's team and where it was merged to, if it was.
pub(crate) struct Stored {
    pub id: ContactId,
    pub team: TeamId,
    pub list: ContactListId,
    pub version: i64,
    pub merged_into: Option<ContactId>,
}

async fn stored(conn: &mut AnyConnection, id: ContactId) -> Result<Option<Stored>> {
    let Some(r) = sqlx::query(
        "SELECT id, team_id, list_id, version, merged_into FROM contacts WHERE id = $1",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(Stored {
        id: ContactId(r.try_get("id")?),
        team: TeamId(r.try_get("team_id")?),
        list: ContactListId(r.try_get("list_id")?),
        version: r.try_get("version")?,
        merged_into: r.try_get::<Option<i64>, _>("merged_into")?.map(ContactId),
    }))
}

/// The contact an id answers: itself, or the one it was merged into (followed through merges).
pub(crate) async fn resolve(conn: &mut AnyConnection, id: ContactId) -> Result<Option<Stored>> {
    let mut next = id;
    for _ in 0..MAX_MERGE_HOPS {
        let Some(s) = stored(conn, next).await? else {
            return Ok(None);
        };
        match s.merged_into {
            Some(into) => next = into,
            None => return Ok(Some(s)),
        }
    }
    Ok(None)
}

/// A contact's place in the listing order (its sort key), if it is the team's.
pub(crate) async fn sort_key_of(
    conn: &mut AnyConnection,
    team: TeamId,
    id: i64,
) -> Result<Option<String>> {
    let row = sqlx::query("SELECT sort_key FROM contacts WHERE id = $1 AND team_id = $2")
        .bind(id)
        .bind(team.0)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.try_get("sort_key")).transpose()?)
}

/// One of a contact's lists of values (phones, e-mails, tags).
type ListOf = fn(&mut Contact) -> &mut Vec<String>;

/// The contacts with these ids, whole, in the order given (ids not found are left out).
pub(crate) async fn load(conn: &mut AnyConnection, ids: &[ContactId]) -> Result<Vec<Contact>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids
        .iter()
        .map(|id| id.0.to_string())
        .collect::<Vec<_>>()
        .join(",");
    // The ids are integers formatted here, never caller text.
    let rows = sqlx::query(&format!(
        "SELECT id, list_id, version, first_name, last_name, company, updated_at FROM contacts \
         WHERE id IN ({list})"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut by_id: HashMap<i64, Contact> = HashMap::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        by_id.insert(
            id,
            Contact {
                id: ContactId(id),
                list: ContactListId(r.try_get("list_id")?),
                version: r.try_get("version")?,
                first_name: r.try_get("first_name")?,
                last_name: r.try_get("last_name")?,
                company: r.try_get("company")?,
                phones: Vec::new(),
                emails: Vec::new(),
                tags: Vec::new(),
                fields: BTreeMap::new(),
                updated_at: from_millis(r.try_get("updated_at")?),
                masked: Masked::default(),
            },
        );
    }
    let values = |sql: &str| sql.replace("{list}", &list);
    // Phones, e-mails and tags: one statement each, every row `(contact_id, value)` in order.
    let parts: [(&str, ListOf); 3] = [
        (
            "SELECT contact_id, phone FROM contact_phones WHERE contact_id IN ({list}) \
             ORDER BY contact_id, position",
            |c| &mut c.phones,
        ),
        (
            "SELECT contact_id, email FROM contact_emails WHERE contact_id IN ({list}) \
             ORDER BY contact_id, position",
            |c| &mut c.emails,
        ),
        (
            "SELECT contact_id, tag FROM contact_tags WHERE contact_id IN ({list}) \
             ORDER BY contact_id, tag",
            |c| &mut c.tags,
        ),
    ];
    for (sql, part) in parts {
        for r in sqlx::query(&values(sql)).fetch_all(&mut *conn).await? {
            if let Some(c) = by_id.get_mut(&r.try_get("contact_id")?) {
                part(c).push(r.try_get(1)?);
            }
        }
    }
    for r in sqlx::query(&values(
        "SELECT contact_id, field_key, value FROM contact_field_values \
         WHERE contact_id IN ({list})",
    ))
    .fetch_all(&mut *conn)
    .await?
    {
        if let Some(c) = by_id.get_mut(&r.try_get("contact_id")?) {
            c.fields
                .insert(r.try_get("field_key")?, r.try_get("value")?);
        }
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(&id.0)).collect())
}

/// The live contact of `list` with this phone key, if any (the oldest when several).
pub(crate) async fn by_phone(
    conn: &mut AnyConnection,
    list: ContactListId,
    phone: &str,
) -> Result<Option<ContactId>> {
    Ok(sqlx::query(
        "SELECT c.id FROM contact_phones p JOIN contacts c ON c.id = p.contact_id \
         WHERE p.phone = $1 AND c.list_id = $2 AND c.merged_into IS NULL ORDER BY c.id LIMIT 1",
    )
    .bind(phone)
    .bind(list.0)
    .fetch_optional(conn)
    .await?
    .map(|r| r.try_get::<i64, _>(0).map(ContactId))
    .transpose()?)
}

/// Remembers that `agent` created, edited or served the contact ("My contacts").
pub(crate) async fn touched_by(
    conn: &mut AnyConnection,
    agent: AgentId,
    contact: ContactId,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO contact_agents (agent_id, contact_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(agent.0)
    .bind(contact.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Merges `from` into `into` (same team): `from`'s phones, e-mails, tags and fields that `into`
/// lacks move over, its requests and "my contacts" marks point at `into`, and it answers `into`
/// from now on. Returns whether `into` was still at `version` (else nothing was written).
pub(crate) async fn merge(
    conn: &mut AnyConnection,
    into: &Stored,
    from: &Stored,
    now: DateTime<Utc>,
) -> Result<bool> {
    let bumped = sqlx::query(
        "UPDATE contacts SET version = version + 1, updated_at = $1 \
         WHERE id = $2 AND version = $3 AND merged_into IS NULL",
    )
    .bind(to_millis(now))
    .bind(into.id.0)
    .bind(into.version)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    let gone = sqlx::query(
        "UPDATE contacts SET merged_into = $1, updated_at = $2 \
         WHERE id = $3 AND version = $4 AND merged_into IS NULL",
    )
    .bind(into.id.0)
    .bind(to_millis(now))
    .bind(from.id.0)
    .bind(from.version)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !(bumped && gone) {
        return Ok(false);
    }
    // Values `into` lacks: positions after its own.
    for (table, column) in [("contact_phones", "phone"), ("contact_emails", "email")] {
        sqlx::query(&format!(
            "INSERT INTO {table} (contact_id, {column}, position) \
             SELECT $1, f.{column}, f.position + 1000 FROM {table} f WHERE f.contact_id = $2 \
             AND NOT EXISTS (SELECT 1 FROM {table} k WHERE k.contact_id = $1 \
             AND k.{column} = f.{column})"
        ))
        .bind(into.id.0)
        .bind(from.id.0)
        .execute(&mut *conn)
        .await?;
    }
    for (table, column) in [
        ("contact_tags", "tag"),
        ("contact_field_values", "field_key"),
        ("contact_terms", "term"),
    ] {
        let columns = if table == "contact_field_values" {
            "field_key, value"
        } else {
            column
        };
        let selected = columns
            .split(", ")
            .map(|c| format!("f.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        sqlx::query(&format!(
            "INSERT INTO {table} (contact_id, {columns}) SELECT $1, {selected} FROM {table} f \
             WHERE f.contact_id = $2 AND NOT EXISTS (SELECT 1 FROM {table} k \
             WHERE k.contact_id = $1 AND k.{column} = f.{column})"
        ))
        .bind(into.id.0)
        .bind(from.id.0)
        .execute(&mut *conn)
        .await?;
    }
    // `from`'s words find `into` now, as its terms above do; `from` itself is out of every search.
    sqlx::query(
        "INSERT INTO contact_prefixes (list_id, prefix, sort_key, contact_id) \
         SELECT DISTINCT k.list_id, f.prefix, k.sort_key, k.id FROM contact_prefixes f \
         JOIN contacts k ON k.id = $1 WHERE f.contact_id = $2 AND NOT EXISTS \
         (SELECT 1 FROM contact_prefixes e WHERE e.list_id = k.list_id AND e.prefix = f.prefix \
         AND e.sort_key = k.sort_key AND e.contact_id = k.id)",
    )
    .bind(into.id.0)
    .bind(from.id.0)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM contact_prefixes WHERE contact_id = $1")
        .bind(from.id.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE requests SET contact_id = $1 WHERE contact_id = $2")
        .bind(into.id.0)
        .bind(from.id.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO contact_agents (agent_id, contact_id) SELECT agent_id, $1 FROM \
         contact_agents WHERE contact_id = $2 ON CONFLICT DO NOTHING",
    )
    .bind(into.id.0)
    .bind(from.id.0)
    .execute(&mut *conn)
    .await?;
    delete_values(conn, from.id).await?;
    sqlx::query("DELETE FROM contact_agents WHERE contact_id = $1")
        .bind(from.id.0)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

pub(crate) fn contact_id(r: &AnyRow) -> Result<ContactId> {
    Ok(ContactId(r.try_get("id")?))
}

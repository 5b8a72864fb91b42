//! Contact search for an agent: in the lists they may see only, paged by an opaque cursor.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use headsup_protocol::contacts::{
    ContactPage, ContactQuery, DEFAULT_CONTACT_PAGE, MAX_CONTACT_PAGE,
};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::ErrorCode;

use crate::contact_input::{self, fold};
use crate::data::contact_search::{self, Search};
use crate::data::contacts as rows;
use crate::domain::{masking, Store};
use crate::error::{LdsError, LdsResult};
use crate::masking::Level;

/// Most words of a search box used (the rest are ignored).
const MAX_WORDS: usize = 5;
/// Longest text of one search part.
const MAX_QUERY_CHARS: usize = 200;

fn bad(message: &str) -> LdsError {
    LdsError::new(ErrorCode::BadRequest, message)
}

pub(crate) async fn search(
    store: &Store,
    agent: &AgentInfo,
    query: ContactQuery,
) -> LdsResult<ContactPage> {
    let mut conn = store.db.pool.acquire().await?;
    let visible = rows::visible_lists(&mut conn, agent.id).await?;
    let region = rows::team_region(&mut conn, agent.team).await?;
    let after = query.after.as_deref().map(parse_cursor).transpose()?;
    let mut s = parse(query, region.as_deref())?;
    s.lists = match s.lists.first() {
        // A list asked for that is not among the agent's finds nothing, as if it were empty.
        Some(asked) => visible
            .iter()
            .filter(|l| l.id == *asked)
            .map(|l| l.id)
            .collect(),
        None => visible.iter().map(|l| l.id).collect(),
    };
    s.whole_words = masking::for_agent(&mut conn, agent.id).await?.name != Level::None;
    if s.mine.is_some() {
        s.mine = Some(agent.id);
    }
    if let Some(after) = after {
        // The cursor names the last contact only: its sort key (its folded name, which a
        // masked agent may not read) stays here.
        let key = rows::sort_key_of(&mut conn, agent.team, after)
            .await?
            .ok_or_else(|| bad(BAD_CURSOR))?;
        s.after = Some((key, after));
    }
    let (ids, next) = contact_search::search(&mut conn, &s).await?;
    let mut contacts = rows::load(&mut conn, &ids).await?;
    masking::contacts(&mut conn, agent.id, &mut contacts).await?;
    Ok(ContactPage {
        contacts,
        next: next.map(|(_, id)| cursor(id)),
    })
}

/// The query checked and normalised; `lists` holds the list asked for, if any.
fn parse(q: ContactQuery, region: Option<&str>) -> LdsResult<Search> {
    let parts = [
        &q.text,
        &q.tag,
        &q.first_name,
        &q.last_name,
        &q.company,
        &q.phone,
        &q.email,
    ];
    if parts.iter().any(|p| {
        p.as_ref()
            .is_some_and(|t| t.chars().count() > MAX_QUERY_CHARS)
    }) {
        return Err(bad("a search part is at most 200 characters"));
    }
    let limit = q.limit.unwrap_or(DEFAULT_CONTACT_PAGE);
    if !(1..=MAX_CONTACT_PAGE).contains(&limit) {
        return Err(bad("limit is 1 to 200"));
    }
    let prefix = |t: &Option<String>| {
        t.as_deref()
            .map(|t| fold(t.trim()))
            .filter(|t| !t.is_empty())
    };
    let mut s = Search {
        lists: q.list.into_iter().collect(),
        tag: q.tag.as_deref().and_then(crate::customer_input::name),
        first_name: prefix(&q.first_name),
        last_name: prefix(&q.last_name),
        company: prefix(&q.company),
        phone: q
            .phone
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(|p| contact_input::phone_key(p, region)),
        email: q
            .email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(|e| e.trim().to_lowercase()),
        mine: q.mine.then_some(headsup_protocol::AgentId(0)),
        after: None,
        limit,
        ..Search::default()
    };
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        if text.contains('@') {
            s.email = Some(text.to_lowercase());
        } else if looks_like_phone(text) {
            s.phone = Some(contact_input::phone_key(text, region));
        } else {
            s.words = contact_input::terms(&[text])
                .into_iter()
                .take(MAX_WORDS)
                .collect();
        }
    }
    Ok(s)
}

/// A search box holding a phone number: phone characters only, three digits or more.
fn looks_like_phone(text: &str) -> bool {
    text.chars().filter(char::is_ascii_digit).count() >= 3
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '+'))
}

const BAD_CURSOR: &str = "after is the next of a page this server sent";

fn cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("c{id}"))
}

fn parse_cursor(raw: &str) -> LdsResult<i64> {
    let invalid = || bad(BAD_CURSOR);
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix('c')
        .and_then(|id| id.parse().ok())
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_box_is_read_as_phone_e_mail_or_name_words() {
        let q = |text: &str| ContactQuery {
            text: Some(text.into()),
            ..ContactQuery::default()
        };
        let s = parse(q("+34 600 11 12 22"), Some("ES")).unwrap();
        assert_eq!(s.phone.as_deref(), Some("+34600111222"));
        let s = parse(q("600111222"), Some("ES")).unwrap();
        assert_eq!(s.phone.as_deref(), Some("+34600111222"));
        let s = parse(q(" Maria@Example.com"), None).unwrap();
        assert_eq!(s.email.as_deref(), Some("maria@example.com"));
        let s = parse(q("María Lóp"), None).unwrap();
        assert_eq!(s.words, ["maria", "lop"]);
        assert!(parse(q("x"), None).unwrap().phone.is_none());
    }

    #[test]
    fn cursors_round_trip_and_forgeries_are_refused() {
        let c = cursor(42);
        assert_eq!(parse_cursor(&c).unwrap(), 42);
        assert_eq!(
            parse_cursor("not a cursor").unwrap_err().code(),
            ErrorCode::BadRequest
        );
        let too_big = ContactQuery {
            limit: Some(201),
            ..ContactQuery::default()
        };
        assert!(parse(too_big, None).is_err());
    }
}

//! Where masking applies: every customer value that leaves for an agent passes here first —
//! events as they are logged ([`append`]: the log itself never holds a hidden value), snapshots,
//! a queue's waiting list and contacts. A request's customer is masked by its queue's rule
//! (stricter of team and queue), so every agent hearing of it reads the same; a contact read
//! outside a request by the agent's rule (the team's and every queue they serve). The rows keep
//! the whole values: the LDS dials the real number.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use headsup_protocol::contacts::Contact;
use headsup_protocol::lds::Event;
use headsup_protocol::model::{Request, Session};
use headsup_protocol::{AgentId, RequestId};
use sqlx::AnyConnection;

use crate::data::events::{self, Outbox};
use crate::data::masking as rows;
use crate::masking::Masking;

/// The one way domain code logs an event: masked by its request's rule, then appended.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    outbox: &mut Outbox,
    agents: &[AgentId],
    at: DateTime<Utc>,
    event: &Event,
) -> anyhow::Result<()> {
    let carries_customer = match event {
        Event::Offered { request } | Event::Scheduled { request } => Some(request.id),
        Event::Assigned { request, .. } => Some(request.id),
        Event::SessionUpdated { session } => Some(session.request),
        Event::Conversation { conversation } => Some(conversation.request),
        _ => None,
    };
    let Some(request) = carries_customer.filter(|_| !agents.is_empty()) else {
        return events::append(conn, outbox, agents, at, event).await;
    };
    let rule = rows::for_requests(conn, &[request])
        .await?
        .remove(&request)
        .unwrap_or_default();
    if !rule.hides_anything() {
        return events::append(conn, outbox, agents, at, event).await;
    }
    let mut masked = event.clone();
    match &mut masked {
        Event::Offered { request } | Event::Scheduled { request } => rule.request(request),
        Event::Assigned { request, session } => {
            rule.request(request);
            rule.session(session);
        }
        Event::SessionUpdated { session } => rule.session(session),
        Event::Conversation { conversation } => rule.conversation(conversation),
        _ => {}
    }
    events::append(conn, outbox, agents, at, &masked).await
}

/// Masks a snapshot's requests and session by each one's rule.
pub(crate) async fn snapshot(
    conn: &mut AnyConnection,
    requests: &mut [Request],
    session: &mut Option<Session>,
) -> anyhow::Result<()> {
    let mut ids: Vec<RequestId> = requests.iter().map(|r| r.id).collect();
    ids.extend(session.as_ref().map(|x| x.request));
    let rules = rows::for_requests(conn, &ids).await?;
    for request in requests {
        rule_of(&rules, request.id).request(request);
    }
    if let Some(session) = session.as_mut() {
        rule_of(&rules, session.request).session(session);
    }
    Ok(())
}

/// Masks requests (a queue's waiting list) by each one's rule.
pub(crate) async fn requests(
    conn: &mut AnyConnection,
    requests: &mut [Request],
) -> anyhow::Result<()> {
    let ids: Vec<RequestId> = requests.iter().map(|r| r.id).collect();
    let rules = rows::for_requests(conn, &ids).await?;
    for request in requests {
        rule_of(&rules, request.id).request(request);
    }
    Ok(())
}

/// Masks conversations (an interactions page) by each one's request's rule.
pub(crate) async fn conversations(
    conn: &mut AnyConnection,
    conversations: &mut [headsup_protocol::chat::Conversation],
) -> anyhow::Result<()> {
    let ids: Vec<RequestId> = conversations.iter().map(|c| c.request).collect();
    let rules = rows::for_requests(conn, &ids).await?;
    for conversation in conversations {
        rule_of(&rules, conversation.request).conversation(conversation);
    }
    Ok(())
}

/// Masks contacts for the agent reading them.
pub(crate) async fn contacts(
    conn: &mut AnyConnection,
    agent: AgentId,
    contacts: &mut [Contact],
) -> anyhow::Result<()> {
    let rule = rows::for_agent(conn, agent).await?;
    if rule.hides_anything() {
        for contact in contacts {
            rule.contact(contact);
        }
    }
    Ok(())
}

/// The agent's rule for contacts (to keep hidden parts out of their edits).
pub(crate) async fn for_agent(conn: &mut AnyConnection, agent: AgentId) -> anyhow::Result<Masking> {
    rows::for_agent(conn, agent).await
}

/// A request without a rule (deleted since) is hidden entirely: nothing leaks by accident.
fn rule_of(rules: &HashMap<RequestId, Masking>, id: RequestId) -> Masking {
    use crate::masking::Level;
    rules.get(&id).copied().unwrap_or(Masking {
        name: Level::Full,
        phone: Level::Full,
        email: Level::Full,
    })
}

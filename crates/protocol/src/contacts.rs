//! Contacts (seed 003's contact manager): the customer records of a team, kept in lists an agent
//! may or may not see, and each contact's journey. The LDS filters and masks before anything
//! leaves it: a contact of a list the agent may not see does not exist for them (`not_found`),
//! and a part their queue hides arrives already masked.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::chat::{Channel, ConversationState};
use crate::ids::{ContactId, ContactListId, ConversationId, RequestId, SessionId};
pub use crate::model::ContactRef;
use crate::model::{AgentRef, RequestKind};

/// Most contacts in one page of a search.
pub const MAX_CONTACT_PAGE: u32 = 200;
/// Contacts in a page when the query gives no `limit`.
pub const DEFAULT_CONTACT_PAGE: u32 = 50;
/// Most entries of a journey the LDS sends, newest first.
pub const MAX_JOURNEY: usize = 200;

/// A list of contacts, and the custom fields its contacts carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContactList {
    pub id: ContactListId,
    pub name: String,
    /// The custom fields of this list's contacts, in the order to show them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<CustomField>,
}

/// A custom field a list defines: the key contacts store it under and what agents read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CustomField {
    pub key: String,
    pub label: String,
}

/// A contact as this agent may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contact {
    pub id: ContactId,
    pub list: ContactListId,
    /// Grows with every change. An edit names the version it was made on; an edit made on an
    /// older one is refused with `stale_version`.
    pub version: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub first_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub last_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub company: String,
    /// E.164 (`+34600111222`), or masked (`+34 6•• ••• •22`, or `•••`) when `masked.phone`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Values of the list's custom fields, by key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    pub updated_at: DateTime<Utc>,
    /// What the LDS hid from this agent. Hidden parts cannot be edited by them (an edit keeps the
    /// stored value of a hidden part, whatever the draft says).
    #[serde(default, skip_serializing_if = "Masked::is_nothing")]
    pub masked: Masked,
}

impl Contact {
    /// The name an agent reads: first and last name, else the company, else the first phone or
    /// e-mail.
    pub fn display_name(&self) -> String {
        let name = format!("{} {}", self.first_name, self.last_name);
        let name = name.trim();
        if !name.is_empty() {
            return name.to_string();
        }
        [&self.company]
            .into_iter()
            .chain(self.phones.first())
            .chain(self.emails.first())
            .find(|s| !s.is_empty())
            .cloned()
            .unwrap_or_default()
    }
}

/// The parts of a contact (and of a customer) the LDS masked for this agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Masked {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub name: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub phone: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub email: bool,
}

impl Masked {
    pub fn is_nothing(&self) -> bool {
        !(self.name || self.phone || self.email)
    }
}

/// What an agent writes to add or edit a contact. Phones in any formatting (`+34 600 11 12 22`,
/// `0034600111222`, `600111222` with the team's country); the LDS stores E.164.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContactDraft {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// A contact search. Every part given must match; none given lists the lists' contacts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContactQuery {
    /// The search box: a phone number (any formatting), an e-mail, or the start of any word of
    /// the name or company (`lop` finds Maria López).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<ContactListId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Advanced search: the start of the first name, of the last name, of the company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Advanced search: a phone number (any formatting) or an e-mail address, whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// "My contacts": only those this agent created, edited or served.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mine: bool,
    /// The `next` of the page before; absent for the first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Contacts per page: 1 to [`MAX_CONTACT_PAGE`], default [`DEFAULT_CONTACT_PAGE`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// One page of a search, ordered by last name, first name, id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContactPage {
    pub contacts: Vec<Contact>,
    /// Send it back as `after` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// One thing that happened with a contact, for its journey (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JourneyEntry {
    pub at: DateTime<Utc>,
    /// The queue it happened in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// The agent who handled it, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRef>,
    #[serde(flatten)]
    pub what: JourneyItem,
}

/// What a journey entry is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum JourneyItem {
    /// The customer asked for contact; `outcome` is where the request ended (`pending`, `taken`,
    /// `timed_out`, `cancelled`).
    Request {
        request: RequestId,
        request_kind: RequestKind,
        outcome: String,
    },
    /// An agent served the customer (`agent`); `disposition` is the wrap-up's label, if given.
    Session {
        session: SessionId,
        request: RequestId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ended_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        disposition: Option<String>,
    },
    /// The agent (`agent`) handed the customer to `to` (a colleague's or a queue's name).
    Transfer {
        request: RequestId,
        to: String,
        /// `waiting`, `taken` or `came_back`.
        outcome: String,
    },
    /// A chat with the customer (`at`: when it started; `agent`: who has it now or had it
    /// last), on `channel`, `open` or `closed`, with its tags.
    Conversation {
        conversation: ConversationId,
        /// The chat request that opened (or last reopened) it.
        request: RequestId,
        channel: Channel,
        state: ConversationState,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
    },
}

impl JourneyItem {
    /// The request the entry is about (every entry is about one).
    pub fn request(&self) -> RequestId {
        match self {
            JourneyItem::Request { request, .. }
            | JourneyItem::Session { request, .. }
            | JourneyItem::Transfer { request, .. }
            | JourneyItem::Conversation { request, .. } => *request,
        }
    }
}

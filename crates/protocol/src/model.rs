//! The domain nouns shared by the LDS protocol and the view: requests, customers, sessions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ContactId, RequestId, SessionId, TeamId};

/// What the customer asked for. Each kind has its own notification copy (see the seeds: desktop
/// and Android notification documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// "Call me now" from a website widget: offered at once to the whole team.
    CallNow,
    /// The customer picked a time; offered to the team when it is due.
    ScheduledByCustomer,
    /// An agent scheduled a call back; offered to that agent when it is due.
    ScheduledByAgent,
    /// Auto-scheduled by the LDS when a customer asked for a call back and nobody took it.
    CallMeBack,
    /// A customer is calling in (telephony); offered at once.
    InboundCall,
    /// A customer opened a chat; offered at once.
    ChatInbound,
    /// A colleague in a session hands their customer over: offered to the agent or the queue
    /// they picked until `expires_at`; `transfer_from` says who.
    Transfer,
}

impl RequestKind {
    pub const ALL: [RequestKind; 7] = [
        RequestKind::CallNow,
        RequestKind::ScheduledByCustomer,
        RequestKind::ScheduledByAgent,
        RequestKind::CallMeBack,
        RequestKind::InboundCall,
        RequestKind::ChatInbound,
        RequestKind::Transfer,
    ];

    /// Scheduled kinds become offers only when `due_at` has come.
    pub fn is_scheduled(self) -> bool {
        matches!(
            self,
            RequestKind::ScheduledByCustomer
                | RequestKind::ScheduledByAgent
                | RequestKind::CallMeBack
        )
    }

    /// Kinds whose notification the seeds suppress while the agent is busy (inbound and
    /// scheduled). A plain call-now request still notifies, so the team sees it waiting.
    pub fn quiet_while_busy(self) -> bool {
        !matches!(self, RequestKind::CallNow)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::CallNow => "call_now",
            RequestKind::ScheduledByCustomer => "scheduled_by_customer",
            RequestKind::ScheduledByAgent => "scheduled_by_agent",
            RequestKind::CallMeBack => "call_me_back",
            RequestKind::InboundCall => "inbound_call",
            RequestKind::ChatInbound => "chat_inbound",
            RequestKind::Transfer => "transfer",
        }
    }

    pub fn parse(s: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Who is waiting. A request carries the customer's name when given, else the phone number.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// A name or a phone number, at least (the LDS refuses a customer with neither).
#[cfg_attr(feature = "schema", schemars(extend("anyOf" = [
    {"required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}},
    {"required": ["phone"], "properties": {"phone": {"type": "string", "minLength": 1}}}
])))]
pub struct Customer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(max = 40)))]
    pub phone: Option<String>,
}

impl Customer {
    /// The label an agent sees: the name when given, else the phone number.
    pub fn label(&self) -> &str {
        match (&self.name, &self.phone) {
            (Some(n), _) if !n.trim().is_empty() => n,
            (_, Some(p)) => p,
            _ => "Unknown customer",
        }
    }
}

/// Where a request is in its life. Terminal states stay visible (the seeds show timed-out
/// requests in the pending list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RequestState {
    /// Scheduled for later; not yet offered.
    Scheduled,
    /// Offered and waiting for an agent.
    Pending,
    /// Accepted by an agent.
    Taken { by: AgentRef },
    /// Nobody took it within the team's timeout.
    TimedOut,
    /// The customer (or the intake system) withdrew it.
    Cancelled,
}

impl RequestState {
    pub fn is_open(&self) -> bool {
        matches!(self, RequestState::Scheduled | RequestState::Pending)
    }
}

/// A short reference to an agent, enough to say "taken by Ana".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AgentRef {
    pub id: AgentId,
    pub name: String,
}

/// A customer request as the LDS tells an agent about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Request {
    pub id: RequestId,
    pub team: TeamId,
    pub kind: RequestKind,
    pub customer: Customer,
    /// When the LDS received it (UTC).
    pub created_at: DateTime<Utc>,
    /// For scheduled kinds: when the call is due (UTC; shown in the agent's zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// For `scheduled_by_agent`: the agent it is reserved for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_agent: Option<AgentId>,
    #[serde(flatten)]
    pub state: RequestState,
    /// When it stops waiting and becomes timed out, if still pending (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// For `transfer`: the colleague handing the customer over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_from: Option<AgentRef>,
    /// The customer's contact, when the queue keeps contacts: found by phone or e-mail in the
    /// queue's list, or made for them at intake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactRef>,
}

/// One telephone leg of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LegState {
    Ringing,
    Answered,
    Failed,
    HungUp,
    /// A chat session has no calls.
    NotUsed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// Legs are being called.
    Connecting,
    /// Both legs answered: agent and customer are talking.
    Bridged,
    /// Over; the agent is free again.
    Ended,
}

/// An accepted request with its two call legs. While a session is not `ended`, its agent is busy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Session {
    pub id: SessionId,
    pub request: RequestId,
    pub agent: AgentId,
    pub customer: Customer,
    pub kind: RequestKind,
    pub agent_leg: LegState,
    pub customer_leg: LegState,
    pub state: SessionState,
    pub started_at: DateTime<Utc>,
    /// The latest transfer of this session's customer to a colleague or a queue, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<SessionTransfer>,
    /// The customer's contact (the request's), to show its card and journey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactRef>,
    /// A chat session's conversation (its legs are `not_used`; it is `bridged` from the start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<crate::ids::ConversationId>,
}

/// How the owner's transfer of their customer is going.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionTransfer {
    /// The `transfer` request offered to the target.
    pub request: RequestId,
    /// Whom the owner picked, as shown: the agent's name or the queue's name.
    pub to: String,
    /// When the offer runs out and the customer stays with the owner.
    pub until: DateTime<Utc>,
    #[serde(flatten)]
    pub outcome: TransferOutcome,
}

/// Where a transfer is: waiting for the target, taken (the owner's session ended), or back
/// with the owner (nobody took it in time; the owner's session goes on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum TransferOutcome {
    Waiting,
    Taken { by: AgentRef },
    CameBack,
}

/// Whom the agent may transfer their customer to (the answer to `transfer_targets`): the
/// team's other signed-in agents and the team's queues.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TransferTargets {
    /// Signed-in colleagues, by name.
    pub agents: Vec<Colleague>,
    /// The team's queues' names, in order.
    pub queues: Vec<String>,
}

/// A signed-in colleague and whether they could take a customer now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Colleague {
    pub id: AgentId,
    pub name: String,
    pub availability: Availability,
    pub in_session: bool,
}

/// Whom a transfer goes to: one agent of the team (by id) or one of its queues (by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferTarget {
    Agent(AgentId),
    Queue(String),
}

/// The signed-in agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AgentInfo {
    pub id: AgentId,
    pub email: String,
    pub name: String,
    pub team: TeamId,
    pub team_name: String,
    /// IANA time zone the agent's times are shown in, e.g. "Europe/Madrid".
    pub time_zone: String,
}

/// Whether the agent takes customers now. One status for all the agent's devices, kept by the
/// LDS. Being in a session is not a status of its own here: it follows from the open session,
/// and signed out from having no live token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// Offered customers (when not in a session).
    #[default]
    Available,
    /// Offered nothing and notified of nothing until available again; `reason` says why.
    NotReady,
    /// After a session of a queue with wrap-up: offered nothing until the agent finishes it
    /// (`finish_wrap_up`, with a disposition when the queue requires one) or its time is up.
    /// Set by the LDS only.
    WrapUp,
}

impl Availability {
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Available => "available",
            Availability::NotReady => "not_ready",
            Availability::WrapUp => "wrap_up",
        }
    }

    pub fn parse(s: &str) -> Option<Availability> {
        match s {
            "available" => Some(Availability::Available),
            "not_ready" => Some(Availability::NotReady),
            "wrap_up" => Some(Availability::WrapUp),
            _ => None,
        }
    }
}

/// The agent's status as the LDS keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AgentStatus {
    pub availability: Availability,
    /// For `not_ready`: the code of one of the team's [`StatusReason`]s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Since when (UTC); absent for an agent who never changed status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
    /// For `wrap_up`: the session being wrapped up and what closing it takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrap_up: Option<WrapUp>,
}

/// A wrap-up in progress: the session it follows, until when, and the queue's dispositions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WrapUp {
    pub session: SessionId,
    /// When the LDS closes it itself (disposition `timeout`) and makes the agent available.
    pub until: DateTime<Utc>,
    /// Whether `finish_wrap_up` must name a disposition.
    pub required: bool,
    /// The queue's disposition codes, in order (may be empty for an optional wrap-up).
    #[serde(default)]
    pub dispositions: Vec<Disposition>,
}

/// How a session ended, from the queue's list ("sale", "no_answer"), set by admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Disposition {
    pub code: String,
    pub label: String,
}

/// The disposition the LDS records when a wrap-up's time runs out.
pub const WRAP_UP_TIMEOUT: &str = "timeout";

impl Default for AgentStatus {
    fn default() -> Self {
        AgentStatus {
            availability: Availability::Available,
            reason: None,
            since: None,
            wrap_up: None,
        }
    }
}

impl AgentStatus {
    pub fn is_available(&self) -> bool {
        self.availability == Availability::Available
    }
}

/// The reason the LDS gives when it sets an agent not ready for missing offers (the team's
/// `not_ready_after_missed` rule). Not on the team's list: agents do not pick it themselves.
pub const MISSED_OFFERS: &str = "missed_offers";

/// One of the team's reasons for being not ready ("break", "lunch", "training"), set by admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusReason {
    /// What `set_status` sends: 1 to 32 lower-case letters, digits and `_`.
    pub code: String,
    /// What the agent reads.
    pub label: String,
}

/// A request's or session's contact, as offers and sessions name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContactRef {
    pub id: ContactId,
    /// The contact's name as this agent may read it (masked if the queue hides names).
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_prefers_name_then_phone() {
        let c = Customer {
            name: Some("Ana".into()),
            phone: Some("+34 600".into()),
        };
        assert_eq!(c.label(), "Ana");
        let c = Customer {
            name: Some("  ".into()),
            phone: Some("+34 600".into()),
        };
        assert_eq!(c.label(), "+34 600");
        assert_eq!(Customer::default().label(), "Unknown customer");
    }

    #[test]
    fn kind_round_trips_through_str() {
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::parse(k.as_str()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        assert_eq!(RequestKind::parse("nope"), None);
    }

    #[test]
    fn request_state_is_flattened_into_request() {
        let r = Request {
            contact: None,
            id: RequestId(7),
            team: TeamId(1),
            kind: RequestKind::CallNow,
            customer: Customer {
                name: None,
                phone: Some("+1 555".into()),
            },
            created_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            due_at: None,
            for_agent: None,
            state: RequestState::Taken {
                by: AgentRef {
                    id: AgentId(3),
                    name: "Bo".into(),
                },
            },
            expires_at: None,
            transfer_from: None,
        };
        let v: serde_json::Value = serde_json::to_value(&r).unwrap();
        assert_eq!(v["state"], "taken");
        assert_eq!(v["by"]["name"], "Bo");
        let back: Request = serde_json::from_value(v).unwrap();
        assert_eq!(back, r);
    }
}

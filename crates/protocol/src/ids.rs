//! Identifiers. Each is a distinct type so that a request id can never be passed where an agent id
//! is expected; on the wire each is a plain JSON number.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A customer request (any kind: call now, scheduled, call-me-back, inbound, chat).
    RequestId
);
id_type!(
    /// An agent account.
    AgentId
);
id_type!(
    /// A team: the unit requests are distributed to.
    TeamId
);
id_type!(
    /// A session: one accepted request with its two call legs.
    SessionId
);
id_type!(
    /// A queue inside a team: where its customers wait.
    QueueId
);
id_type!(
    /// A contact: one customer record.
    ContactId
);
id_type!(
    /// A list of contacts inside a team.
    ContactListId
);
id_type!(
    /// A chat conversation: the messages between a customer and the agents who served them.
    ConversationId
);
id_type!(
    /// A message or note of a conversation.
    MessageId
);
id_type!(
    /// A call list: where a team's call cases wait.
    CallListId
);
id_type!(
    /// A call case: one callback to make.
    CallCaseId
);
id_type!(
    /// A file attached to a chat message (at most one per message).
    AttachmentId
);
id_type!(
    /// A channel account: how one queue's customers reach the team on one kind of channel.
    ChannelAccountId
);

//! Wire types of Heads-Up.
//!
//! Two contracts live here, because two different pairs of programs must agree on them:
//! - [`lds`]: the open protocol between an agent's device and the Lead Distribution System
//!   (HTTP bodies and WebSocket frames). `docs/protocol.md` is its human-readable spec.
//! - [`view`]: what the agent core hands to the UI (the view model) and what the UI sends back
//!   (intents). The Tauri shell only carries these between the core and the webview.
//!
//! The domain nouns both contracts share (requests, customers, sessions) are in [`model`].
//! This crate has no logic beyond small, pure helpers, so that the server, the core and the
//! wasm UI can all depend on it.

pub mod call_cases;
pub mod chat;
pub mod commands;
pub mod contacts;
pub mod error;
pub mod ids;
pub mod lds;
pub mod model;
pub mod view;

pub use error::ErrorCode;
pub use ids::{
    AgentId, AttachmentId, CallCaseId, CallListId, ChannelAccountId, ContactId, ContactListId,
    ConversationId, MessageId, QueueId, RequestId, SessionId, TeamId,
};

//! Queues and agent status: the agent's availability ([`status`]) and the admin's queues,
//! memberships and not-ready reasons ([`admin`]). Who is offered a request follows from both
//! (`data::requests::audience`): the signed-in, available members of its queue.

pub mod admin;
pub(crate) mod status;

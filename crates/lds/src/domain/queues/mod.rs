//! Queues and agent status: the agent's availability ([`status`]), the wrap-up after a session
//! ([`wrap_up`]), the dashboard's live numbers and waiting lists ([`dashboard`]) and the admin's queues, memberships, reasons and dispositions ([`admin`]). Who is offered a request follows from both
//! (`data::requests::audience`): the signed-in, available members of its queue.

pub mod admin;
pub(crate) mod dashboard;
pub(crate) mod status;
pub(crate) mod wrap_up;

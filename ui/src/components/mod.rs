//! Views. Each renders the props it is given and reports what the agent did through callbacks;
//! none holds application state beyond a form's draft.

pub mod chats;
pub mod check;
pub mod connection_bar;
pub mod contacts;
pub mod dashboard;
pub mod desk_nav;
pub mod fallback;
pub mod header;
pub mod notice;
pub mod os_permission;
pub mod request_list;
pub mod request_row;
pub mod request_tab;
pub mod session;
pub mod settings;
pub mod sign_in;
pub mod status_switch;
pub mod transfer;
pub mod wrap_up;

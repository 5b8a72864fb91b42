//! The end-to-end scenarios, all in one test binary (one link): the real app in a real webview
//! with a real LDS and notification daemon. They need the desktop session `scripts/test.sh`
//! starts; nextest runs each in its own process.

mod demo_vnc;
mod e2e_app;
mod e2e_chat_app;
mod e2e_chat_widget;
mod e2e_contacts;
mod e2e_dashboard;
mod e2e_hostile_text;
mod e2e_screens;
mod e2e_skeleton;
mod e2e_status;
mod e2e_team;
mod e2e_transfer;
mod e2e_window;

//! The app's integration tests, all in one test binary (one link): the commands through Tauri's
//! IPC on the mock runtime, and, in the desktop session, notifications through a real daemon and
//! one instance per profile.

mod commands;
mod common;
mod notifications_on_bus;
mod single_instance;

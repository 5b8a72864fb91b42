//! Real parts only the driver's tests need (the LDS, the recording shell and `eventually` are in
//! the test kit): a TCP relay in front of the LDS that can cut every connection, a TLS terminator,
//! and a private D-Bus with gnome-keyring as the Secret Service.

pub mod relay;
pub mod secret_service;
pub mod tls_terminator;

//! The driver's integration tests against the real LDS: one module per concern, all in one test
//! binary (one link). nextest runs each test in its own process, so the Secret Service bus each
//! process starts (`support::secret_service`) stays that test's own.

mod against_lds;
mod crash_mid_burst;
mod over_tls;
mod support;

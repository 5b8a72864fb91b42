//! Rate limits: their configuration, and the intake limit (per team key).
//!
//! Sign-in limits are counted in the database (`domain::accounts::login_limits`), shared by every
//! process. The intake limit stays in this process's memory: it is a brake against a flooding
//! widget, not a defence against guessing, and counting it in the database would add a write
//! transaction to every intake, the hottest write path. With N processes a team may send N
//! times the rate (documented in `docs/protocol.md`).

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

#[derive(Clone)]
pub(crate) struct Limits {
    intake_per_team: Arc<DefaultKeyedRateLimiter<i64>>,
}

/// Rates in events per minute.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    /// Sign-in attempts per account (database, sliding minute).
    pub login_per_account_per_min: u32,
    /// Sign-in attempts per client address (database, sliding minute).
    pub login_per_address_per_min: u32,
    /// Intake requests per team (this process; burst = the same number).
    pub intake_per_team_per_min: u32,
}

impl Default for Rates {
    fn default() -> Self {
        Rates {
            login_per_account_per_min: 10,
            login_per_address_per_min: 60,
            intake_per_team_per_min: 6000,
        }
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).expect("max(1) is non-zero"))
}

impl Limits {
    pub(crate) fn new(r: Rates) -> Limits {
        Limits {
            intake_per_team: Arc::new(RateLimiter::keyed(per_minute(r.intake_per_team_per_min))),
        }
    }

    pub(crate) fn intake(&self, team: i64) -> bool {
        self.intake_per_team.check_key(&team).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intake_budget_is_per_team() {
        let l = Limits::new(Rates {
            intake_per_team_per_min: 1,
            ..Rates::default()
        });
        assert!(l.intake(1));
        assert!(!l.intake(1));
        assert!(l.intake(2));
    }
}

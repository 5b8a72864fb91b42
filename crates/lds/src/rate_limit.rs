//! Rate limits for sign-in (per account and per client address) and intake (per team key).
//!
//! Kept in this process's memory: a limit is a brake against guessing and floods, not state an
//! agent depends on, so N processes allowing N times the rate is acceptable (documented).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

#[derive(Clone)]
pub struct Limits {
    login_per_account: Arc<DefaultKeyedRateLimiter<String>>,
    login_per_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    intake_per_team: Arc<DefaultKeyedRateLimiter<i64>>,
}

/// Rates in events per minute (burst = the same number).
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub login_per_account_per_min: u32,
    pub login_per_address_per_min: u32,
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
    pub fn new(r: Rates) -> Limits {
        Limits {
            login_per_account: Arc::new(RateLimiter::keyed(per_minute(
                r.login_per_account_per_min,
            ))),
            login_per_address: Arc::new(RateLimiter::keyed(per_minute(
                r.login_per_address_per_min,
            ))),
            intake_per_team: Arc::new(RateLimiter::keyed(per_minute(r.intake_per_team_per_min))),
        }
    }

    /// Both the address and the account must have budget left.
    pub fn login(&self, email: &str, addr: IpAddr) -> bool {
        self.login_per_address.check_key(&addr).is_ok()
            && self
                .login_per_account
                .check_key(&email.trim().to_lowercase())
                .is_ok()
    }

    pub fn intake(&self, team: i64) -> bool {
        self.intake_per_team.check_key(&team).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_budget_is_per_account() {
        let l = Limits::new(Rates {
            login_per_account_per_min: 2,
            login_per_address_per_min: 100,
            intake_per_team_per_min: 1,
        });
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(l.login("a@x", ip));
        assert!(l.login("A@x ", ip));
        assert!(!l.login("a@x", ip));
        assert!(l.login("b@x", ip));
        assert!(l.intake(1));
        assert!(!l.intake(1));
        assert!(l.intake(2));
    }
}

//! The telephony edge: on accept, the LDS calls the agent's leg and the customer's leg. The telephone
//! network is a true external boundary, so it sits behind [`Telephony`]; what comes back (a leg
//! answered, failed, hung up) arrives as [`LegReport`]s that the server applies to the session.
//!
//! [`SimulatedTelephony`] is the implementation shipped: each leg rings until it is answered
//! through `POST /api/v1/sim/sessions/{id}/legs/{leg}` (or `lds sim`), or automatically after a
//! delay (`--auto-answer-secs`, always on in `lds demo`).

use std::time::Duration;

use headsup_protocol::model::{LegState, Session};
use headsup_protocol::{AgentId, CallCaseId, SessionId};
use tokio::sync::mpsc;

use crate::domain::sessions::{self, Leg};
use crate::fanout::Fanout;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LegReport {
    pub(crate) session: SessionId,
    pub(crate) leg: Leg,
    pub(crate) state: LegState,
}

pub(crate) trait Telephony: Send + Sync + 'static {
    /// Starts calling the legs of a new session that ring (both, except for a transferred
    /// customer, who is on the line already). Must not block; progress is reported later.
    fn dial(&self, session: &Session);

    /// Starts a call case's call: the agent's phone, then the customer's. Must not block. The
    /// call's outcome is the agent's handling code, not a leg report.
    fn dial_case(&self, call: &CaseCall);
}

/// A call case's call, as telephony dials it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaseCall {
    pub(crate) case: CallCaseId,
    pub(crate) agent: AgentId,
    /// E.164.
    pub(crate) phone: String,
}

pub(crate) struct SimulatedTelephony {
    reports: mpsc::UnboundedSender<LegReport>,
    auto_answer: Option<Duration>,
}

impl SimulatedTelephony {
    pub(crate) fn new(
        reports: mpsc::UnboundedSender<LegReport>,
        auto_answer: Option<Duration>,
    ) -> Self {
        SimulatedTelephony {
            reports,
            auto_answer,
        }
    }
}

impl Telephony for SimulatedTelephony {
    fn dial_case(&self, call: &CaseCall) {
        // The simulated network has no phones to ring: the call is only recorded.
        tracing::debug!(case = %call.case, agent = %call.agent, "call case dialled");
    }

    fn dial(&self, session: &Session) {
        let Some(delay) = self.auto_answer else {
            return; // legs ring until answered through the simulator API
        };
        let reports = self.reports.clone();
        let id = session.id;
        // A transferred customer is on the line already: only the new agent's phone rings.
        let ringing = [
            (Leg::Agent, session.agent_leg, delay),
            (Leg::Customer, session.customer_leg, delay / 2),
        ]
        .into_iter()
        .filter(|(_, state, _)| *state == LegState::Ringing)
        .map(|(leg, _, after)| (leg, after))
        .collect::<Vec<_>>();
        tokio::spawn(async move {
            // The agent picks up first, the customer a moment later, as on a real callback.
            for (leg, after) in ringing {
                tokio::time::sleep(after).await;
                let report = LegReport {
                    session: id,
                    leg,
                    state: LegState::Answered,
                };
                if reports.send(report).is_err() {
                    return;
                }
            }
        });
    }
}

/// Applies telephony's leg reports to their sessions (a domain transaction each) and publishes
/// what changed, until the reports end.
pub(crate) async fn apply_reports(fanout: Fanout, mut reports: mpsc::UnboundedReceiver<LegReport>) {
    while let Some(r) = reports.recv().await {
        match sessions::leg_changed(&fanout.store, r.session, r.leg, r.state).await {
            Ok((_, published)) => fanout.publish(published).await,
            Err(e) => tracing::debug!(session = %r.session, "leg report not applied: {e}"),
        }
    }
}

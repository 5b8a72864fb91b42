//! Sends `call_case` frames (docs/protocol.md §2.14) to the connections on this process of the
//! agents `domain::call_cases::notices` names. Outside the event log, like the dashboard: written
//! with `Outlet::write_unlogged`, so events keep their order and numbering.

use headsup_protocol::call_cases::{CaseChange, CaseNotice};
use headsup_protocol::{AgentId, CallCaseId};

use super::Fanout;
use crate::domain::call_cases::notices;

/// Tells who should hear of `change` to `case`; `told` is the agent a `to_pool` is about.
pub(crate) async fn send(
    fanout: &Fanout,
    case: CallCaseId,
    change: CaseChange,
    told: Option<AgentId>,
) {
    let audience = match notices::audience(&fanout.store, case, change, told).await {
        Ok(audience) => audience,
        Err(e) => {
            tracing::warn!(%case, "call case notice not sent: {e:#}");
            return;
        }
    };
    if audience.is_empty() {
        return;
    }
    let connections = fanout.hub.connections();
    let mut scratch = Vec::new();
    for (agent, seen) in audience {
        let text = match serde_json::to_string(&CaseNotice::new(change, seen)) {
            Ok(text) => text,
            Err(_) => continue,
        };
        for (_, _, outlet) in connections.iter().filter(|(_, a, _)| *a == agent) {
            // Not caught up yet: its `call_cases` read after `welcome` shows the case.
            outlet.write_unlogged(&text, &mut scratch);
        }
    }
}

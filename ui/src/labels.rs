//! Stable attribute values for what the app sends (tests and CSS select on them). The words the
//! agent reads come ready from the core (`kind_label`, `status_text`, the session's labels).

use headsup_protocol::view::RowStatus;

/// The `data-status` attribute (stable, for tests and CSS).
pub fn status_attr(status: &RowStatus) -> &'static str {
    match status {
        RowStatus::Now => "now",
        RowStatus::Scheduled => "scheduled",
        RowStatus::TimedOut => "timed_out",
        RowStatus::Taken { .. } => "taken",
        RowStatus::Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_attr_is_the_wire_name() {
        // The e2e tests select on these; they must stay the protocol's snake_case names.
        for (status, name) in [
            (RowStatus::Now, "now"),
            (RowStatus::Scheduled, "scheduled"),
            (RowStatus::TimedOut, "timed_out"),
            (RowStatus::Taken { by: "Bo".into() }, "taken"),
            (RowStatus::Cancelled, "cancelled"),
        ] {
            let wire = serde_json::to_value(&status).unwrap();
            assert_eq!(wire["status"], name);
            assert_eq!(status_attr(&status), name);
        }
    }
}

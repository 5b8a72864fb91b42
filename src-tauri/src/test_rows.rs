//! Test data shared by the shell's unit tests: queue rows as the core would render them.

use headsup_protocol::model::RequestKind;
use headsup_protocol::view::{QueueRow, RowStatus};
use headsup_protocol::RequestId;

/// A call-now row for request `id`, blinking, in `status`.
pub fn row(id: i64, status: RowStatus) -> QueueRow {
    QueueRow {
        id: RequestId(id),
        kind: RequestKind::CallNow,
        label: format!("customer {id}"),
        status,
        blinking: true,
        created_at: chrono::DateTime::UNIX_EPOCH,
        due_local: None,
        section: Default::default(),
        status_text: String::new(),
        kind_label: "Call now".into(),
        actions: Default::default(),
    }
}

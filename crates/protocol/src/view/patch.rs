//! The view as a stream: one full slice, then numbered patches.
//!
//! The core numbers every [`ViewUpdate`] it publishes. The first (and any the UI asks for with
//! the `view` command) is [`ViewUpdate::Full`]; every later one is a [`ViewUpdate::Patch`] that
//! turns version `n - 1` into version `n`: the fields outside the desks that changed, whole
//! ([`FieldPatch`]), and each desk's lists as keyed row changes ([`ListPatch`]: rows removed,
//! rows changed in place, rows inserted after a given row). A receiver holding version `v`
//! applies a patch numbered `v + 1`, ignores older ones (a full slice it asked for overtook
//! them) and, on anything else, has missed one: it asks for a full slice. [`ViewState::apply`]
//! is the one implementation of applying, used by the UI, the driver's copy and the tests.
//!
//! Why keyed patches: with thousands of requests pending, re-sending and re-parsing every row
//! on every change cost hundreds of milliseconds per change (docs/performance.md); a patch costs
//! what changed.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::{
    AttendNextView, ChatsView, ConnectionTimes, ConnectionView, ContactsView, DashboardView,
    DeskId, DeskTab, LoginView, Notice, QueueRow, SessionView, Settings, SettingsLimits,
    StatusView, ViewState,
};
use crate::ids::RequestId;
use crate::model::AgentInfo;

/// One message of the view stream (the `view` event's payload, the `view` command's answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "update", rename_all = "snake_case")]
pub enum ViewUpdate {
    /// Everything, as of `version`: replaces whatever the receiver holds.
    Full { version: u64, view: Box<ViewState> },
    /// What changed from `version - 1` to `version`.
    Patch {
        version: u64,
        patches: Vec<ViewPatch>,
    },
}

impl ViewUpdate {
    pub fn version(&self) -> u64 {
        match self {
            ViewUpdate::Full { version, .. } | ViewUpdate::Patch { version, .. } => *version,
        }
    }
}

/// One change to the view. Desks' lists are patched by key; other fields are replaced whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewPatch {
    /// A field outside the desks' lists.
    Field(FieldPatch),
    /// The requests desk's request tab ([`ViewState::queue`]).
    Queue(ListPatch),
    /// The requests desk's scheduled calls ([`ViewState::scheduled`]).
    Scheduled(ListPatch),
}

/// A field of [`ViewState`] outside the desks' lists, with its new value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldPatch {
    Login(LoginView),
    Connection(ConnectionView),
    ConnectionTimes(ConnectionTimes),
    Agent(Option<AgentInfo>),
    /// Boxed: the session panel is the largest field, and most patches are small ones.
    Session(Option<Box<SessionView>>),
    Busy(bool),
    Waiting(u32),
    AttendNext(AttendNextView),
    Settings(Settings),
    SettingsLimits(SettingsLimits),
    Focus(Option<RequestId>),
    Notice(Option<Notice>),
    Desks(Vec<DeskTab>),
    OpenDesk(DeskId),
    Status(StatusView),
    Dashboard(DashboardView),
    /// Boxed: a page of contacts and a card.
    Contacts(Box<ContactsView>),
    /// Boxed: the conversations and the open one's messages.
    Chats(Box<ChatsView>),
}

/// Keyed changes to one ordered list of rows.
///
/// Applying: drop the rows in `remove` and every row named in `insert` (a row that moved is
/// re-inserted at its new place); replace the rows in `update` where they stand; then put each
/// row of `insert`, in order, right after the row named by its `after` (`None`: first). The
/// rows that stay keep their relative order, so a change costs what changed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListPatch {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<RequestId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub update: Vec<QueueRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insert: Vec<RowInsert>,
}

impl ListPatch {
    pub fn is_empty(&self) -> bool {
        self.remove.is_empty() && self.update.is_empty() && self.insert.is_empty()
    }
}

/// A row added to a list, or moved in it: it goes right after `after` (`None`: at the top).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowInsert {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<RequestId>,
    pub row: QueueRow,
}

/// A patch that does not fit what the receiver holds: a version was missed. Ask for a full slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchGap;

impl std::fmt::Display for PatchGap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a view update was missed")
    }
}

impl std::error::Error for PatchGap {}

/// A row as a receiver keeps it: the value itself, or shared (`Rc`) so that an unchanged row
/// stays the same pointer and a UI skips re-rendering it.
pub trait ListRow {
    fn id(&self) -> RequestId;
    fn from_row(row: QueueRow) -> Self;
}

impl ListRow for QueueRow {
    fn id(&self) -> RequestId {
        self.id
    }
    fn from_row(row: QueueRow) -> Self {
        row
    }
}

impl ListRow for Rc<QueueRow> {
    fn id(&self) -> RequestId {
        self.id
    }
    fn from_row(row: QueueRow) -> Self {
        Rc::new(row)
    }
}

impl ListPatch {
    /// Applies the patch to `rows` (see the type's docs). A patch naming rows that are not there,
    /// or anchoring an insert on a row that is not there, is a [`PatchGap`]; `rows` is then
    /// unusable and must be replaced by a full slice.
    pub fn apply<R: ListRow>(&self, rows: &mut Vec<R>) -> Result<(), PatchGap> {
        let remove: HashSet<RequestId> = self.remove.iter().copied().collect();
        let moved: HashSet<RequestId> = self.insert.iter().map(|i| i.row.id).collect();
        let mut removed = 0;
        rows.retain(|r| {
            let id = r.id();
            if remove.contains(&id) {
                removed += 1;
                return false;
            }
            !moved.contains(&id)
        });
        // Every removed row must have been there; inserted ones may be new or moved.
        if removed != remove.len() {
            return Err(PatchGap);
        }
        if !self.update.is_empty() {
            let at: HashMap<RequestId, usize> =
                rows.iter().enumerate().map(|(i, r)| (r.id(), i)).collect();
            for row in &self.update {
                let i = *at.get(&row.id).ok_or(PatchGap)?;
                rows[i] = R::from_row(row.clone());
            }
        }
        if self.insert.is_empty() {
            return Ok(());
        }
        // Each row has one successor in the new order, so each anchor has at most one insert.
        let mut after: HashMap<Option<RequestId>, &QueueRow> =
            HashMap::with_capacity(self.insert.len());
        for insert in &self.insert {
            if after.insert(insert.after, &insert.row).is_some() {
                return Err(PatchGap);
            }
        }
        let kept = std::mem::take(rows);
        rows.reserve(kept.len() + self.insert.len());
        let mut follow = |anchor: Option<RequestId>, rows: &mut Vec<R>| {
            let mut anchor = anchor;
            while let Some(row) = after.remove(&anchor) {
                anchor = Some(row.id);
                rows.push(R::from_row(row.clone()));
            }
        };
        follow(None, rows);
        for row in kept {
            let id = row.id();
            rows.push(row);
            follow(Some(id), rows);
        }
        // An insert anchored on a row we do not hold was never placed.
        if after.is_empty() {
            Ok(())
        } else {
            Err(PatchGap)
        }
    }
}

impl ViewState {
    /// Applies one patch in place. On [`PatchGap`] the view is unusable: ask for a full slice.
    pub fn apply(&mut self, patch: &ViewPatch) -> Result<(), PatchGap> {
        match patch {
            ViewPatch::Queue(p) => p.apply(&mut self.queue),
            ViewPatch::Scheduled(p) => p.apply(&mut self.scheduled),
            ViewPatch::Field(field) => {
                self.set(field.clone());
                Ok(())
            }
        }
    }

    /// Replaces one field outside the desks' lists.
    pub fn set(&mut self, field: FieldPatch) {
        match field {
            FieldPatch::Login(v) => self.login = v,
            FieldPatch::Connection(v) => self.connection = v,
            FieldPatch::ConnectionTimes(v) => self.connection_times = v,
            FieldPatch::Agent(v) => self.agent = v,
            FieldPatch::Session(v) => self.session = v.map(|b| *b),
            FieldPatch::Busy(v) => self.busy = v,
            FieldPatch::Waiting(v) => self.waiting = v,
            FieldPatch::AttendNext(v) => self.attend_next = v,
            FieldPatch::Settings(v) => self.settings = v,
            FieldPatch::SettingsLimits(v) => self.settings_limits = v,
            FieldPatch::Focus(v) => self.focus = v,
            FieldPatch::Notice(v) => self.notice = v,
            FieldPatch::Desks(v) => self.desks = v,
            FieldPatch::OpenDesk(v) => self.open_desk = v,
            FieldPatch::Status(v) => self.status = v,
            FieldPatch::Dashboard(v) => self.dashboard = v,
            FieldPatch::Contacts(v) => self.contacts = *v,
            FieldPatch::Chats(v) => self.chats = *v,
        }
    }
}

/// A receiver's copy of the view stream: the view as of `version`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewReplica {
    pub version: u64,
    pub view: ViewState,
}

/// What became of an update given to [`ViewReplica::receive`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// Applied: the replica is now at the update's version.
    Applied,
    /// Older than what the replica holds (a full slice overtook it): ignored.
    Stale,
}

impl ViewReplica {
    /// Takes the next update. A full slice replaces the view unless it is older than the one
    /// held; a patch applies if it follows the version held. Anything else is a [`PatchGap`]:
    /// ask for a full slice.
    pub fn receive(&mut self, update: ViewUpdate) -> Result<Received, PatchGap> {
        match update {
            ViewUpdate::Full { version, view } => {
                if version < self.version {
                    return Ok(Received::Stale);
                }
                self.version = version;
                self.view = *view;
                Ok(Received::Applied)
            }
            ViewUpdate::Patch { version, patches } => {
                if version <= self.version {
                    return Ok(Received::Stale);
                }
                if version != self.version + 1 {
                    return Err(PatchGap);
                }
                for patch in &patches {
                    self.view.apply(patch)?;
                }
                self.version = version;
                Ok(Received::Applied)
            }
        }
    }

    /// The replica as a full slice.
    pub fn full(&self) -> ViewUpdate {
        ViewUpdate::Full {
            version: self.version,
            view: Box::new(self.view.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RequestKind;
    use crate::view::RowStatus;

    fn row(id: i64) -> QueueRow {
        QueueRow {
            id: RequestId(id),
            kind: RequestKind::CallNow,
            label: format!("Customer {id}"),
            status: RowStatus::Now,
            blinking: true,
            created_at: chrono::DateTime::UNIX_EPOCH,
            due_local: None,
            section: Default::default(),
            status_text: String::new(),
            kind_label: String::new(),
            actions: Default::default(),
        }
    }

    fn ids(rows: &[QueueRow]) -> Vec<i64> {
        rows.iter().map(|r| r.id.0).collect()
    }

    fn insert(after: Option<i64>, id: i64) -> RowInsert {
        RowInsert {
            after: after.map(RequestId),
            row: row(id),
        }
    }

    #[test]
    fn inserts_go_after_their_anchor_and_moved_rows_leave_their_old_place() {
        let mut rows = vec![row(1), row(2), row(3), row(4)];
        let patch = ListPatch {
            remove: vec![RequestId(2)],
            update: vec![QueueRow {
                label: "Renamed".into(),
                ..row(3)
            }],
            // 4 moves to the top, 5 and 6 follow 1 in that order.
            insert: vec![insert(None, 4), insert(Some(1), 5), insert(Some(5), 6)],
        };
        patch.apply(&mut rows).unwrap();
        assert_eq!(ids(&rows), [4, 1, 5, 6, 3]);
        assert_eq!(rows[4].label, "Renamed");
    }

    #[test]
    fn a_patch_that_does_not_fit_is_a_gap() {
        let gap = |patch: ListPatch| patch.apply(&mut vec![row(1), row(2)]);
        assert_eq!(
            gap(ListPatch {
                remove: vec![RequestId(9)],
                ..ListPatch::default()
            }),
            Err(PatchGap)
        );
        assert_eq!(
            gap(ListPatch {
                remove: vec![RequestId(9)],
                insert: vec![insert(None, 1)],
                ..ListPatch::default()
            }),
            Err(PatchGap),
            "a moved row does not hide a missing one"
        );
        assert_eq!(
            gap(ListPatch {
                update: vec![row(9)],
                ..ListPatch::default()
            }),
            Err(PatchGap)
        );
        assert_eq!(
            gap(ListPatch {
                insert: vec![insert(Some(9), 3)],
                ..ListPatch::default()
            }),
            Err(PatchGap),
            "anchored on a row we do not hold"
        );
    }

    #[test]
    fn a_replica_applies_the_next_version_ignores_old_ones_and_reports_gaps() {
        let mut replica = ViewReplica::default();
        let full = ViewUpdate::Full {
            version: 3,
            view: Box::default(),
        };
        assert_eq!(replica.receive(full), Ok(Received::Applied));
        let busy = |version| ViewUpdate::Patch {
            version,
            patches: vec![ViewPatch::Field(FieldPatch::Busy(true))],
        };
        assert_eq!(replica.receive(busy(3)), Ok(Received::Stale));
        assert_eq!(replica.receive(busy(5)), Err(PatchGap));
        assert!(!replica.view.busy);
        assert_eq!(replica.receive(busy(4)), Ok(Received::Applied));
        assert!(replica.view.busy);
        assert_eq!(replica.version, 4);
    }

    #[test]
    fn updates_have_a_documented_shape() {
        let update = ViewUpdate::Patch {
            version: 7,
            patches: vec![
                ViewPatch::Field(FieldPatch::Waiting(2)),
                ViewPatch::Queue(ListPatch {
                    remove: vec![RequestId(1)],
                    ..ListPatch::default()
                }),
            ],
        };
        let json = serde_json::to_value(&update).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "update": "patch",
                "version": 7,
                "patches": [{"field": {"waiting": 2}}, {"queue": {"remove": [1]}}]
            })
        );
        assert_eq!(serde_json::from_value::<ViewUpdate>(json).unwrap(), update);
    }
}

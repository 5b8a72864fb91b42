//! The view as a numbered stream: the first update is a full slice, each later one the patches
//! from the view last sent to the current one (see `headsup_protocol::view::patch`).
//!
//! It keeps the last view sent and diffs by request id. Only the rows of requests that changed
//! are built (the queue tracks them; a change of time zone, phone mask or busy rebuilds all);
//! the order is recomputed from ids alone. So an update among thousands of rows costs a sort of
//! ids, not thousands of rows built, compared, serialised, sent and parsed.

use std::collections::{HashMap, HashSet};

use headsup_protocol::view::{
    FieldPatch, ListPatch, QueueRow, RowInsert, ViewPatch, ViewState, ViewUpdate,
};
use headsup_protocol::RequestId;

/// The last view sent and its version.
#[derive(Debug, Default)]
pub struct ViewStream {
    version: u64,
    sent: Option<ViewState>,
    /// What every row was last built with.
    row_inputs: Option<RowInputs>,
}

/// What every row depends on besides its request: when one changes, every row is rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowInputs {
    pub time_zone: String,
    pub mask_phone: bool,
    pub busy: bool,
}

/// The rows of the next view, by id, and how to build one.
pub struct RowSource<'a> {
    /// The request tab's rows, in order.
    pub queue: &'a [RequestId],
    /// The scheduled calls' rows, in order.
    pub scheduled: &'a [RequestId],
    /// Rows whose request changed since the last update (`None`: any may have); the others are
    /// taken from the view last sent, unbuilt.
    pub changed: Option<HashSet<RequestId>>,
    pub inputs: RowInputs,
    pub build: &'a dyn Fn(RequestId) -> QueueRow,
}

impl ViewStream {
    /// The update that brings a receiver of the previous one to `frame` (the view without its
    /// rows) with `rows`: a full slice the first time, then a patch; `None` when nothing changed.
    pub fn update(&mut self, mut frame: ViewState, rows: RowSource<'_>) -> Option<ViewUpdate> {
        let all = rows.changed.is_none() || self.row_inputs.as_ref() != Some(&rows.inputs);
        let changed = rows.changed.unwrap_or_default();
        self.row_inputs = Some(rows.inputs);
        let Some(mut sent) = self.sent.take() else {
            frame.queue = rows.queue.iter().map(|&id| (rows.build)(id)).collect();
            frame.scheduled = rows.scheduled.iter().map(|&id| (rows.build)(id)).collect();
            self.version += 1;
            self.sent = Some(frame.clone());
            return Some(ViewUpdate::Full {
                version: self.version,
                view: Box::new(frame),
            });
        };
        let next = |old: Vec<QueueRow>, ids: &[RequestId]| {
            if all {
                rebuild_list(old, ids, rows.build)
            } else {
                merge_list(old, ids, &changed, rows.build)
            }
        };
        let (queue, queue_patch) = next(std::mem::take(&mut sent.queue), rows.queue);
        let (scheduled, scheduled_patch) =
            next(std::mem::take(&mut sent.scheduled), rows.scheduled);
        frame.queue = queue;
        frame.scheduled = scheduled;
        let mut patches = diff_fields(&sent, &frame);
        if !queue_patch.is_empty() {
            patches.push(ViewPatch::Queue(queue_patch));
        }
        if !scheduled_patch.is_empty() {
            patches.push(ViewPatch::Scheduled(scheduled_patch));
        }
        self.sent = Some(frame);
        if patches.is_empty() {
            return None;
        }
        self.version += 1;
        Some(ViewUpdate::Patch {
            version: self.version,
            patches,
        })
    }

    /// A full slice of what was last sent (for a receiver that starts, or missed an update).
    pub fn full(&self) -> ViewUpdate {
        ViewUpdate::Full {
            version: self.version,
            view: Box::new(self.sent.clone().unwrap_or_default()),
        }
    }
}

/// The list `ids` describes with every row built afresh, and the patch from `old` to it.
fn rebuild_list(
    old: Vec<QueueRow>,
    ids: &[RequestId],
    build: &dyn Fn(RequestId) -> QueueRow,
) -> (Vec<QueueRow>, ListPatch) {
    let new: Vec<QueueRow> = ids.iter().map(|&id| build(id)).collect();
    let old_ids: Vec<RequestId> = old.iter().map(|r| r.id).collect();
    let old_rows: HashMap<RequestId, &QueueRow> = old.iter().map(|r| (r.id, r)).collect();
    let patch = diff_list(&old_ids, &new, |i| {
        old_rows.get(&new[i].id).is_none_or(|old| **old != new[i])
    });
    (new, patch)
}

/// The list `ids` describes when only the requests in `changed` changed since `old`: the other
/// rows keep their relative order (their sort keys and lists depend only on their request), so
/// they are moved over from `old` unbuilt and uncompared; each changed row is built and
/// (re)inserted after its predecessor; changed rows no longer listed are removed. Linear, with
/// no hashing of the unchanged rows. Falls back to [`rebuild_list`] if `old` disagrees.
fn merge_list(
    old: Vec<QueueRow>,
    ids: &[RequestId],
    changed: &HashSet<RequestId>,
    build: &dyn Fn(RequestId) -> QueueRow,
) -> (Vec<QueueRow>, ListPatch) {
    let listed: HashSet<RequestId> = ids
        .iter()
        .copied()
        .filter(|id| changed.contains(id))
        .collect();
    let remove: Vec<RequestId> = old
        .iter()
        .map(|r| r.id)
        .filter(|id| changed.contains(id) && !listed.contains(id))
        .collect();
    let mut unchanged = old.iter().filter(|r| !changed.contains(&r.id)).peekable();
    // The unchanged rows of `old` must be exactly the unchanged ids, in the same order.
    let consistent = ids
        .iter()
        .filter(|id| !changed.contains(id))
        .all(|id| unchanged.next().is_some_and(|r| r.id == *id))
        && unchanged.peek().is_none();
    if !consistent {
        return rebuild_list(old, ids, build);
    }
    // The changed rows of `old`, with the row before each.
    let before: HashMap<RequestId, (Option<RequestId>, QueueRow)> = old
        .iter()
        .enumerate()
        .filter(|(_, r)| changed.contains(&r.id))
        .map(|(i, r)| (r.id, (i.checked_sub(1).map(|p| old[p].id), r.clone())))
        .collect();
    let mut unchanged = old.into_iter().filter(|r| !changed.contains(&r.id));
    // Changed rows that keep their place: same row before them, and that row keeps its place.
    let mut kept: HashSet<RequestId> = HashSet::new();
    let mut update = Vec::new();
    let mut insert = Vec::new();
    let mut new = Vec::with_capacity(ids.len());
    for (i, &id) in ids.iter().enumerate() {
        if changed.contains(&id) {
            let row = build(id);
            let after = i.checked_sub(1).map(|p| ids[p]);
            let after_kept = after.is_none_or(|p| !changed.contains(&p) || kept.contains(&p));
            match before.get(&id) {
                Some((was_after, was)) if *was_after == after && after_kept => {
                    kept.insert(id);
                    if *was != row {
                        update.push(row.clone());
                    }
                }
                _ => insert.push(RowInsert {
                    after,
                    row: row.clone(),
                }),
            }
            new.push(row);
        } else if let Some(row) = unchanged.next() {
            new.push(row);
        }
    }
    let patch = ListPatch {
        remove,
        update,
        insert,
    };
    (new, patch)
}

/// The patches of the fields outside the lists that turn `old` into `new`.
fn diff_fields(old: &ViewState, new: &ViewState) -> Vec<ViewPatch> {
    let mut patches = Vec::new();
    let mut field = |changed: bool, patch: FieldPatch| {
        if changed {
            patches.push(ViewPatch::Field(patch));
        }
    };
    // Destructured so that a new field of `ViewState` fails to compile here until it is patched.
    let ViewState {
        login,
        connection,
        connection_times,
        agent,
        queue: _,
        scheduled: _,
        session,
        busy,
        attend_next,
        waiting,
        settings,
        settings_limits,
        focus,
        notice,
        desks,
        open_desk,
        status,
        dashboard,
        contacts,
        chats,
    } = new;
    field(*login != old.login, FieldPatch::Login(login.clone()));
    field(
        *connection != old.connection,
        FieldPatch::Connection(connection.clone()),
    );
    field(
        *connection_times != old.connection_times,
        FieldPatch::ConnectionTimes(connection_times.clone()),
    );
    field(*agent != old.agent, FieldPatch::Agent(agent.clone()));
    field(
        *session != old.session,
        FieldPatch::Session(session.clone().map(Box::new)),
    );
    field(*busy != old.busy, FieldPatch::Busy(*busy));
    field(
        *attend_next != old.attend_next,
        FieldPatch::AttendNext(attend_next.clone()),
    );
    field(*waiting != old.waiting, FieldPatch::Waiting(*waiting));
    field(
        *settings != old.settings,
        FieldPatch::Settings(settings.clone()),
    );
    field(
        *settings_limits != old.settings_limits,
        FieldPatch::SettingsLimits(*settings_limits),
    );
    field(*focus != old.focus, FieldPatch::Focus(*focus));
    field(*notice != old.notice, FieldPatch::Notice(notice.clone()));
    field(*desks != old.desks, FieldPatch::Desks(desks.clone()));
    field(
        *open_desk != old.open_desk,
        FieldPatch::OpenDesk(*open_desk),
    );
    field(*status != old.status, FieldPatch::Status(status.clone()));
    field(
        *dashboard != old.dashboard,
        FieldPatch::Dashboard(dashboard.clone()),
    );
    field(
        *contacts != old.contacts,
        FieldPatch::Contacts(Box::new(contacts.clone())),
    );
    field(
        *chats != old.chats,
        FieldPatch::Chats(Box::new(chats.clone())),
    );
    patches
}

/// Keyed changes from the list `old_ids` to `new`. The rows present in both that keep their
/// relative order (the longest run of them, in `new`'s order, whose places in `old` increase)
/// stay, and are updated in place when `differs(i)` says row `i` of `new` changed; every other
/// row of `new` is inserted after its predecessor; rows only in `old` are removed.
fn diff_list(
    old_ids: &[RequestId],
    new: &[QueueRow],
    differs: impl Fn(usize) -> bool,
) -> ListPatch {
    let old_at: HashMap<RequestId, usize> =
        old_ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let new_ids: HashSet<RequestId> = new.iter().map(|r| r.id).collect();
    let remove = old_ids
        .iter()
        .copied()
        .filter(|id| !new_ids.contains(id))
        .collect();
    // Places in `old` of the rows of `new` that were there, in `new`'s order.
    let common: Vec<(usize, usize)> = new
        .iter()
        .enumerate()
        .filter_map(|(i, r)| old_at.get(&r.id).map(|&o| (i, o)))
        .collect();
    let stays: HashSet<usize> = longest_increasing(&common).into_iter().collect();
    let mut update = Vec::new();
    let mut insert = Vec::new();
    for (i, row) in new.iter().enumerate() {
        if stays.contains(&i) {
            if differs(i) {
                update.push(row.clone());
            }
        } else {
            insert.push(RowInsert {
                after: i.checked_sub(1).map(|p| new[p].id),
                row: row.clone(),
            });
        }
    }
    ListPatch {
        remove,
        update,
        insert,
    }
}

/// Of `pairs` (`(place in new, place in old)`, in new's order), the `new` places of a longest
/// run whose `old` places strictly increase (patience sorting, O(n log n)).
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<usize> {
    // tails[k]: index into `pairs` of the smallest tail of an increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for (j, &(_, old)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].1 < old);
        prev[j] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(j);
        } else {
            tails[k] = j;
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(j) = at {
        run.push(pairs[j].0);
        at = prev[j];
    }
    run.reverse();
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_increasing_keeps_the_rows_that_did_not_move() {
        // new order: ids at old places 0, 3, 1, 2 → the run 0, 1, 2 stays; the one at 3 moved.
        let pairs = [(0, 0), (1, 3), (2, 1), (3, 2)];
        assert_eq!(longest_increasing(&pairs), [0, 2, 3]);
        assert_eq!(longest_increasing(&[]), Vec::<usize>::new());
    }
}

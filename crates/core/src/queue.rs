//! The requests the agent can see, as the LDS last told us, and how they turn into rows.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Bound;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use headsup_protocol::model::{Request, RequestKind, RequestState};
use headsup_protocol::view::{QueueRow, RowActions, RowSection, RowStatus};
use headsup_protocol::RequestId;

use crate::copy::{self, Due};

/// How long a request taken by someone else or cancelled stays in the list, marked as such,
/// before it is dropped: long enough for the agent to see why it vanished.
pub const LINGER: Duration = Duration::seconds(30);

#[derive(Debug, Clone)]
struct Tracked {
    request: Request,
    /// When it was taken elsewhere or cancelled (starts the [`LINGER`]).
    closed_at: Option<DateTime<Utc>>,
    /// When we learnt it closed in any way (timed out included): orders the history.
    ended_at: Option<DateTime<Utc>>,
}

impl Tracked {
    fn new(request: Request) -> Self {
        Tracked {
            request,
            closed_at: None,
            ended_at: None,
        }
    }
}

/// Requests by id. Ordering for display is done when rows are built, because "oldest first"
/// depends on the time a scheduled call falls due, which only `now` settles.
#[derive(Debug, Clone)]
pub struct Queue {
    requests: BTreeMap<RequestId, Tracked>,
    /// Moments a row changes by itself (a linger ends, a scheduled call falls due), ordered, so
    /// the next one is found without scanning every request. Entries may be stale (the request
    /// changed since); a stale one only costs a spurious wake-up and is pruned on the way.
    timers: BTreeSet<(DateTime<Utc>, RequestId)>,
    /// Requests changed since the view last took them ([`Queue::take_changed`]), or all of them.
    changed: HashSet<RequestId>,
    all_changed: bool,
}

impl Default for Queue {
    fn default() -> Self {
        Queue {
            requests: BTreeMap::new(),
            timers: BTreeSet::new(),
            changed: HashSet::new(),
            all_changed: true,
        }
    }
}

impl Queue {
    pub fn clear(&mut self) {
        self.requests.clear();
        self.timers.clear();
        self.all_changed = true;
    }

    /// Replaces everything with the server's snapshot.
    pub fn replace_all(&mut self, requests: Vec<Request>) {
        self.requests = requests
            .into_iter()
            .map(|request| (request.id, Tracked::new(request)))
            .collect();
        self.all_changed = true;
    }

    pub fn upsert(&mut self, request: Request) {
        self.touch(request.id);
        self.requests.insert(request.id, Tracked::new(request));
    }

    pub fn get(&self, id: RequestId) -> Option<&Request> {
        self.requests.get(&id).map(|t| &t.request)
    }

    pub fn remove(&mut self, id: RequestId) -> Option<Request> {
        self.touch(id);
        self.requests.remove(&id).map(|t| t.request)
    }

    /// Marks a request closed (taken elsewhere, cancelled, timed out). Returns whether it was
    /// waiting before.
    pub fn close(&mut self, id: RequestId, state: RequestState, now: DateTime<Utc>) -> bool {
        self.touch(id);
        let Some(tracked) = self.requests.get_mut(&id) else {
            return false;
        };
        let was_waiting = tracked.request.state == RequestState::Pending;
        // Timed-out requests stay until the server's snapshot drops them (the seeds show them
        // in the list); the others linger briefly.
        tracked.closed_at = match state {
            RequestState::TimedOut => None,
            _ => Some(now),
        };
        if tracked.closed_at.is_some() {
            self.timers.insert((now + LINGER, id));
        }
        tracked.ended_at = Some(now);
        tracked.request.state = state;
        was_waiting
    }

    /// Requests offered now and not yet taken, in no particular order.
    pub fn waiting(&self) -> impl Iterator<Item = &Request> {
        self.requests
            .values()
            .map(|t| &t.request)
            .filter(|r| r.state == RequestState::Pending)
    }

    /// Drops requests whose linger time is over; says whether any row changed by itself.
    pub fn fire_timers(&mut self, now: DateTime<Utc>) -> bool {
        let mut changed = false;
        while let Some(&(at, id)) = self.timers.first() {
            if at > now {
                break;
            }
            self.timers.pop_first();
            changed = true; // A linger ended or a scheduled call fell due.
            self.touch(id);
            let over = self
                .requests
                .get(&id)
                .and_then(|t| t.closed_at)
                .is_some_and(|c| c + LINGER <= now);
            if over {
                self.requests.remove(&id);
            }
        }
        // A transfer's countdown moved on (its rows are rebuilt on every view update).
        changed || self.requests.values().any(|t| counts_down(&t.request))
    }

    /// The next moment the rows change by themselves: a linger ends or a scheduled call falls due.
    pub fn next_change(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let after_now = (
            Bound::Excluded((now, RequestId(i64::MAX))),
            Bound::Unbounded,
        );
        let timer = self.timers.range(after_now).next().map(|&(at, _)| at);
        timer.into_iter().chain(self.next_countdown_tick(now)).min()
    }

    /// The next second a transfer offer's countdown reads differently, while one is open.
    fn next_countdown_tick(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.requests
            .values()
            .map(|t| &t.request)
            .filter(|r| counts_down(r))
            .filter_map(|r| copy::next_countdown_tick(r.expires_at?, now))
            .min()
    }

    /// The request tab (open requests oldest first, then the history newest first), the
    /// timeline of scheduled calls not yet due (soonest first), and how many customers wait now.
    pub fn rows(&self, now: DateTime<Utc>, tz: Tz, mask_phone: bool, busy: bool) -> Rows {
        let order = self.order(now);
        let build = |ids: &[RequestId]| {
            ids.iter()
                .map(|id| row(&self.requests[id], now, tz, mask_phone, busy))
                .collect()
        };
        Rows {
            queue: build(&order.queue),
            scheduled: build(&order.scheduled),
            waiting: order.waiting,
        }
    }

    /// Where each request's row goes, in order, without building any row: cheap enough to run
    /// on every view update with thousands of requests.
    pub fn order(&self, now: DateTime<Utc>) -> Order {
        let mut open = Vec::new();
        let mut history = Vec::new();
        let mut scheduled = Vec::new();
        let mut waiting: u32 = 0;
        let mut volatile = Vec::new();
        for t in self.requests.values() {
            let r = &t.request;
            if (r.due_at.is_some() && r.kind.is_scheduled()) || counts_down(r) {
                volatile.push(r.id);
            }
            match place(t, now) {
                Place::Timeline(due) => scheduled.push(((due, r.id), r.id)),
                Place::Open => {
                    // Waiting = could be taken now by someone: exactly the rows that blink when
                    // the agent is free (counted from the state, so busy does not hide it).
                    waiting = waiting.saturating_add(1);
                    open.push(((waiting_since(r), r.id), r.id));
                }
                Place::History => {
                    // Most recently closed first; a row the snapshot brought closed has no close
                    // time of ours: its expiry (or creation) stands in.
                    let ended = t.ended_at.or(r.expires_at).unwrap_or(r.created_at);
                    history.push((Reverse((ended, r.id)), r.id));
                }
            }
        }
        open.sort_unstable_by_key(|(key, _)| *key);
        history.sort_unstable_by_key(|(key, _)| *key);
        scheduled.sort_unstable_by_key(|(key, _)| *key);
        Order {
            queue: open
                .into_iter()
                .map(|(_, id)| id)
                .chain(history.into_iter().map(|(_, id)| id))
                .collect(),
            scheduled: scheduled.into_iter().map(|(_, id)| id).collect(),
            waiting,
            volatile,
        }
    }

    /// The row of one request, as [`Queue::rows`] builds it.
    pub fn row(
        &self,
        id: RequestId,
        now: DateTime<Utc>,
        tz: Tz,
        mask_phone: bool,
        busy: bool,
    ) -> Option<QueueRow> {
        self.requests
            .get(&id)
            .map(|t| row(t, now, tz, mask_phone, busy))
    }

    /// The requests whose rows may have changed since the last call (`None`: any may have).
    pub fn take_changed(&mut self) -> Option<HashSet<RequestId>> {
        let changed = std::mem::take(&mut self.changed);
        if std::mem::take(&mut self.all_changed) {
            None
        } else {
            Some(changed)
        }
    }

    fn touch(&mut self, id: RequestId) {
        if !self.all_changed {
            self.changed.insert(id);
        }
    }
}

/// Which list a request's row is in.
enum Place {
    /// Waiting for an agent: an offer, or a scheduled call whose time has come.
    Open,
    /// A scheduled call not yet due, on the timeline.
    Timeline(Option<DateTime<Utc>>),
    /// Closed: timed out, taken by someone else, cancelled.
    History,
}

fn place(t: &Tracked, now: DateTime<Utc>) -> Place {
    let r = &t.request;
    let due = r.due_at.filter(|_| r.kind.is_scheduled());
    match &r.state {
        RequestState::Pending => Place::Open,
        RequestState::Scheduled => match due {
            Some(due) if due > now => Place::Timeline(Some(due)),
            _ => Place::Open,
        },
        _ => Place::History,
    }
}

fn row(t: &Tracked, now: DateTime<Utc>, tz: Tz, mask_phone: bool, busy: bool) -> QueueRow {
    let r = &t.request;
    let due = r.due_at.filter(|_| r.kind.is_scheduled());
    let place = place(t, now);
    let status = match &r.state {
        // A scheduled call that came due is offered like any request, but still reads as the
        // call that was booked.
        RequestState::Pending if due.is_some() => RowStatus::Scheduled,
        RequestState::Pending => RowStatus::Now,
        RequestState::Scheduled => RowStatus::Scheduled,
        RequestState::TimedOut => RowStatus::TimedOut,
        RequestState::Taken { by } => RowStatus::Taken {
            by: copy::person_name(&by.name),
        },
        RequestState::Cancelled => RowStatus::Cancelled,
    };
    let is_open = !matches!(place, Place::History);
    let blinking = matches!(place, Place::Open) && !busy;
    let later = copy::due_later(r, now, tz);
    let label = copy::customer_with_contact(&r.customer, r.contact.as_ref(), mask_phone);
    let status_text =
        if let (true, Some(from), Some(until)) = (counts_down(r), &r.transfer_from, r.expires_at) {
            copy::transfer_row(&copy::person_name(&from.name), &copy::time_left(until, now))
        } else if is_open {
            copy::row_status(r.kind, later.as_deref().map_or(Due::Now, Due::At))
        } else {
            copy::closed_status(&status)
        };
    // Taken by a click: an offer or a due call, while the agent is free. Rejected: any open row
    // (a booked call can be turned down before it is due).
    let can_take = !busy && (blinking || status == RowStatus::Now);
    let can_reject = matches!(status, RowStatus::Now | RowStatus::Scheduled);
    let actions = RowActions {
        can_take,
        take_label: copy::row_name(&label, r.kind, &status_text, can_take),
        can_reject,
        reject_label: copy::reject_name(&label),
    };
    QueueRow {
        id: r.id,
        kind: r.kind,
        kind_label: copy::kind(r.kind).into(),
        label,
        status,
        blinking,
        created_at: r.created_at,
        due_local: due.map(|d| copy::local_time(d, tz)),
        section: if is_open {
            RowSection::Open
        } else {
            RowSection::History
        },
        status_text,
        actions,
    }
}

/// Where the rows go, by request id (see [`Queue::order`]).
pub struct Order {
    /// The request tab: open rows oldest first, then history rows newest first.
    pub queue: Vec<RequestId>,
    /// Scheduled calls not yet due, soonest first.
    pub scheduled: Vec<RequestId>,
    /// Offers not yet taken plus scheduled calls that are due.
    pub waiting: u32,
    /// Requests whose row depends on the time (a scheduled call's due time): rebuilt on every
    /// update rather than trusted to a timer.
    pub volatile: Vec<RequestId>,
}

/// The queue as the view shows it at one moment.
pub struct Rows {
    /// The request tab: open rows oldest first, then history rows newest first.
    pub queue: Vec<QueueRow>,
    /// Scheduled calls not yet due, soonest first.
    pub scheduled: Vec<QueueRow>,
    /// Offers not yet taken plus scheduled calls that are due.
    pub waiting: u32,
}

/// Since when the customer has been waiting: the due time for a scheduled call, else creation.
pub fn waiting_since(r: &Request) -> DateTime<Utc> {
    match r.due_at {
        Some(due) if r.kind.is_scheduled() => due,
        _ => r.created_at,
    }
}

/// A transfer offer still open: its row counts down to `expires_at`.
fn counts_down(r: &Request) -> bool {
    r.kind == RequestKind::Transfer && r.state == RequestState::Pending && r.expires_at.is_some()
}

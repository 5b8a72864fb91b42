//! The requests the agent can see, as the LDS last told us, and how they turn into rows.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use headsup_protocol::model::{Request, RequestState};
use headsup_protocol::view::{QueueRow, RowSection, RowStatus};
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
#[derive(Debug, Clone, Default)]
pub struct Queue {
    requests: BTreeMap<RequestId, Tracked>,
    /// Moments a row changes by itself (a linger ends, a scheduled call falls due), ordered, so
    /// the next one is found without scanning every request. Entries may be stale (the request
    /// changed since); a stale one only costs a spurious wake-up and is pruned on the way.
    timers: BTreeSet<(DateTime<Utc>, RequestId)>,
}

impl Queue {
    pub fn clear(&mut self) {
        self.requests.clear();
        self.timers.clear();
    }

    /// Replaces everything with the server's snapshot.
    pub fn replace_all(&mut self, requests: Vec<Request>) {
        self.requests = requests
            .into_iter()
            .map(|request| (request.id, Tracked::new(request)))
            .collect();
    }

    pub fn upsert(&mut self, request: Request) {
        self.requests.insert(request.id, Tracked::new(request));
    }

    pub fn get(&self, id: RequestId) -> Option<&Request> {
        self.requests.get(&id).map(|t| &t.request)
    }

    pub fn remove(&mut self, id: RequestId) -> Option<Request> {
        self.requests.remove(&id).map(|t| t.request)
    }

    /// Marks a request closed (taken elsewhere, cancelled, timed out). Returns whether it was
    /// waiting before.
    pub fn close(&mut self, id: RequestId, state: RequestState, now: DateTime<Utc>) -> bool {
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
            let over = self
                .requests
                .get(&id)
                .and_then(|t| t.closed_at)
                .is_some_and(|c| c + LINGER <= now);
            if over {
                self.requests.remove(&id);
            }
        }
        changed
    }

    /// The next moment the rows change by themselves: a linger ends or a scheduled call falls due.
    pub fn next_change(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let after_now = (
            Bound::Excluded((now, RequestId(i64::MAX))),
            Bound::Unbounded,
        );
        self.timers.range(after_now).next().map(|&(at, _)| at)
    }

    /// The request tab (open requests oldest first, then the history newest first), the
    /// timeline of scheduled calls not yet due (soonest first), and how many customers wait now.
    pub fn rows(&self, now: DateTime<Utc>, tz: Tz, mask_phone: bool, busy: bool) -> Rows {
        let mut open = Vec::new();
        let mut history = Vec::new();
        let mut scheduled = Vec::new();
        let mut waiting: u32 = 0;
        for t in self.requests.values() {
            let r = &t.request;
            let due = r.due_at.filter(|_| r.kind.is_scheduled());
            let (status, blinking, timeline) = match &r.state {
                // A scheduled call that came due is offered like any request, but still reads
                // as the call that was booked.
                RequestState::Pending if due.is_some() => (RowStatus::Scheduled, !busy, false),
                RequestState::Pending => (RowStatus::Now, !busy, false),
                RequestState::Scheduled => match due {
                    Some(due) if due > now => (RowStatus::Scheduled, false, true),
                    // Its time has come: it belongs with the requests, blinking.
                    _ => (RowStatus::Scheduled, !busy, false),
                },
                RequestState::TimedOut => (RowStatus::TimedOut, false, false),
                RequestState::Taken { by } => (
                    RowStatus::Taken {
                        by: copy::person_name(&by.name),
                    },
                    false,
                    false,
                ),
                RequestState::Cancelled => (RowStatus::Cancelled, false, false),
            };
            // Waiting = could be taken now by someone: exactly the rows that blink when the
            // agent is free. Counted from the state, not from `blinking`, so busy does not hide it.
            let is_open = matches!(r.state, RequestState::Pending | RequestState::Scheduled);
            if is_open && !timeline {
                waiting = waiting.saturating_add(1);
            }
            let later = copy::due_later(r, now, tz);
            let row = QueueRow {
                id: r.id,
                kind: r.kind,
                label: copy::customer_label(&r.customer, mask_phone),
                status,
                blinking,
                created_at: r.created_at,
                due_local: due.map(|d| copy::local_time(d, tz)),
                section: if is_open {
                    RowSection::Open
                } else {
                    RowSection::History
                },
                status_text: if is_open {
                    copy::row_status(r.kind, later.as_deref().map_or(Due::Now, Due::At))
                } else {
                    String::new()
                },
            };
            if timeline {
                scheduled.push((due, row));
            } else if is_open {
                open.push((waiting_since(r), row));
            } else {
                // Most recently closed first; a row the snapshot brought closed has no close
                // time of ours: its expiry (or creation) stands in.
                let ended = t.ended_at.or(r.expires_at).unwrap_or(r.created_at);
                history.push((Reverse((ended, r.id)), row));
            }
        }
        open.sort_by_key(|(at, row)| (*at, row.id));
        history.sort_by_key(|(key, _)| *key);
        scheduled.sort_by_key(|(at, row)| (*at, row.id));
        Rows {
            queue: open
                .into_iter()
                .map(|(_, r)| r)
                .chain(history.into_iter().map(|(_, r)| r))
                .collect(),
            scheduled: scheduled.into_iter().map(|(_, r)| r).collect(),
            waiting,
        }
    }
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

//! The queues desk (the dashboard): the agent's queues as the LDS last counted them, the queue
//! tapped open with its waiting customers, and the one moment its words change by themselves
//! (an age crossing a whole minute: "oldest 3 min" becomes "oldest 4 min").
//!
//! Ages are measured on the server's clock: the LDS says when it counted (`at`), so the age of
//! the oldest wait is `at - oldest_since` plus the time since the frame arrived on ours. A
//! device whose clock is off still shows the right age.

use chrono::{DateTime, Duration, Utc};
use headsup_protocol::lds::{Dashboard, QueueStats};
use headsup_protocol::model::Request;
use headsup_protocol::view::{DashboardView, QueueWaitingView, WaitingCustomerRow};
use headsup_protocol::QueueId;

use crate::copy;

/// The last dashboard and when it arrived on our clock.
#[derive(Debug)]
struct Counted {
    queues: Vec<QueueStats>,
    /// The server's clock minus ours, when it arrived.
    skew: Duration,
}

#[derive(Debug)]
struct OpenQueue {
    id: QueueId,
    /// The `queue_waiting` command in flight whose answer we show.
    cid: Option<u64>,
    /// The customers as last listed; `None` until the first answer.
    waiting: Option<Vec<Request>>,
}

#[derive(Debug, Default)]
pub(in crate::machine) struct DashboardDesk {
    counted: Option<Counted>,
    open: Option<OpenQueue>,
    /// When an age shown next crosses a whole minute (the words change then).
    next_minute: Option<DateTime<Utc>>,
}

/// What the core must do after the desk took a dashboard.
#[derive(Debug, PartialEq, Eq)]
pub(in crate::machine) enum Follow {
    Nothing,
    /// The open queue's numbers moved: list its customers again.
    Relist(QueueId),
}

impl DashboardDesk {
    /// A `dashboard` frame: it replaces the last one whole.
    pub(in crate::machine) fn on_dashboard(&mut self, d: Dashboard, now: DateTime<Utc>) -> Follow {
        let before = self.stats_of_open().cloned();
        self.counted = Some(Counted {
            queues: d.queues,
            skew: d.at - now,
        });
        self.schedule(now);
        let Some(open) = &self.open else {
            return Follow::Nothing;
        };
        match self.stats_of_open() {
            // The agent left the queue (or it went): back to the list.
            None => {
                self.open = None;
                Follow::Nothing
            }
            Some(after) if before.as_ref() != Some(after) => Follow::Relist(open.id),
            Some(_) => Follow::Nothing,
        }
    }

    fn stats_of_open(&self) -> Option<&QueueStats> {
        let open = self.open.as_ref()?;
        self.counted
            .as_ref()?
            .queues
            .iter()
            .find(|q| q.id == open.id)
    }

    /// The agent tapped a queue; `cid` is the `queue_waiting` sent for it.
    pub(in crate::machine) fn open(&mut self, queue: QueueId, cid: u64) {
        let kept = self
            .open
            .take()
            .filter(|o| o.id == queue)
            .and_then(|o| o.waiting);
        self.open = Some(OpenQueue {
            id: queue,
            cid: Some(cid),
            waiting: kept,
        });
    }

    /// The queue on screen, if one is open.
    pub(in crate::machine) fn open_queue(&self) -> Option<QueueId> {
        self.open.as_ref().map(|o| o.id)
    }

    /// A `queue_waiting` was sent again for the open queue.
    pub(in crate::machine) fn relisting(&mut self, cid: u64) {
        if let Some(open) = &mut self.open {
            open.cid = Some(cid);
        }
    }

    pub(in crate::machine) fn close(&mut self) {
        self.open = None;
    }

    /// The answer to a `queue_waiting`; returns whether it was the one awaited.
    pub(in crate::machine) fn on_waiting(
        &mut self,
        cid: u64,
        waiting: Vec<Request>,
        now: DateTime<Utc>,
    ) -> bool {
        match &mut self.open {
            Some(open) if open.cid == Some(cid) => {
                open.cid = None;
                open.waiting = Some(waiting);
                self.schedule(now);
                true
            }
            _ => false,
        }
    }

    /// A command refused: if it was the open queue's `queue_waiting` (not a member any more),
    /// back to the list.
    pub(in crate::machine) fn on_refused(&mut self, cid: u64) {
        if self.open.as_ref().is_some_and(|o| o.cid == Some(cid)) {
            self.open = None;
        }
    }

    /// Signed out: nothing of it stays.
    pub(in crate::machine) fn clear(&mut self) {
        self.counted = None;
        self.open = None;
        self.next_minute = None;
    }

    /// The customers waiting in the agent's queues: the tab's badge.
    pub(in crate::machine) fn waiting(&self) -> u32 {
        self.counted.as_ref().map_or(0, |c| {
            c.queues
                .iter()
                .fold(0u32, |sum, q| sum.saturating_add(q.waiting))
        })
    }

    /// The age of something since `since` (server clock), at `now` (ours).
    fn age(&self, since: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
        let skew = self.counted.as_ref().map_or(Duration::zero(), |c| c.skew);
        (now + skew - since).max(Duration::zero())
    }

    /// The desk as the UI shows it at `now`.
    pub(in crate::machine) fn view(&self, now: DateTime<Utc>, mask_phone: bool) -> DashboardView {
        let Some(counted) = &self.counted else {
            return DashboardView {
                queues: Vec::new(),
                empty_text: "Waiting for the server's numbers…".into(),
                open: None,
            };
        };
        let queues = counted
            .queues
            .iter()
            .map(|q| {
                let oldest = q
                    .oldest_since
                    .filter(|_| q.waiting > 0)
                    .map(|since| copy::oldest_wait(self.age(since, now)));
                copy::queue_row(q, oldest)
            })
            .collect();
        let open = self.open.as_ref().and_then(|o| {
            let stats = counted.queues.iter().find(|q| q.id == o.id)?;
            Some(self.waiting_view(stats, o, now, mask_phone))
        });
        DashboardView {
            queues,
            empty_text: "You are not a member of any queue.".into(),
            open,
        }
    }

    fn waiting_view(
        &self,
        stats: &QueueStats,
        open: &OpenQueue,
        now: DateTime<Utc>,
        mask_phone: bool,
    ) -> QueueWaitingView {
        let name = copy::queue_name(&stats.name);
        let customers = open
            .waiting
            .iter()
            .flatten()
            .map(|r| WaitingCustomerRow {
                id: r.id,
                customer: copy::customer_with_contact(&r.customer, r.contact.as_ref(), mask_phone),
                kind_label: copy::kind(r.kind).to_string(),
                waiting_text: format!(
                    "waiting {}",
                    copy::age_words(self.age(r.due_at.unwrap_or(r.created_at), now))
                ),
            })
            .collect();
        QueueWaitingView {
            id: stats.id,
            empty_text: if open.waiting.is_none() {
                "Loading…".into()
            } else {
                format!("Nobody is waiting in {name}.")
            },
            title: format!("Waiting in {name}"),
            customers,
            back_label: "Back to queues".into(),
        }
    }

    /// Ages are shown in whole minutes: the next moment one of them crosses a minute.
    #[must_use]
    pub(in crate::machine) fn poll_timeout(&self) -> Option<DateTime<Utc>> {
        self.next_minute
    }

    /// A minute passed for some age: the words change.
    #[must_use]
    pub(in crate::machine) fn handle_timeout(&mut self, now: DateTime<Utc>) -> bool {
        if self.next_minute.is_none_or(|at| at > now) {
            return false;
        }
        self.schedule(now);
        true
    }

    fn schedule(&mut self, now: DateTime<Utc>) {
        self.next_minute = self.next_minute_after(now);
    }

    fn next_minute_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let counted = self.counted.as_ref()?;
        let listed = self
            .open
            .iter()
            .filter_map(|o| o.waiting.as_ref())
            .flatten();
        counted
            .queues
            .iter()
            .filter(|q| q.waiting > 0)
            .filter_map(|q| q.oldest_since)
            .chain(listed.map(|r| r.due_at.unwrap_or(r.created_at)))
            .map(|since| {
                let into_minute = self.age(since, now).num_milliseconds() % 60_000;
                now + Duration::milliseconds(60_000 - into_minute)
            })
            .min()
    }
}

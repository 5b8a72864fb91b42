//! The session panel's customer history: when a session names a contact, the core reads that
//! contact's journey once, so the agent sees the last interactions before saying hello. It is
//! read again after a reconnect (the answer went with the old socket) and dropped when the
//! session ends or names another contact.

use chrono_tz::Tz;
use headsup_protocol::contacts::JourneyEntry;
use headsup_protocol::lds::ClientFrame;
use headsup_protocol::model::Session;
use headsup_protocol::view::JourneyRow;
use headsup_protocol::{ContactId, RequestId};

use crate::copy;

/// How many earlier interactions the session panel lists.
pub(crate) const RECENT: usize = 3;

#[derive(Debug, Default)]
pub(super) struct SessionContact {
    /// The contact of the session on screen, and the request that session serves.
    shown: Option<(ContactId, RequestId)>,
    /// The journey read in flight.
    asked: Option<u64>,
    /// What happened before this session, once read.
    recent: Option<Vec<JourneyEntry>>,
}

impl SessionContact {
    /// Follows the session on screen: a new contact is read (`cid` gives the command its id);
    /// no session or no contact clears the history. `connected` says whether a frame can go.
    pub(super) fn follow(
        &mut self,
        session: Option<&Session>,
        connected: bool,
        cid: impl FnOnce() -> u64,
    ) -> Option<ClientFrame> {
        let wanted = session.and_then(|s| s.contact.as_ref().map(|c| (c.id, s.request)));
        if wanted != self.shown {
            self.shown = wanted;
            self.asked = None;
            self.recent = None;
        }
        let (contact, _) = self.shown?;
        if self.asked.is_some() || self.recent.is_some() || !connected {
            return None;
        }
        let cid = cid();
        self.asked = Some(cid);
        Some(ClientFrame::ContactJourney { cid, contact })
    }

    /// The answer went with a closed socket: ask again once connected.
    pub(super) fn reconnected(&mut self) {
        self.asked = None;
    }

    pub(super) fn awaits(&self, cid: u64) -> bool {
        self.asked == Some(cid)
    }

    /// The journey read (or `None`: refused). Keeps what happened before this session.
    pub(super) fn answered(&mut self, journey: Option<Vec<JourneyEntry>>) {
        self.asked = None;
        let Some((_, request)) = self.shown else {
            return;
        };
        let mut earlier: Vec<JourneyEntry> = journey
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.what.request() != request)
            .collect();
        // Newest first, whatever order the answer came in.
        earlier.sort_by_key(|e| std::cmp::Reverse(e.at));
        earlier.truncate(RECENT);
        self.recent = Some(earlier);
    }

    pub(super) fn view(&self, tz: Tz) -> Vec<JourneyRow> {
        self.recent
            .iter()
            .flatten()
            .map(|e| copy::journey_row(e, tz))
            .collect()
    }
}

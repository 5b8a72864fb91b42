//! A harness that drives the core with virtual time, as quinn-proto's tests do: inputs in,
//! outputs recorded, time moved by hand.

#![allow(dead_code)] // Each test file uses a different part of it.

use chrono::{DateTime, Duration, TimeZone, Utc};
use headsup_core::{Core, Input, Notification, Output, SavedState};
use headsup_protocol::lds::{
    Event, EventFrame, LoginResponse, ServerFrame, Snapshot, Welcome, PROTOCOL_VERSION,
};
use headsup_protocol::model::{
    AgentInfo, AgentRef, Customer, LegState, Request, RequestKind, RequestState, Session,
    SessionState, StatusReason,
};
use headsup_protocol::view::Intent;
use headsup_protocol::{AgentId, RequestId, SessionId, TeamId};

pub const TOKEN: &str = "tok-secret-123";

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

pub fn agent() -> AgentInfo {
    AgentInfo {
        id: AgentId(7),
        email: "ana@example.com".into(),
        name: "Ana".into(),
        team: TeamId(1),
        team_name: "Sales".into(),
        time_zone: "Europe/Madrid".into(),
    }
}

/// The team's not-ready reasons, as a new team has them.
pub fn team_reasons() -> Vec<StatusReason> {
    [("break", "Break"), ("lunch", "Lunch")]
        .into_iter()
        .map(|(code, label)| StatusReason {
            code: code.into(),
            label: label.into(),
        })
        .collect()
}

pub fn customer(name: &str) -> Customer {
    Customer {
        name: Some(name.into()),
        phone: Some("+34 600 123 456".into()),
    }
}

pub fn request(id: i64, kind: RequestKind, created_at: DateTime<Utc>) -> Request {
    Request {
        contact: None,
        id: RequestId(id),
        team: TeamId(1),
        kind,
        customer: customer(&format!("Customer {id}")),
        created_at,
        due_at: None,
        for_agent: None,
        state: RequestState::Pending,
        expires_at: None,
        transfer_from: None,
    }
}

pub fn session(id: i64, request: i64, state: SessionState) -> Session {
    Session {
        contact: None,
        id: SessionId(id),
        request: RequestId(request),
        agent: AgentId(7),
        customer: customer("Bea"),
        kind: RequestKind::CallNow,
        agent_leg: LegState::Answered,
        customer_leg: LegState::Answered,
        state,
        started_at: t0(),
        transfer: None,
        conversation: None,
    }
}

pub fn bo() -> AgentRef {
    AgentRef {
        id: AgentId(9),
        name: "Bo".into(),
    }
}

pub struct Harness {
    pub core: Core,
    pub now: DateTime<Utc>,
    /// Everything the core ever asked for, in order.
    pub log: Vec<Output>,
    /// Answer pings with a pong, like a live server.
    pub server_alive: bool,
}

impl Harness {
    pub fn new() -> Self {
        Self::with_saved(SavedState::default())
    }

    pub fn with_saved(saved: SavedState) -> Self {
        Self::with_saved_and_seed(saved, 42)
    }

    /// `jitter_seed` is what the driver draws at random per process.
    pub fn with_saved_and_seed(saved: SavedState, jitter_seed: u64) -> Self {
        Harness {
            core: Core::new("laptop", saved, jitter_seed),
            now: t0(),
            log: Vec::new(),
            server_alive: true,
        }
    }

    /// Feeds one input at the current virtual time and returns what came out.
    pub fn input(&mut self, input: Input) -> Vec<Output> {
        self.core.handle(input, self.now);
        self.drain()
    }

    pub fn intent(&mut self, intent: Intent) -> Vec<Output> {
        self.input(Input::Intent(intent))
    }

    fn drain(&mut self) -> Vec<Output> {
        let mut out = Vec::new();
        while let Some(o) = self.core.poll() {
            out.push(o);
        }
        self.log.extend(out.iter().cloned());
        out
    }

    /// Moves virtual time forward, firing every timer on the way as the driver would.
    pub fn advance(&mut self, by: Duration) -> Vec<Output> {
        let target = self.now + by;
        let mut out = Vec::new();
        for _ in 0..10_000 {
            match self.core.poll_timeout() {
                Some(at) if at <= target => {
                    self.now = self.now.max(at);
                    out.extend(self.input(Input::Timeout));
                    if self.server_alive && out.last() == Some(&Output::Ping) {
                        out.extend(self.input(Input::Heartbeat));
                    }
                }
                _ => break,
            }
        }
        self.now = target;
        out
    }

    /// Email → NEXT → password → CONNECT → token → socket → welcome → snapshot.
    pub fn sign_in(&mut self, requests: Vec<Request>) -> Vec<Output> {
        self.input(Input::TokenLoaded(None));
        self.intent(Intent::SubmitEmail {
            email: "ana@example.com".into(),
        });
        self.intent(Intent::SubmitPassword {
            password: "pw".into(),
        });
        self.input(Input::LoginFinished(Ok(LoginResponse {
            token: TOKEN.into(),
            expires_at: self.now + Duration::days(30),
            agent: agent(),
        })));
        self.connect_with_snapshot(1, requests)
    }

    /// The socket opens and the server answers the hello with a welcome and a snapshot at `seq`.
    pub fn connect_with_snapshot(&mut self, seq: u64, requests: Vec<Request>) -> Vec<Output> {
        let mut out = self.input(Input::Connected);
        out.extend(self.welcome(seq, false));
        out.extend(self.frame(ServerFrame::Snapshot(Snapshot {
            seq,
            requests,
            session: None,
            status: Default::default(),
        })));
        out
    }

    pub fn welcome(&mut self, head_seq: u64, resumed: bool) -> Vec<Output> {
        self.frame(ServerFrame::Welcome(Welcome {
            agent: agent(),
            protocol: PROTOCOL_VERSION,
            resumed,
            head_seq,
            server_time: self.now,
            heartbeat_secs: 10,
            status_reasons: team_reasons(),
        }))
    }

    pub fn frame(&mut self, frame: ServerFrame) -> Vec<Output> {
        self.input(Input::Frame(Box::new(frame)))
    }

    /// The next event in sequence.
    pub fn event(&mut self, event: Event) -> Vec<Output> {
        let seq = self.core.last_seq().unwrap_or(0) + 1;
        self.event_at(seq, event)
    }

    pub fn event_at(&mut self, seq: u64, event: Event) -> Vec<Output> {
        self.frame(ServerFrame::Event(EventFrame {
            seq,
            at: self.now,
            event,
        }))
    }

    pub fn offer(&mut self, id: i64, kind: RequestKind) -> Vec<Output> {
        let r = request(id, kind, self.now);
        self.event(Event::Offered { request: r })
    }
}

pub fn notifications(outputs: &[Output]) -> Vec<Notification> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Notify(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

pub fn withdrawn(outputs: &[Output]) -> Vec<headsup_core::NotificationId> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Withdraw(id) => Some(*id),
            _ => None,
        })
        .collect()
}

pub fn sent(outputs: &[Output]) -> Vec<headsup_protocol::lds::ClientFrame> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Send(f) => Some(f.clone()),
            _ => None,
        })
        .collect()
}

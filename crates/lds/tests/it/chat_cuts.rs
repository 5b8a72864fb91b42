//! Chat under cuts: an agent and a customer keep writing to each other while the test cuts one
//! connection or the other at random. Each side comes back the way the protocol says (the agent
//! resumes with `last_seq`, the customer says `hello` with the last message it showed) and sends
//! again, under the same `client_id`, whatever it has not seen stored. At the end every message
//! is on the other side and in the LDS's history exactly once, in the order it was written.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::SinkExt;
use headsup_protocol::chat::{Author, CustomerFrame, CustomerServerFrame, Message};
use headsup_protocol::lds::{ClientFrame, Event, EventFrame, Reply, ServerFrame, Welcome};
use headsup_protocol::model::RequestKind;
use headsup_protocol::{ConversationId, MessageId};
use headsup_testkit::lds::customer::started;
use headsup_testkit::lds::{AgentConn, CustomerConn, TestServer};
use headsup_testkit::PATIENCE;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Messages each side writes during the cuts.
const WRITES: usize = 250;
/// Cuts each side takes at least (so both together take at least 200).
const CUTS: usize = 110;
/// Longest stretch a side reads between two of its moves.
const MAX_READ_MS: u64 = 25;
/// Bound on the calm end: everything is caught up well within it, or something is lost.
const SETTLE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_chats_lose_nothing_and_double_nothing() {
    let seed = std::env::var("CHAT_CUTS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    println!("chat_cuts seed {seed} (replay the moves with CHAT_CUTS_SEED={seed})");

    let s = TestServer::start().await;
    let key = crate::chats::chat_desk(&s).await;
    let (_, agent_token) = s.agent("Desk", "Ana Pérez").await;
    let mut ana = s.connect(&agent_token, None).await;
    let chat = started(&s.base, &key, "María", None).await;
    let offered = ana
        .wait_event(
            |e| matches!(e, Event::Offered { request } if request.kind == RequestKind::ChatInbound),
        )
        .await
        .unwrap();
    let Event::Offered { request } = offered else {
        unreachable!()
    };
    ana.accept_session(request.id).await;
    // Frames read while accepting were processed here: what follows starts after them.
    ana.forget_pending();
    let last_seq = ana.last_seq;
    drop(ana);

    let agent = AgentSide {
        url: s.ws_url.clone(),
        token: agent_token,
        conversation: chat.conversation,
        last_seq,
        mine: Mine::new("a"),
        heard: Vec::new(),
        cuts: 0,
        rng: StdRng::seed_from_u64(seed),
    };
    let customer = CustomerSide {
        base: s.base.clone(),
        token: chat.token.clone(),
        after: None,
        mine: Mine::new("c"),
        heard: Vec::new(),
        shown: HashMap::new(),
        cuts: 0,
        rng: StdRng::seed_from_u64(seed.wrapping_add(1)),
    };
    let agent = tokio::spawn(agent.run());
    let customer = tokio::spawn(customer.run());
    let (mut agent, mut customer) = (agent.await.unwrap(), customer.await.unwrap());
    println!(
        "cuts: agent {}, customer {}; resends: agent {}, customer {}; messages shown twice to \
         the customer by id: {}",
        agent.cuts,
        customer.cuts,
        agent.mine.resends,
        customer.mine.resends,
        customer.repeats()
    );
    assert!(
        agent.cuts + customer.cuts >= 200,
        "at least 200 cuts in all ({} + {})",
        agent.cuts,
        customer.cuts
    );

    // Calm: both come back once more, send what is unconfirmed and a last message each. A side
    // that has the other's last message has everything written before it (one ordered stream),
    // so the counts below need no waiting on a clock.
    let mut a = agent.connect().await;
    let mut c = customer.connect().await;
    agent.write_new(&mut a).await;
    customer.write_new(&mut c).await;
    let (agent_last, customer_last) = (agent.mine.written.len(), customer.mine.written.len());
    // Pings keep a socket's reads alive, so the wait has a bound of its own: a message lost
    // for good fails here instead of hanging.
    let settled = tokio::time::timeout(SETTLE, async {
        while agent.mine.stored.len() < agent_last || agent.heard.len() < customer_last {
            agent.take(a.next_frame().await.expect("the agent's stream"));
        }
        while customer.mine.stored.len() < customer_last || customer.heard.len() < agent_last {
            customer.take(c.wait(|_| true).await.expect("the widget's socket"));
        }
    })
    .await;
    assert!(
        settled.is_ok(),
        "lost: after {SETTLE:?} the agent has {}/{agent_last} of its messages stored and heard \
         {}/{customer_last}; the customer has {}/{customer_last} stored and was shown \
         {}/{agent_last}",
        agent.mine.stored.len(),
        agent.heard.len(),
        customer.mine.stored.len(),
        customer.heard.len()
    );

    // The agent heard every customer message once, in order, as the customer stored it.
    let heard: Vec<&str> = agent.heard.iter().map(|m| m.client_id.as_str()).collect();
    assert_eq!(heard, customer.mine.written_ids(), "the agent's stream");
    for m in &agent.heard {
        assert_eq!(customer.mine.stored[&m.client_id], m.id, "{}", m.client_id);
        assert_eq!(m.body, Mine::body(&m.client_id));
    }
    // The customer was shown every agent message once, in order.
    let shown: Vec<&str> = customer
        .heard
        .iter()
        .map(|m| m.client_id.as_str())
        .collect();
    assert_eq!(shown, agent.mine.written_ids(), "the customer's widget");
    for m in &customer.heard {
        assert_eq!(agent.mine.stored[&m.client_id], m.id, "{}", m.client_id);
        assert_eq!(m.body, Mine::body(&m.client_id));
    }
    // And the LDS stored each once, in the order each side wrote them.
    let history = history(&mut a, chat.conversation).await;
    let by = |author: Author| -> Vec<&str> {
        history
            .iter()
            .filter(|m| m.author == author)
            .map(|m| m.client_id.as_str())
            .collect()
    };
    assert_eq!(by(Author::Customer), customer.mine.written_ids(), "history");
    assert_eq!(by(Author::Agent), agent.mine.written_ids(), "history");
    assert_eq!(
        history.len(),
        agent_last + customer_last,
        "nothing else stored"
    );
    assert!(history.windows(2).all(|w| w[0].id < w[1].id));
    for m in &history {
        let mine = match m.author {
            Author::Agent => &agent.mine,
            _ => &customer.mine,
        };
        assert_eq!(mine.stored[&m.client_id], m.id, "{}", m.client_id);
    }
}

/// What one side writes: its messages in the order written, and which the LDS confirmed.
struct Mine {
    prefix: &'static str,
    written: Vec<String>,
    stored: HashMap<String, MessageId>,
    resends: usize,
}

impl Mine {
    fn new(prefix: &'static str) -> Mine {
        Mine {
            prefix,
            written: Vec::new(),
            stored: HashMap::new(),
            resends: 0,
        }
    }

    fn next(&mut self) -> String {
        let id = format!("{}-{}", self.prefix, self.written.len() + 1);
        self.written.push(id.clone());
        id
    }

    /// Written and not yet seen stored, oldest first.
    fn unconfirmed(&self) -> Vec<String> {
        self.written
            .iter()
            .filter(|id| !self.stored.contains_key(*id))
            .cloned()
            .collect()
    }

    fn confirm(&mut self, client_id: &str, id: MessageId) {
        assert!(
            self.written.iter().any(|w| w == client_id),
            "{client_id} was never written"
        );
        let first = *self.stored.entry(client_id.to_string()).or_insert(id);
        assert_eq!(first, id, "{client_id} stored under two ids: doubled");
    }

    fn written_ids(&self) -> Vec<&str> {
        self.written.iter().map(String::as_str).collect()
    }

    fn body(client_id: &str) -> String {
        format!("message {client_id}")
    }
}

/// A message as one side saw the other's.
struct Heard {
    id: MessageId,
    client_id: String,
    body: String,
}

struct AgentSide {
    url: String,
    token: String,
    conversation: ConversationId,
    /// The last event processed: what `hello` sends.
    last_seq: u64,
    mine: Mine,
    /// The customer's messages, as the agent's event stream brought them.
    heard: Vec<Heard>,
    cuts: usize,
    rng: StdRng,
}

impl AgentSide {
    async fn run(mut self) -> AgentSide {
        while self.mine.written.len() < WRITES || self.cuts < CUTS {
            if self.rng.gen_ratio(1, 10) {
                // Cut in the handshake: hello sent, nothing read.
                let (mut ws, _) = tokio::time::timeout(
                    PATIENCE,
                    tokio_tungstenite::connect_async(self.url.as_str()),
                )
                .await
                .expect("the LDS accepts a WebSocket")
                .unwrap();
                let hello = ClientFrame::Hello {
                    token: self.token.clone(),
                    last_seq: Some(self.last_seq),
                    device: "cut".into(),
                    protocol: 1,
                };
                ws.send(serde_json::to_string(&hello).unwrap().into())
                    .await
                    .unwrap();
                drop(ws);
                self.cuts += 1;
                continue;
            }
            let mut conn = self.connect().await;
            for _ in 0..self.rng.gen_range(0..12) {
                if self.rng.gen_bool(0.5) && self.mine.written.len() < WRITES {
                    self.write_new(&mut conn).await;
                } else {
                    let window = Duration::from_millis(self.rng.gen_range(0..=MAX_READ_MS));
                    self.read_for(&mut conn, window).await;
                }
            }
            drop(conn); // abrupt: no close frame, whatever is in flight is lost or not
            self.cuts += 1;
        }
        self
    }

    /// Comes back with `last_seq` and sends again what is unconfirmed, same `client_id`s.
    async fn connect(&mut self) -> AgentConn {
        let conn = tokio::time::timeout(
            PATIENCE,
            AgentConn::connect(&self.url, &self.token, Some(self.last_seq)),
        )
        .await
        .expect("the agent's hello is answered")
        .unwrap();
        assert!(
            matches!(
                conn.welcome,
                ServerFrame::Welcome(Welcome { resumed: true, .. })
            ),
            "a recent last_seq resumes: {:?}",
            conn.welcome
        );
        let mut conn = conn;
        for client_id in self.mine.unconfirmed() {
            self.mine.resends += 1;
            self.send(&mut conn, client_id).await;
        }
        conn
    }

    async fn write_new(&mut self, conn: &mut AgentConn) {
        let client_id = self.mine.next();
        self.send(conn, client_id).await;
    }

    async fn send(&mut self, conn: &mut AgentConn, client_id: String) {
        let conversation = self.conversation;
        let body = Mine::body(&client_id);
        conn.send_command(|cid| ClientFrame::SendMessage {
            cid,
            conversation,
            client_id,
            body,
            note: false,
            attachment: None,
        })
        .await
        .expect("the LDS reads the agent's socket");
    }

    async fn read_for(&mut self, conn: &mut AgentConn, window: Duration) {
        let until = tokio::time::Instant::now() + window;
        while let Ok(frame) = tokio::time::timeout_at(until, conn.next_frame()).await {
            // A gap or a duplicate in the event stream fails here.
            self.take(frame.expect("the agent's stream"));
        }
        self.last_seq = conn.last_seq;
    }

    fn take(&mut self, frame: ServerFrame) {
        match frame {
            ServerFrame::Reply(Reply {
                message: Some(m), ..
            }) => self.mine.confirm(&m.client_id, m.id),
            ServerFrame::Event(EventFrame {
                event: Event::Message { message },
                ..
            }) if message.author == Author::Customer => self.heard.push(Heard {
                id: message.id,
                client_id: message.client_id,
                body: message.body,
            }),
            ServerFrame::Error(e) => panic!("the agent was refused: {e:?}"),
            _ => {}
        }
    }
}

struct CustomerSide {
    base: String,
    token: String,
    /// The newest message shown: what `hello` sends.
    after: Option<MessageId>,
    mine: Mine,
    /// The agent's messages, as the widget shows them (one per id).
    heard: Vec<Heard>,
    /// How many times each message id arrived (the widget keeps one per id).
    shown: HashMap<MessageId, usize>,
    cuts: usize,
    rng: StdRng,
}

impl CustomerSide {
    async fn run(mut self) -> CustomerSide {
        while self.mine.written.len() < WRITES || self.cuts < CUTS {
            if self.rng.gen_ratio(1, 10) {
                // Cut in the handshake: hello sent, nothing read.
                let conn = tokio::time::timeout(
                    PATIENCE,
                    CustomerConn::connect(&self.base, &self.token, self.after),
                )
                .await
                .expect("the LDS accepts the widget's socket")
                .unwrap();
                drop(conn);
                self.cuts += 1;
                continue;
            }
            let mut conn = self.connect().await;
            for _ in 0..self.rng.gen_range(0..12) {
                if self.rng.gen_bool(0.5) && self.mine.written.len() < WRITES {
                    self.write_new(&mut conn).await;
                } else {
                    let window = Duration::from_millis(self.rng.gen_range(0..=MAX_READ_MS));
                    self.read_for(&mut conn, window).await;
                }
            }
            drop(conn);
            self.cuts += 1;
        }
        self
    }

    /// Says hello with the last message shown; after the welcome, sends again what it has not
    /// seen stored, same `client_id`s.
    async fn connect(&mut self) -> CustomerConn {
        let mut conn = tokio::time::timeout(
            PATIENCE,
            CustomerConn::connect(&self.base, &self.token, self.after),
        )
        .await
        .expect("the LDS accepts the widget's socket")
        .unwrap();
        let welcome = conn.wait(|_| true).await.expect("a welcome");
        assert!(
            matches!(welcome, CustomerServerFrame::Welcome { .. }),
            "{welcome:?}"
        );
        for client_id in self.mine.unconfirmed() {
            self.mine.resends += 1;
            self.send(&mut conn, client_id).await;
        }
        conn
    }

    async fn write_new(&mut self, conn: &mut CustomerConn) {
        let client_id = self.mine.next();
        self.send(conn, client_id).await;
    }

    async fn send(&mut self, conn: &mut CustomerConn, client_id: String) {
        let body = Mine::body(&client_id);
        conn.send(&CustomerFrame::Send {
            client_id,
            body,
            attachment: None,
        })
        .await
        .expect("the LDS reads the widget's socket");
    }

    async fn read_for(&mut self, conn: &mut CustomerConn, window: Duration) {
        let until = tokio::time::Instant::now() + window;
        while let Ok(frame) = tokio::time::timeout_at(until, conn.wait(|_| true)).await {
            self.take(frame.expect("the widget's socket"));
        }
    }

    fn take(&mut self, frame: CustomerServerFrame) {
        match frame {
            CustomerServerFrame::Message { message } => {
                let times = self.shown.entry(message.id).or_default();
                *times += 1;
                if *times > 1 {
                    return; // the widget keeps one per id
                }
                self.after = self.after.max(Some(message.id));
                match message.author {
                    Author::Customer => self.mine.confirm(&message.client_id, message.id),
                    Author::Agent => self.heard.push(Heard {
                        id: message.id,
                        client_id: message.client_id,
                        body: message.body,
                    }),
                    Author::Note => panic!("a note reached the customer: {message:?}"),
                }
            }
            CustomerServerFrame::Error { .. } | CustomerServerFrame::Closed => {
                panic!("the customer got {frame:?}")
            }
            _ => {}
        }
    }

    fn repeats(&self) -> usize {
        self.shown.values().map(|n| n - 1).sum()
    }
}

/// The conversation as the LDS keeps it, oldest first, paged back from the newest.
async fn history(agent: &mut AgentConn, conversation: ConversationId) -> Vec<Message> {
    let mut all = Vec::new();
    let mut before = None;
    loop {
        let page = match agent
            .command(|cid| ClientFrame::MessageHistory {
                cid,
                conversation,
                before,
                limit: Some(200),
            })
            .await
            .unwrap()
        {
            ServerFrame::Reply(Reply {
                messages: Some(p), ..
            }) => p,
            other => panic!("{other:?}"),
        };
        let mut older = page.messages;
        older.append(&mut all);
        all = older;
        match page.before {
            Some(b) => before = Some(b),
            None => return all,
        }
    }
}

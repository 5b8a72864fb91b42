//! `lds demo`: a team, three agents and a steady stream of every kind of customer request, so the
//! app has something to show. Legs are answered automatically, and some customers give up
//! waiting (their requests are cancelled), so every state of a request appears. Chats alternate
//! between the web widget and WhatsApp customers (`demo_whatsapp`), whose ticks the simulated
//! provider plays back.

use std::time::Duration;

use anyhow::Result;
use chrono::Utc;
use headsup_protocol::lds::NewRequest;
use headsup_protocol::model::{Customer, RequestKind, RequestState};
use headsup_protocol::RequestId;

use crate::config::ServerConfig;
use crate::data::queues::{Channels, QueueSettings};
use crate::demo_whatsapp;
use crate::domain::accounts::{self, NewAgent, Team};
use crate::domain::conversations;
use crate::domain::queues::admin as queues_admin;
use crate::domain::requests::{self, cancel};
use crate::fanout::Fanout;
use crate::server::Server;
use headsup_protocol::chat::StartChat;

pub(crate) const TEAM: &str = "Demo";
/// (e-mail, password, name, time zone)
pub(crate) const AGENTS: [(&str, &str, &str, &str); 3] = [
    ("ana@demo.test", "demo-ana", "Ana Demo", "Europe/Madrid"),
    ("bo@demo.test", "demo-bo", "Bo Demo", "America/New_York"),
    ("carla@demo.test", "demo-carla", "Carla Demo", "Asia/Tokyo"),
];

const CUSTOMERS: [(Option<&str>, &str); 6] = [
    (Some("Maria Lopez"), "+34 600 111 222"),
    (None, "+44 7700 900123"),
    (Some("Jonas Berg"), "+46 70 123 45 67"),
    (Some("Aiko Tanaka"), "+81 90 1234 5678"),
    (None, "+1 555 0100"),
    (Some("Lucas Martin"), "+33 6 12 34 56 78"),
];

/// One customer in this many gives up if nobody answers within [`PATIENCE`].
const GIVES_UP_EVERY: usize = 3;
const PATIENCE: Duration = Duration::from_secs(30);

pub async fn run(mut config: ServerConfig, every: Duration) -> Result<()> {
    config.auto_answer = Some(Duration::from_secs(3));
    let server = Server::start(config).await?;
    let fanout = server.state().fanout.clone();
    let store = fanout.store.clone();
    let team = match accounts::team_by_name(&store.db, TEAM).await? {
        Some(t) => {
            println!("demo team {TEAM:?} exists (its intake key was printed when it was created)");
            t
        }
        None => {
            let (t, key) = accounts::add_team(&store.db, TEAM, 90, 60).await?;
            println!("demo team {TEAM:?} created; intake key: {key}");
            println!("a customer's chat: http://{}/chat#key={key}", server.addr);
            t
        }
    };
    // The demo's queue takes chats too, so its chat customers (and the widget) reach agents.
    let both = QueueSettings {
        channels: Some(Channels {
            voice: true,
            chat: true,
        }),
        ..Default::default()
    };
    queues_admin::set_queue(&store.db, TEAM, "default", both).await?;
    demo_whatsapp::add_template(&store.db, TEAM).await?;
    tokio::spawn(demo_whatsapp::tick_receipts(
        fanout.clone(),
        team.clone(),
        server.state().channels.fake_whatsapp.clone(),
    ));
    for (email, password, name, tz) in AGENTS {
        if accounts::agent_by_email(&store.db, email).await?.is_none() {
            let hash = crate::auth::hash_password(password)?;
            accounts::add_agent(
                &store.db,
                &NewAgent {
                    email,
                    name,
                    team: TEAM,
                    password_hash: &hash,
                    time_zone: tz,
                },
            )
            .await?;
        }
        println!("demo login: {email} / {password}  ({name}, {tz})");
    }
    println!("listening on {}", server.addr);

    let kinds = [
        RequestKind::CallNow,
        RequestKind::InboundCall,
        RequestKind::ChatInbound,
        RequestKind::ScheduledByCustomer,
        RequestKind::CallMeBack,
        RequestKind::ScheduledByAgent,
    ];
    let ana = accounts::agent_by_email(&store.db, AGENTS[0].0)
        .await?
        .map(|(a, _)| a)
        .expect("ana was just created");
    let mut tick = tokio::time::interval(every);
    for n in 0usize.. {
        tick.tick().await;
        let (name, phone) = CUSTOMERS[n % CUSTOMERS.len()];
        let customer = Customer {
            name: name.map(str::to_string),
            phone: Some(phone.to_string()),
        };
        let kind = kinds[n % kinds.len()];
        if kind == RequestKind::ChatInbound && (n / kinds.len()) % 2 == 1 {
            let inbound = demo_whatsapp::inbound(n, name, phone);
            demo_whatsapp::deliver(&fanout, &team, inbound).await;
            continue;
        }
        if kind == RequestKind::ChatInbound {
            // A chat as the widget starts it: a conversation with the customer's first words.
            let start = StartChat {
                name: name.unwrap_or("Web visitor").to_string(),
                text: Some("Hi! Is my order on its way?".to_string()),
                client_id: Some("demo-first".to_string()),
            };
            match conversations::customer::start(&store, &team, None, start).await {
                Ok((chat, published)) => {
                    fanout.publish(published).await;
                    tracing::info!(conversation = %chat.conversation, "demo chat");
                }
                Err(e) => tracing::warn!("demo chat failed: {e}"),
            }
            continue;
        }
        let soon = Utc::now() + chrono::Duration::seconds(45);
        let result = match kind {
            RequestKind::ScheduledByAgent => {
                requests::schedule_by_agent(&store, &ana, customer, soon).await
            }
            _ => {
                let due_at = kind.is_scheduled().then(|| soon.fixed_offset());
                let new = NewRequest {
                    kind,
                    customer,
                    due_at,
                    queue: None,
                };
                requests::intake(&store, &team, new).await
            }
        };
        match result {
            Ok((r, published)) => {
                fanout.publish(published).await;
                tracing::info!(request = %r.id, kind = kind.as_str(), "demo request");
                if n % GIVES_UP_EVERY == 1 && r.state == RequestState::Pending {
                    tokio::spawn(give_up_later(fanout.clone(), team.clone(), r.id));
                }
            }
            Err(e) => tracing::warn!("demo request failed: {e}"),
        }
    }
    Ok(())
}

/// The customer hangs up after [`PATIENCE`] unless an agent took the request first (then the
/// cancel is refused with `already_taken`, which is the point: the agent was quicker).
async fn give_up_later(fanout: Fanout, team: Team, id: RequestId) {
    tokio::time::sleep(PATIENCE).await;
    match cancel::cancel(&fanout.store, &team, id).await {
        Ok((_, published)) => {
            fanout.publish(published).await;
            tracing::info!(request = %id, "demo customer gave up");
        }
        Err(e) => tracing::debug!(request = %id, "demo customer stayed: {e}"),
    }
}

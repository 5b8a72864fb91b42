//! `GET /api/v1/chat/ws`: the customer's WebSocket. The token arrives in the first frame
//! (`hello`), never in the URL. After it, the socket sends every message after the one the
//! widget last showed, then whatever changes: new messages, ticks, the agent joining, the close.
//! What the socket sends is read from the database each time the conversation is poked (or
//! every `hub::LOOK_EVERY`), so a widget that comes back, or a second tab, sees the same
//! conversation with nothing lost or doubled: the widget keeps one message per id.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use headsup_protocol::chat::{
    Author, ConversationState, CustomerFrame, CustomerMessage, CustomerServerFrame, Message,
    MessageState,
};
use headsup_protocol::lds::MAX_FRAME_BYTES;
use headsup_protocol::{ConversationId, ErrorCode, MessageId};
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::WebSocketStream;

use crate::app::AppState;
use crate::data::conversations::{Stage, Stored};
use crate::domain::conversations::customer;
use crate::error::LdsError;
use crate::fanout::chat_hub::LOOK_EVERY;

const HELLO_WITHIN: Duration = Duration::from_secs(10);

type Socket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

pub(crate) async fn upgrade(State(state): State<AppState>, mut request: Request) -> Response {
    let Some(accept) = crate::ws::accept_key(request.headers()) else {
        return LdsError::new(ErrorCode::BadRequest, "not a WebSocket upgrade").into_response();
    };
    let Some(on_upgrade) = request
        .extensions_mut()
        .remove::<hyper::upgrade::OnUpgrade>()
    else {
        return LdsError::new(ErrorCode::BadRequest, "this connection cannot be upgraded")
            .into_response();
    };
    tokio::spawn(async move {
        let Ok(upgraded) = on_upgrade.await else {
            return;
        };
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_FRAME_BYTES))
            .max_frame_size(Some(MAX_FRAME_BYTES));
        let socket =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                .await;
        if let Err(e) = serve(state, socket).await {
            tracing::debug!("customer chat socket ended: {e:#}");
        }
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::CONNECTION, "upgrade")
        .header(header::UPGRADE, "websocket")
        .header(header::SEC_WEBSOCKET_ACCEPT, accept)
        .body(axum::body::Body::empty())
        .expect("a valid response")
}

/// What this socket has told its widget, to tell it only what changed.
struct Told {
    /// The newest message sent.
    last: MessageId,
    states: HashMap<MessageId, MessageState>,
    stage: Option<Stage>,
    agent: Option<String>,
}

impl Told {
    /// Where ticks may still move: the oldest message told that is neither read nor failed (a
    /// fresh socket knows none: from the start, as far as the page reaches).
    fn unsettled_from(&self) -> MessageId {
        if self.states.is_empty() {
            return MessageId(0);
        }
        self.states
            .iter()
            .filter(|(_, s)| !matches!(s, MessageState::Read | MessageState::Failed))
            .map(|(id, _)| *id)
            .min()
            .unwrap_or(MessageId(self.last.0 + 1))
    }
}

async fn send(socket: &mut Socket, frame: &CustomerServerFrame) -> anyhow::Result<()> {
    socket
        .send(WsMessage::text(serde_json::to_string(frame)?))
        .await?;
    Ok(())
}

fn refusal(e: &LdsError, client_id: Option<String>) -> CustomerServerFrame {
    CustomerServerFrame::Error {
        code: e.code(),
        message: e.public_message(),
        client_id,
    }
}

async fn serve(state: AppState, mut socket: Socket) -> anyhow::Result<()> {
    let hello = match tokio::time::timeout(HELLO_WITHIN, socket.next()).await {
        Ok(Some(Ok(WsMessage::Text(t)))) => serde_json::from_str::<CustomerFrame>(&t).ok(),
        _ => None,
    };
    let Some(CustomerFrame::Hello { token, after }) = hello else {
        let e = LdsError::new(
            ErrorCode::HelloRequired,
            "send hello with your chat token first",
        );
        send(&mut socket, &refusal(&e, None)).await?;
        return Ok(());
    };
    let conversation = match customer::by_token(&state.store, &token).await {
        Ok(c) => c,
        Err(e) => {
            send(&mut socket, &refusal(&e, None)).await?;
            return Ok(());
        }
    };
    let id = conversation.id;
    send(
        &mut socket,
        &CustomerServerFrame::Welcome {
            conversation: id,
            state: conversation.stage.public(),
            agent_name: first_name(&conversation),
        },
    )
    .await?;
    let mut told = Told {
        last: after.unwrap_or(MessageId(0)),
        states: HashMap::new(),
        stage: Some(conversation.stage),
        agent: first_name(&conversation),
    };
    let mut woken = state.chats.watch(id);
    let mut look = tokio::time::interval(LOOK_EVERY);
    loop {
        catch_up(&state, &mut socket, id, &mut told).await?;
        // The timed look is for what no wake told of: a conversation just read needs none.
        look.reset();
        tokio::select! {
            changed = woken.changed() => changed?,
            _ = look.tick() => {}
            frame = socket.next() => {
                let Some(frame) = frame else { return Ok(()) };
                match frame? {
                    WsMessage::Text(text) => on_frame(&state, &mut socket, id, &text).await?,
                    WsMessage::Close(_) => return Ok(()),
                    _ => {}
                }
            }
        }
    }
}

async fn on_frame(
    state: &AppState,
    socket: &mut Socket,
    id: ConversationId,
    text: &str,
) -> anyhow::Result<()> {
    let frame = match serde_json::from_str::<CustomerFrame>(text) {
        Ok(f) => f,
        Err(_) => {
            let e = LdsError::new(
                ErrorCode::MalformedFrame,
                "not a frame of the chat protocol",
            );
            return send(socket, &refusal(&e, None)).await;
        }
    };
    match frame {
        CustomerFrame::Hello { .. } => Ok(()),
        CustomerFrame::Send {
            client_id,
            body,
            attachment,
        } => {
            match customer::send(&state.store, id, &client_id, &body, attachment).await {
                Ok((_, published)) => {
                    state.fanout.publish(published).await;
                    // Every socket of this conversation (other tabs) shows it; this one too,
                    // from the catch-up that follows.
                    state.chats.poke(id);
                    Ok(())
                }
                Err(e) => send(socket, &refusal(&e, Some(client_id))).await,
            }
        }
        CustomerFrame::Read { up_to } => {
            let published = customer::ticked(&state.store, id, up_to, MessageState::Read).await?;
            state.fanout.publish(published).await;
            state.chats.poke(id);
            Ok(())
        }
    }
}

/// Sends what changed since `told`, then marks the agent's messages it sent as delivered.
async fn catch_up(
    state: &AppState,
    socket: &mut Socket,
    id: ConversationId,
    told: &mut Told,
) -> anyhow::Result<()> {
    let news = customer::catch_up(&state.store, id, told.last, told.unsettled_from()).await?;
    let mut delivered = None;
    for message in &news.messages {
        if message.author == Author::Agent {
            delivered = Some(message.id);
        }
        told.states.insert(message.id, message.state);
        told.last = told.last.max(message.id);
        let frame = CustomerServerFrame::Message {
            message: for_customer(message),
        };
        send(socket, &frame).await?;
    }
    for (message, now) in news.states {
        if told.states.get(&message) != Some(&now) && message <= told.last {
            told.states.insert(message, now);
            send(
                socket,
                &CustomerServerFrame::State {
                    message,
                    state: now,
                },
            )
            .await?;
        }
    }
    let agent = first_name(&news.conversation);
    if agent.is_some() && agent != told.agent && news.conversation.stage == Stage::Open {
        send(
            socket,
            &CustomerServerFrame::Joined {
                agent_name: agent.clone().unwrap_or_default(),
            },
        )
        .await?;
    }
    told.agent = agent;
    if told.stage != Some(news.conversation.stage) {
        if news.conversation.stage.public() == ConversationState::Closed {
            send(socket, &CustomerServerFrame::Closed).await?;
        }
        told.stage = Some(news.conversation.stage);
    }
    if let Some(up_to) = delivered {
        let published = customer::ticked(&state.store, id, up_to, MessageState::Delivered).await?;
        state.fanout.publish(published).await;
        // Every socket of the conversation shows the new ticks (this one on its next turn).
        state.chats.poke(id);
    }
    Ok(())
}

/// A message as the customer may see it: the agent by first name only.
fn for_customer(m: &Message) -> CustomerMessage {
    CustomerMessage {
        id: m.id,
        client_id: m.client_id.clone(),
        author: m.author,
        agent_name: m.agent.as_ref().map(|a| first(&a.name)),
        body: m.body.clone(),
        state: m.state,
        at: m.at,
        attachment: m.attachment.clone(),
    }
}

fn first_name(c: &Stored) -> Option<String> {
    c.agent.as_ref().map(|a| first(&a.name))
}

fn first(name: &str) -> String {
    name.split_whitespace().next().unwrap_or("").to_string()
}

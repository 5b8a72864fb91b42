//! The run loop, as in str0m's docs: drain the core's outputs, then wait for whichever comes
//! first (a command from the handle, a socket frame, an answer from a background call, the
//! core's timer) and feed it in with `Utc::now()`. It makes no decision of its own.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::Utc;
use futures_util::{SinkExt, StreamExt};
use headsup_core::{Core, Input, LoginFailure, Output};
use headsup_protocol::lds::{LoginResponse, ServerFrame};
use headsup_protocol::view::ViewState;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::lds_api::{self, Socket};
use crate::secret::SecretStore;
use crate::{saved_file, AgentConfig, Command, Shell};

/// How often the loop compares the wall clock with the monotonic one; a jump larger than
/// `CLOCK_JUMP` between two checks means the machine slept (or the clock was set).
const CLOCK_CHECK: StdDuration = StdDuration::from_secs(5);
const CLOCK_JUMP: chrono::Duration = chrono::Duration::seconds(10);

/// Answers from work started in the background, tagged so late answers can be recognised.
enum Background {
    Login(Result<LoginResponse, LoginFailure>),
    /// `attempt` is the connect generation it answers; answers to abandoned attempts are dropped.
    Connected {
        attempt: u64,
        result: Result<Socket, String>,
    },
}

pub struct Driver {
    pub config: AgentConfig,
    pub shell: Arc<dyn Shell>,
    pub secrets: Arc<dyn SecretStore>,
    pub view: Arc<Mutex<ViewState>>,
}

impl Driver {
    pub async fn run(self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let saved = saved_file::load(&self.config.data_dir);
        let mut core = Core::new(self.config.device.clone(), saved, random_seed());
        let (bg_tx, mut bg_rx) = mpsc::unbounded_channel::<Background>();
        let http = reqwest::Client::new();
        let mut socket: Option<Socket> = None;
        let mut attempt: u64 = 0;

        let token = match self.blocking_secret(|s| s.load()).await {
            Some(Ok(token)) => token,
            Some(Err(e)) => {
                tracing::error!(error = %e, "could not read the token; the agent must sign in");
                None
            }
            None => None,
        };
        core.handle(Input::TokenLoaded(token), Utc::now());

        let mut clock_check = tokio::time::interval(CLOCK_CHECK);
        let mut wall_mark = (Utc::now(), Instant::now());

        loop {
            // 1. Perform everything the core asked for.
            let mut render = false;
            let mut save = false;
            while let Some(output) = core.poll() {
                match output {
                    Output::Login { email, password } => {
                        let (http, url, tx) =
                            (http.clone(), self.config.lds_url.clone(), bg_tx.clone());
                        tokio::spawn(async move {
                            let result = lds_api::login(&http, &url, email, password).await;
                            let _ = tx.send(Background::Login(result));
                        });
                    }
                    Output::StoreToken(token) => {
                        if let Err(e) = self
                            .blocking_secret(move |s| s.store(&token))
                            .await
                            .unwrap_or(Ok(()))
                        {
                            tracing::error!(error = %e, "could not keep the token; the agent must sign in again after a restart");
                        }
                    }
                    Output::ClearToken => {
                        if let Err(e) = self.blocking_secret(|s| s.clear()).await.unwrap_or(Ok(()))
                        {
                            tracing::error!(error = %e, "could not remove the token from the secret store");
                        }
                    }
                    Output::Connect => {
                        socket = None;
                        attempt += 1;
                        let (url, tx, this_attempt) =
                            (self.config.lds_url.clone(), bg_tx.clone(), attempt);
                        tokio::spawn(async move {
                            let result = lds_api::connect(&url).await;
                            let _ = tx.send(Background::Connected {
                                attempt: this_attempt,
                                result,
                            });
                        });
                    }
                    Output::Disconnect => {
                        attempt += 1; // Whatever connect is under way is now abandoned.
                        if let Some(mut s) = socket.take() {
                            let _ = s.close(None).await;
                        }
                    }
                    Output::Send(frame) => {
                        let text = serde_json::to_string(&frame).expect("frames serialise");
                        if let Some(s) = socket.as_mut() {
                            if let Err(e) = s.send(Message::text(text)).await {
                                socket = None;
                                core.handle(
                                    Input::Disconnected {
                                        reason: e.to_string(),
                                    },
                                    Utc::now(),
                                );
                            }
                        }
                    }
                    Output::Ping => {
                        if let Some(s) = socket.as_mut() {
                            if let Err(e) = s.send(Message::Ping(Default::default())).await {
                                socket = None;
                                core.handle(
                                    Input::Disconnected {
                                        reason: e.to_string(),
                                    },
                                    Utc::now(),
                                );
                            }
                        }
                    }
                    Output::Notify(n) => self.shell.show_notification(&n),
                    Output::Withdraw(id) => self.shell.withdraw_notification(id),
                    Output::ViewChanged => render = true,
                    Output::SaveState => save = true,
                }
            }
            if save {
                if let Err(e) = saved_file::save(&self.config.data_dir, &core.saved_state()) {
                    tracing::error!(error = %e, "could not save the agent state");
                }
            }
            if render {
                let view = core.view(Utc::now());
                *self.view.lock().expect("view lock") = view.clone();
                self.shell.render(&view);
            }

            // 2. Wait for the next input.
            let deadline = core.poll_timeout().map(|at| {
                let wait = (at - Utc::now()).to_std().unwrap_or(StdDuration::ZERO);
                Instant::now() + wait
            });
            let input = tokio::select! {
                command = commands.recv() => match command {
                    None => break, // Every handle is gone: the app is closing.
                    Some(Command::Intent(intent)) => Input::Intent(intent),
                    Some(Command::Tapped(request)) => Input::NotificationTapped(request),
                },
                Some(answer) = bg_rx.recv() => match answer {
                    Background::Login(result) => Input::LoginFinished(result),
                    Background::Connected { attempt: a, .. } if a != attempt => continue,
                    Background::Connected { result: Ok(s), .. } => {
                        socket = Some(s);
                        Input::Connected
                    }
                    Background::Connected { result: Err(reason), .. } => Input::Disconnected { reason },
                },
                message = next_message(&mut socket) => match message {
                    Some(Ok(Message::Text(text))) => match serde_json::from_str::<ServerFrame>(&text) {
                        Ok(frame) => Input::Frame(frame),
                        Err(e) => {
                            tracing::warn!(error = %e, "unreadable frame from the LDS");
                            Input::Heartbeat
                        }
                    },
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                        socket = None;
                        Input::Disconnected { reason: "connection closed".into() }
                    }
                    // Pings (answered by tungstenite), pongs and anything else: proof of life.
                    Some(Ok(_)) => Input::Heartbeat,
                },
                _ = sleep_until(deadline) => Input::Timeout,
                _ = clock_check.tick() => {
                    let (wall, mono) = (Utc::now(), Instant::now());
                    let expected = chrono::Duration::from_std(mono - wall_mark.1).unwrap_or_default();
                    let jumped = ((wall - wall_mark.0) - expected).abs() > CLOCK_JUMP;
                    wall_mark = (wall, mono);
                    if !jumped {
                        continue;
                    }
                    Input::ClockJumped
                }
            };
            core.handle(input, Utc::now());
        }
        if let Some(mut s) = socket {
            let _ = s.close(None).await;
        }
    }

    /// Runs a secret-store call off the async threads (the OS stores block). `None` if the
    /// blocking task panicked.
    async fn blocking_secret<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn SecretStore) -> Result<T, crate::SecretError> + Send + 'static,
    ) -> Option<Result<T, crate::SecretError>> {
        let secrets = self.secrets.clone();
        let result = tokio::task::spawn_blocking(move || f(secrets.as_ref()))
            .await
            .ok()?;
        Some(result)
    }
}

async fn next_message(
    socket: &mut Option<Socket>,
) -> Option<Result<Message, tokio_tungstenite::tungstenite::Error>> {
    match socket {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// A seed for the reconnect jitter, different per process, so a fleet of agents does not
/// reconnect in step after an LDS restart. std's RandomState is randomly keyed per process.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::process::id())
}

//! The run loop, as in str0m's docs: drain the core's outputs, then wait for whichever comes
//! first (a command from the handle, a socket frame, an answer from a background call, the
//! core's timer) and feed it in with `Utc::now()`. It makes no decision of its own.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::Utc;
use futures_util::{SinkExt, StreamExt};
use headsup_core::{Core, Input, LoginFailure, Output};
use headsup_protocol::lds::{LoginResponse, ServerFrame};
use headsup_protocol::view::ViewReplica;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::lds_api::{self, Socket};
use crate::secret::SecretStore;
use crate::state_writer::{ShellCall, StateWriter};
use crate::{saved_file, tls, AgentConfig, Command, Shell};

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
        // Boxed: a TLS socket is large, and the channel's every message would pay for it.
        result: Result<Box<Socket>, String>,
    },
}

/// The HTTP client and the TLS configuration for https and wss, or why they could not be built.
type Network = Result<(reqwest::Client, Arc<rustls::ClientConfig>), String>;

pub struct Driver {
    pub config: AgentConfig,
    pub shell: Arc<dyn Shell>,
    pub secrets: Arc<dyn SecretStore>,
    pub view: Arc<Mutex<ViewReplica>>,
    pub state_writes: Arc<AtomicU64>,
}

/// Everything the loop holds while the agent runs: the core and the I/O it drives.
struct Running {
    core: Core,
    writer: StateWriter,
    network: Network,
    socket: Option<Socket>,
    /// The connect generation: bumped by every connect and disconnect, so a late answer to an
    /// abandoned attempt is recognised.
    attempt: u64,
    background_tx: mpsc::UnboundedSender<Background>,
    background_rx: mpsc::UnboundedReceiver<Background>,
    clock: ClockWatch,
    /// The core asked for a render during this drain; done once at its end.
    view_changed: bool,
}

/// Every handle is gone: the app is closing.
struct Closing;

impl Driver {
    pub async fn run(self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut agent = self.start().await;
        loop {
            self.drain_outputs(&mut agent).await;
            let Ok(input) = self.next_input(&mut agent, &mut commands).await else {
                break;
            };
            if let Some(input) = input {
                agent.core.handle(input, Utc::now());
            }
        }
        self.stop(agent).await;
    }

    /// Loads the saved state and the token and hands the token to a new core.
    async fn start(&self) -> Running {
        let saved = saved_file::load(&self.config.data_dir);
        let writer = StateWriter::new(saved.notified.clone());
        let mut core = Core::new(self.config.device.clone(), saved, random_seed());
        let (background_tx, background_rx) = mpsc::unbounded_channel::<Background>();
        let network = self.network();
        let token = self.load_token().await;
        core.handle(Input::TokenLoaded(token), Utc::now());
        Running {
            core,
            writer,
            network,
            socket: None,
            attempt: 0,
            background_tx,
            background_rx,
            clock: ClockWatch::new(),
            view_changed: false,
        }
    }

    /// One TLS configuration for https and wss. If it cannot be built (the extra root file is
    /// unreadable), sign-in and connecting fail with the reason rather than silently trusting
    /// less than the configuration asked for.
    fn network(&self) -> Network {
        let network = tls::client_config(self.config.extra_root_pem.as_deref())
            .map_err(|e| e.to_string())
            .and_then(|tls| Ok((lds_api::http_client(tls.clone())?, tls)));
        if let Err(e) = &network {
            tracing::error!(error = %e, "the LDS cannot be reached");
        }
        network
    }

    async fn load_token(&self) -> Option<String> {
        match self.blocking_secret(|s| s.load()).await {
            Some(Ok(token)) => token,
            Some(Err(e)) => {
                tracing::error!(error = %e, "could not read the token; the agent must sign in");
                None
            }
            None => None,
        }
    }

    /// Performs everything the core asked for, lets the state writer release what it may, and
    /// renders the view once if it changed.
    async fn drain_outputs(&self, agent: &mut Running) {
        while let Some(output) = agent.core.poll() {
            self.perform(agent, output).await;
        }
        self.settle(&mut agent.writer, &agent.core);
        if std::mem::take(&mut agent.view_changed) {
            self.send_view(&mut agent.core);
        }
    }

    async fn perform(&self, agent: &mut Running, output: Output) {
        match output {
            Output::Login { email, password } => self.start_login(agent, email, password),
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
                if let Err(e) = self.blocking_secret(|s| s.clear()).await.unwrap_or(Ok(())) {
                    tracing::error!(error = %e, "could not remove the token from the secret store");
                }
            }
            Output::Connect => self.start_connect(agent),
            Output::Disconnect => {
                agent.attempt += 1; // Whatever connect is under way is now abandoned.
                if let Some(mut s) = agent.socket.take() {
                    let _ = s.close(None).await;
                }
            }
            Output::Send(frame) => {
                let text = serde_json::to_string(&frame).expect("frames serialise");
                send_on_socket(agent, Message::text(text)).await;
            }
            Output::Ping => send_on_socket(agent, Message::Ping(Default::default())).await,
            // Notifications wait for the file to list their request (state_writer.rs).
            Output::Notify(n) => agent.writer.shell_call(ShellCall::Show(n)),
            Output::Withdraw(id) => agent.writer.shell_call(ShellCall::Withdraw(id)),
            Output::ViewChanged => agent.view_changed = true,
            Output::SaveState => agent.writer.save_requested(),
            Output::KeepAlive(wanted) => self.shell.keep_alive(wanted),
            Output::AskNotificationPermission => self.shell.ask_notification_permission(),
            Output::SaveAttachment { attachment, name } => {
                self.start_save(agent, attachment, name).await
            }
        }
    }

    fn start_login(&self, agent: &Running, email: String, password: String) {
        let (network, url, tx) = (
            agent.network.clone(),
            self.config.lds_url.clone(),
            agent.background_tx.clone(),
        );
        tokio::spawn(async move {
            let result = match network {
                Ok((http, _)) => lds_api::login(&http, &url, email, password).await,
                Err(e) => Err(LoginFailure::Unreachable(e)),
            };
            let _ = tx.send(Background::Login(result));
        });
    }

    /// Downloads a chat file in the background into the shell's downloads folder.
    async fn start_save(
        &self,
        agent: &Running,
        attachment: headsup_protocol::AttachmentId,
        name: String,
    ) {
        let Some(dir) = self.shell.downloads_dir() else {
            tracing::warn!("this shell has no downloads folder; the file is not saved");
            return;
        };
        let (Ok((http, _)), Some(token)) = (agent.network.clone(), self.load_token().await) else {
            return;
        };
        let url = self.config.lds_url.clone();
        tokio::spawn(async move {
            let saved = match crate::attachments::download(&http, &url, &token, attachment).await {
                Ok(bytes) => tokio::task::spawn_blocking(move || {
                    crate::attachments::save(&dir, &name, &bytes).map_err(|e| e.to_string())
                })
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r),
                Err(e) => Err(e),
            };
            match saved {
                Ok(path) => tracing::info!(path = %path.display(), "chat file saved"),
                Err(error) => tracing::warn!(%error, "the chat file could not be saved"),
            }
        });
    }

    fn start_connect(&self, agent: &mut Running) {
        agent.socket = None;
        agent.attempt += 1;
        let (url, tx, this_attempt) = (
            self.config.lds_url.clone(),
            agent.background_tx.clone(),
            agent.attempt,
        );
        let network = agent.network.clone();
        tokio::spawn(async move {
            let result = match network {
                Ok((_, tls)) => lds_api::connect(&url, tls).await.map(Box::new),
                Err(e) => Err(e),
            };
            if let Err(reason) = &result {
                tracing::warn!(%reason, "could not open the LDS socket");
            }
            let _ = tx.send(Background::Connected {
                attempt: this_attempt,
                result,
            });
        });
    }

    /// Waits for whichever comes first: a command from a handle, an answer from background
    /// work, a socket message, the core's timeout, the state writer's deadline or a clock check.
    /// `None`: it was dealt with here (a late answer, a due state-file write, a clock check
    /// without a jump).
    async fn next_input(
        &self,
        agent: &mut Running,
        commands: &mut mpsc::UnboundedReceiver<Command>,
    ) -> Result<Option<Input>, Closing> {
        let deadline = agent.core.poll_timeout().map(|at| {
            let wait = (at - Utc::now()).to_std().unwrap_or(StdDuration::ZERO);
            Instant::now() + wait
        });
        tokio::select! {
            command = commands.recv() => match command {
                None => Err(Closing),
                Some(Command::Intent(intent)) => Ok(Some(Input::Intent(intent))),
                Some(Command::Tapped(request)) => Ok(Some(Input::NotificationTapped(request))),
                Some(Command::ChatTapped(id)) => Ok(Some(Input::ChatNotificationTapped(id))),
            },
            Some(answer) = agent.background_rx.recv() => Ok(background_answer(agent, answer)),
            message = next_message(&mut agent.socket) => {
                Ok(Some(socket_message(&mut agent.socket, message)))
            }
            _ = sleep_until(deadline) => Ok(Some(Input::Timeout)),
            _ = sleep_until(agent.writer.deadline()) => {
                self.settle(&mut agent.writer, &agent.core);
                Ok(None)
            }
            jumped = agent.clock.check() => Ok(jumped.then_some(Input::ClockJumped)),
        }
    }

    /// The app is closing: a pending state write is done, the socket closed.
    async fn stop(&self, mut agent: Running) {
        if agent.writer.shutdown(agent.core.notified()) {
            self.write_state(&agent.core);
        }
        if let Some(mut s) = agent.socket.take() {
            let _ = s.close(None).await;
        }
    }

    /// The view's next update to the copy behind the handle and to the shell (patches, not the
    /// whole view: see `headsup_protocol::view::patch`).
    fn send_view(&self, core: &mut Core) {
        let Some(update) = core.view_update(Utc::now()) else {
            return;
        };
        let mut copy = self.view.lock().expect("view lock");
        if copy.receive(update.clone()).is_err() {
            // Cannot happen (the core numbers its own updates); a full slice heals it anyway.
            copy.receive(core.full_view()).ok();
        }
        self.shell.update_view(&update, &copy.view);
    }

    /// Writes the saved state if due, then performs the notification calls it allows.
    fn settle(&self, writer: &mut StateWriter, core: &Core) {
        let now = Instant::now();
        let step = writer.step(core.notified(), now);
        if step.write {
            self.write_state(core);
            writer.written(core.notified(), now);
        }
        for call in step.release {
            match call {
                ShellCall::Show(n) => self.shell.show_notification(&n),
                ShellCall::Withdraw(id) => self.shell.withdraw_notification(id),
            }
        }
    }

    /// A failed write is logged and counted as written: retrying at once would fail the same way,
    /// and holding notifications until the disk recovers would silence the agent. The next
    /// change tries again.
    fn write_state(&self, core: &Core) {
        if let Err(e) = saved_file::save(&self.config.data_dir, &core.saved_state()) {
            tracing::error!(error = %e, "could not save the agent state");
        }
        self.state_writes.fetch_add(1, Ordering::Relaxed);
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

/// Sends on the open socket, if any; a failed send means the connection is gone.
async fn send_on_socket(agent: &mut Running, message: Message) {
    if let Some(s) = agent.socket.as_mut() {
        if let Err(e) = s.send(message).await {
            agent.socket = None;
            agent.core.handle(
                Input::Disconnected {
                    reason: e.to_string(),
                },
                Utc::now(),
            );
        }
    }
}

/// A background answer as an input; answers to abandoned connect attempts are dropped.
fn background_answer(agent: &mut Running, answer: Background) -> Option<Input> {
    let input = match answer {
        Background::Login(result) => Input::LoginFinished(result),
        Background::Connected { attempt, .. } if attempt != agent.attempt => return None,
        Background::Connected { result: Ok(s), .. } => {
            agent.socket = Some(*s);
            Input::Connected
        }
        Background::Connected {
            result: Err(reason),
            ..
        } => Input::Disconnected { reason },
    };
    Some(input)
}

/// A socket message as an input; a close or an error forgets the socket.
fn socket_message(
    socket: &mut Option<Socket>,
    message: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
) -> Input {
    match message {
        Some(Ok(Message::Text(text))) => match serde_json::from_str::<ServerFrame>(&text) {
            Ok(frame) => Input::Frame(Box::new(frame)),
            Err(e) => {
                tracing::warn!(error = %e, "unreadable frame from the LDS");
                Input::Heartbeat
            }
        },
        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
            *socket = None;
            Input::Disconnected {
                reason: "connection closed".into(),
            }
        }
        // Pings (answered by tungstenite), pongs and anything else: proof of life.
        Some(Ok(_)) => Input::Heartbeat,
    }
}

/// Compares the wall clock with the monotonic one every [`CLOCK_CHECK`].
struct ClockWatch {
    interval: tokio::time::Interval,
    mark: (chrono::DateTime<Utc>, Instant),
}

impl ClockWatch {
    fn new() -> Self {
        ClockWatch {
            interval: tokio::time::interval(CLOCK_CHECK),
            mark: (Utc::now(), Instant::now()),
        }
    }

    /// Waits for the next check; true if the clock jumped since the last one. Cancel-safe: only
    /// the interval's tick is awaited.
    async fn check(&mut self) -> bool {
        self.interval.tick().await;
        let mark = (Utc::now(), Instant::now());
        let jumped = clock_jumped(self.mark, mark);
        self.mark = mark;
        jumped
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

/// Whether the wall clock moved differently from the monotonic one between two marks by more
/// than [`CLOCK_JUMP`]: the machine slept (the monotonic clock stops in suspend on Linux) or the
/// time was set. Either way events may have been missed.
fn clock_jumped(
    before: (chrono::DateTime<Utc>, Instant),
    after: (chrono::DateTime<Utc>, Instant),
) -> bool {
    let expected = chrono::Duration::from_std(after.1 - before.1).unwrap_or_default();
    ((after.0 - before.0) - expected).abs() > CLOCK_JUMP
}

/// A seed for the reconnect jitter, different per process, so a fleet of agents does not
/// reconnect in step after an LDS restart. std's RandomState is randomly keyed per process.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wall_clock_that_runs_with_the_monotonic_one_is_no_jump() {
        let (wall, mono) = (Utc::now(), Instant::now());
        let later = (wall + chrono::Duration::seconds(5), mono + CLOCK_CHECK);
        assert!(!clock_jumped((wall, mono), later));
        // Scheduling delays of a few seconds are not a jump either.
        let late = (
            wall + chrono::Duration::seconds(12),
            mono + StdDuration::from_secs(9),
        );
        assert!(!clock_jumped((wall, mono), late));
    }

    #[test]
    fn sleep_or_a_set_clock_is_a_jump_either_way() {
        let (wall, mono) = (Utc::now(), Instant::now());
        let slept = (wall + chrono::Duration::hours(1), mono + CLOCK_CHECK);
        assert!(clock_jumped((wall, mono), slept));
        let set_back = (wall - chrono::Duration::minutes(2), mono + CLOCK_CHECK);
        assert!(clock_jumped((wall, mono), set_back));
    }
}

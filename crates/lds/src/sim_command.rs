//! `lds sim …` (part of the `lds` binary, not the library): plays the customer and the telephone
//! network against a running server, so a demo or a manual test needs no curl. Each command is
//! one HTTP call with the team's intake key ([`lds::sim_client`]); it prints the server's answer
//! as one line of JSON, or the documented error code and message (exit status 1).

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use headsup_protocol::chat::{MessageState, ProviderInbound, ProviderReceipt};
use headsup_protocol::model::LegState;
use headsup_protocol::MessageId;
use lds::sim_client::{SimClient, SimLeg};

#[derive(Args)]
pub struct SimArgs {
    /// The running server's base URL.
    #[arg(
        long,
        env = "LDS_SERVER",
        default_value = "http://127.0.0.1:7700",
        global = true
    )]
    server: String,
    /// The team's intake key (printed by `lds team add`); the telephony system and the website
    /// widget hold it. Prefer the environment variable: command lines are visible to other users.
    /// [required]
    // Optional for clap only: a global argument cannot be required, and global lets it follow
    // the subcommand (`lds sim answer --intake-key …`).
    #[arg(long, env = "LDS_INTAKE_KEY", hide_env_values = true, global = true)]
    intake_key: Option<String>,
    #[command(subcommand)]
    command: SimCommand,
}

#[derive(Subcommand)]
enum SimCommand {
    /// A call leg was picked up (both answered: the session is bridged).
    Answer(LegArgs),
    /// A call leg could not be connected (ends the session).
    Fail(LegArgs),
    /// A call leg hung up (ends the session).
    HangUp(LegArgs),
    /// The customer gave up before an agent took the request (it is cancelled).
    Cancel {
        /// The request's id (from intake, or the agent's list).
        #[arg(long)]
        request: i64,
    },
    /// A customer writes on WhatsApp (the fake provider): a new phone starts a chat request.
    Message {
        /// Their phone, international: +34600111222.
        #[arg(long)]
        from: String,
        /// Their WhatsApp profile name.
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        text: String,
        /// The provider's message id (a new one each time unless given: the same id again is
        /// stored once).
        #[arg(long)]
        id: Option<String>,
    },
    /// The fake WhatsApp provider reports an agent's message delivered, read or failed.
    Receipt {
        /// The message's id (from the agent's `message` event).
        #[arg(long)]
        message: i64,
        #[arg(long, value_enum)]
        state: ReceiptArg,
        /// Why it failed (with `--state failed`).
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ReceiptArg {
    Delivered,
    Read,
    Failed,
}

#[derive(Args)]
struct LegArgs {
    /// The session's id (from the agent's `assigned` event or the accept reply).
    #[arg(long)]
    session: i64,
    #[arg(long, value_enum)]
    leg: LegArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum LegArg {
    Agent,
    Customer,
}

pub async fn run(args: SimArgs) -> Result<()> {
    let key = args
        .intake_key
        .context("the team's intake key is required: set LDS_INTAKE_KEY or pass --intake-key")?;
    let client = SimClient::new(&args.server, &key)?;
    let answer = match args.command {
        SimCommand::Answer(l) => leg(&client, l, LegState::Answered).await?,
        SimCommand::Fail(l) => leg(&client, l, LegState::Failed).await?,
        SimCommand::HangUp(l) => leg(&client, l, LegState::HungUp).await?,
        SimCommand::Cancel { request } => serde_json::to_string(&client.cancel(request).await?)?,
        SimCommand::Message {
            from,
            name,
            text,
            id,
        } => {
            let inbound = ProviderInbound {
                from,
                name,
                text,
                id: id.unwrap_or_else(|| format!("sim-{}", uuid_like())),
            };
            serde_json::to_string(&client.whatsapp_message(&inbound).await?)?
        }
        SimCommand::Receipt {
            message,
            state,
            reason,
        } => {
            let state = match state {
                ReceiptArg::Delivered => MessageState::Delivered,
                ReceiptArg::Read => MessageState::Read,
                ReceiptArg::Failed => MessageState::Failed,
            };
            let receipt = ProviderReceipt {
                message: MessageId(message),
                state,
                reason,
            };
            serde_json::to_string(&client.whatsapp_receipt(&receipt).await?)?
        }
    };
    println!("{answer}");
    Ok(())
}

/// A provider message id unlikely to repeat: the time in nanoseconds and the process id.
fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{:x}", std::process::id())
}

async fn leg(client: &SimClient, args: LegArgs, state: LegState) -> Result<String> {
    let leg = match args.leg {
        LegArg::Agent => SimLeg::Agent,
        LegArg::Customer => SimLeg::Customer,
    };
    let session = client.leg(args.session, leg, state).await?;
    Ok(serde_json::to_string(&session)?)
}

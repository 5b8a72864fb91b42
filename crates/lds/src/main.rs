//! `lds`: the Lead Distribution System's command line. See `docs/protocol.md` for the protocol
//! and `lds --help` for the commands.

mod cases_command;
mod list_command;
mod logging;
mod mask_command;
mod queue_command;
mod sim_command;

use std::io::Read;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use lds::admin::{self as accounts, NewAgent};
use lds::{Server, ServerConfig};
use queue_command::{QueueCommand, ReasonCommand};

#[derive(Parser)]
#[command(name = "lds", version, about = "Heads-Up's Lead Distribution System")]
struct Cli {
    /// sqlite://PATH or postgres://USER:PASSWORD@HOST/DB [default: lds.db in the user's data dir]
    #[arg(long, env = "LDS_DATABASE_URL", global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API and the agents' WebSockets.
    Serve(ServeArgs),
    /// Serve with a seeded team, demo agents and a steady stream of customer requests.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// Seconds between demo requests (at least 1).
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
        every_secs: u64,
    },
    /// Manage teams.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Manage agents.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Manage a team's queues and who serves them.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// Manage a team's reasons for being not ready.
    #[command(subcommand)]
    Reason(ReasonCommand),
    /// Manage a team's contact lists and who may see them.
    #[command(subcommand)]
    List(list_command::ListCommand),
    /// Manage a team's call lists (callbacks to make), who may work them, where missed calls
    /// land; import cases from a CSV file.
    #[command(subcommand)]
    Cases(cases_command::CasesCommand),
    /// Hide customers' names, phones or e-mails from a team's or a queue's agents.
    #[command(subcommand)]
    Mask(mask_command::MaskCommand),
    /// Play customers and the telephone network against a running server: answer, fail or hang
    /// up a call leg, or cancel a request (see docs/protocol.md, "Simulated telephony"); play
    /// the fake WhatsApp provider (messages from phones, receipts; §2.12).
    Sim(sim_command::SimArgs),
    /// Write the machine-readable contract (openapi.json, schema/*.json) into a directory.
    Schema {
        #[arg(long, default_value = "docs")]
        out: std::path::PathBuf,
    },
}

#[derive(Args, Clone)]
struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:7700")]
    listen: SocketAddr,
    /// An Origin allowed to open agent WebSockets (repeatable; replaces the Tauri defaults).
    #[arg(long = "allow-origin")]
    allow_origins: Vec<String>,
    /// Session token lifetime, 1 to 8760 hours (a year).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=8760))]
    token_ttl_hours: i64,
    /// Simulated telephony answers both legs after this many seconds (default: never; answer
    /// through POST /api/v1/sim/sessions/{id}/legs/{leg}).
    #[arg(long)]
    auto_answer_secs: Option<u64>,
    /// Sign-in attempts allowed per account per sliding minute (counted in the database, so
    /// shared by every process on it). At least 1.
    #[arg(long, default_value_t = 10, value_parser = at_least_one())]
    login_per_account_per_min: u32,
    /// Sign-in attempts allowed per client address per sliding minute (in the database).
    /// At least 1.
    #[arg(long, default_value_t = 60, value_parser = at_least_one())]
    login_per_address_per_min: u32,
    /// Intake requests allowed per team per minute (counted in this process's memory).
    /// At least 1.
    #[arg(long, default_value_t = 6000, value_parser = at_least_one())]
    intake_per_team_per_min: u32,
    /// Open connections (HTTP and agent WebSockets) at most; one more is answered
    /// `503 too_many_connections` [default: the open-file limit, raised to its hard limit at
    /// start, less 128]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: Option<u64>,
    /// Seconds a new connection may take to start its first request, and a kept-alive one its
    /// next (1 to 3600).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle_timeout_secs: u64,
    /// Seconds a request head (request line and headers) may take to arrive (1 to 3600).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_read_timeout_secs: u64,
}

#[derive(Subcommand)]
enum TeamCommand {
    /// Create a team; prints its intake key (shown once).
    Add {
        #[arg(long)]
        name: String,
        /// Seconds a request waits for an agent before it times out (1 to 86400).
        #[arg(
            long,
            default_value_t = accounts::DEFAULT_OFFER_TIMEOUT_SECS,
            value_parser = clap::value_parser!(i64).range(1..=86_400)
        )]
        offer_timeout_secs: i64,
        /// Delay before a missed call-now request is called back (auto-scheduled call-me-back),
        /// 0 to 604800 seconds (a week).
        #[arg(
            long,
            default_value_t = accounts::DEFAULT_CALLBACK_DELAY_SECS,
            value_parser = clap::value_parser!(i64).range(0..=604_800)
        )]
        callback_delay_secs: i64,
    },
    /// Change a team's rules.
    Set {
        #[arg(long)]
        name: String,
        /// Set an agent not ready (reason `missed_offers`) after this many offers in a row time
        /// out on them, 1 to 100; 0 turns the rule off.
        #[arg(long, value_parser = clap::value_parser!(i64).range(0..=100))]
        not_ready_after_missed: Option<i64>,
        /// How long a transfer waits for its target when the agent names no timeout, 10 to
        /// 3,600 seconds (300 unless set).
        #[arg(long, value_parser = clap::value_parser!(i64).range(10..=3600))]
        transfer_timeout_secs: Option<i64>,
        /// The country national phone numbers are read in (ISO 3166 alpha-2: ES, GB, US), or
        /// `none`: `600 11 12 22` is then +34600111222 with ES.
        #[arg(long)]
        phone_region: Option<String>,
    },
}

#[derive(Subcommand)]
enum AgentCommand {
    /// Create an agent; the password is read from stdin (never from the command line).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        team: String,
        #[arg(long, required = true)]
        password_stdin: bool,
        /// IANA time zone the agent's times are shown in.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
    },
    /// List agents.
    List,
}

/// A count flag that 0 would make meaningless (a rate limit nobody can pass).
fn at_least_one() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(1..)
}

/// Exit status 1 with `error: <cause>: <cause>…` on stderr (for `lds sim`, `<status> <code>:
/// <message>` as `docs/protocol.md` documents).
fn main() -> std::process::ExitCode {
    match run_main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run_main() -> Result<()> {
    logging::init();
    let cli = Cli::parse();
    let database_url = cli.database_url.unwrap_or_else(lds::db::default_url);
    tokio::runtime::Runtime::new()?.block_on(run(cli.command, database_url))
}

async fn run(command: Command, database_url: String) -> Result<()> {
    if matches!(command, Command::Serve(_) | Command::Demo { .. }) {
        // Every connection is a descriptor: take all the system allows this process.
        match lds::fd_limit::raise_to_hard_limit() {
            Ok(limit) => tracing::info!(open_file_limit = limit, "open-file limit"),
            Err(e) => tracing::warn!("could not read or raise the open-file limit: {e}"),
        }
    }
    match command {
        Command::Serve(args) => {
            let server = Server::start(server_config(&args, database_url)).await?;
            // Tests and scripts wait for this exact line.
            println!("listening on {}", server.addr);
            server.wait().await
        }
        Command::Demo { serve, every_secs } => {
            lds::demo::run(
                server_config(&serve, database_url),
                Duration::from_secs(every_secs),
            )
            .await
        }
        Command::Team(TeamCommand::Add {
            name,
            offer_timeout_secs,
            callback_delay_secs,
        }) => {
            let db = lds::db::Db::connect(&database_url).await?;
            let (_, key) =
                accounts::add_team(&db, &name, offer_timeout_secs, callback_delay_secs).await?;
            println!("{key}");
            Ok(())
        }
        Command::Team(TeamCommand::Set {
            name,
            not_ready_after_missed,
            transfer_timeout_secs,
            phone_region,
        }) => {
            if not_ready_after_missed.is_none()
                && transfer_timeout_secs.is_none()
                && phone_region.is_none()
            {
                anyhow::bail!(
                    "nothing to set: give --not-ready-after-missed, --transfer-timeout-secs or \
                     --phone-region"
                );
            }
            let db = lds::db::Db::connect(&database_url).await?;
            if let Some(missed) = not_ready_after_missed {
                let limit = (missed > 0).then_some(missed);
                accounts::queues::set_not_ready_after_missed(&db, &name, limit).await?;
                match limit {
                    Some(n) => println!("{name}: not ready after {n} missed offers"),
                    None => println!("{name}: never set not ready for missed offers"),
                }
            }
            if let Some(secs) = transfer_timeout_secs {
                accounts::queues::set_transfer_timeout(&db, &name, secs).await?;
                println!("{name}: transfers wait {secs} s for their target");
            }
            if let Some(region) = phone_region {
                let region = (region != "none").then_some(region.as_str());
                accounts::contacts::set_phone_region(&db, &name, region).await?;
                println!(
                    "{name}: national numbers read in {}",
                    region.unwrap_or("no country")
                );
            }
            Ok(())
        }
        Command::Agent(AgentCommand::Add {
            email,
            name,
            team,
            password_stdin: _,
            time_zone,
        }) => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from stdin")?;
            let password = password.trim_end_matches(['\r', '\n']);
            if password.is_empty() {
                bail!("empty password on stdin");
            }
            let db = lds::db::Db::connect(&database_url).await?;
            let hash = lds::auth::hash_password(password)?;
            let id = accounts::add_agent(
                &db,
                &NewAgent {
                    email: &email,
                    name: &name,
                    team: &team,
                    password_hash: &hash,
                    time_zone: &time_zone,
                },
            )
            .await?;
            println!("agent {id} added: {email}");
            Ok(())
        }
        Command::Sim(args) => sim_command::run(args).await,
        Command::Queue(command) => queue_command::run_queue(command, &database_url).await,
        Command::Reason(command) => queue_command::run_reason(command, &database_url).await,
        Command::List(command) => list_command::run(command, &database_url).await,
        Command::Mask(command) => mask_command::run(command, &database_url).await,
        Command::Cases(command) => cases_command::run(command, &database_url).await,
        Command::Schema { out } => lds::contract::write(&out),
        Command::Agent(AgentCommand::List) => {
            let db = lds::db::Db::connect(&database_url).await?;
            let presences = accounts::queues::presences(&db).await?;
            for a in accounts::list_agents(&db).await? {
                let presence = presences.get(&a.id).map(ToString::to_string);
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    a.id,
                    a.email,
                    a.name,
                    a.team_name,
                    a.time_zone,
                    presence.unwrap_or_default()
                );
            }
            Ok(())
        }
    }
}

fn server_config(args: &ServeArgs, database_url: String) -> ServerConfig {
    let mut config = ServerConfig::new(args.listen, database_url);
    if !args.allow_origins.is_empty() {
        config.allowed_origins = args.allow_origins.clone();
    }
    config.token_ttl = chrono::Duration::hours(args.token_ttl_hours);
    config.auto_answer = args.auto_answer_secs.map(Duration::from_secs);
    config.max_connections = args
        .max_connections
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    config.first_request_within = Duration::from_secs(args.idle_timeout_secs);
    config.header_read_timeout = Duration::from_secs(args.header_read_timeout_secs);
    config.rates = lds::rate_limit::Rates {
        login_per_account_per_min: args.login_per_account_per_min,
        login_per_address_per_min: args.login_per_address_per_min,
        intake_per_team_per_min: args.intake_per_team_per_min,
    };
    config
}

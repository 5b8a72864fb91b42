//! `lds cases …` (part of the `lds` binary, not the library): a team's call lists, who may work
//! them, where a queue's missed calls land, and CSV import.

use anyhow::{Context, Result};
use clap::Subcommand;
use lds::admin::call_cases::{self as cases, ListSettings, Worker};

#[derive(Subcommand)]
pub enum CasesCommand {
    /// Add a call list to a team (with the default handling codes: success, wrong_number,
    /// busy, no_answer, call_back).
    AddList {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        /// Calls made before a busy / no answer closes the case as unreachable.
        #[arg(long, default_value_t = 3)]
        max_attempts: u32,
        #[arg(long, default_value_t = 3600)]
        retry_delay_secs: u32,
        /// How long an assigned case may be overdue before it goes to the list's pool.
        #[arg(long, default_value_t = 3600)]
        grace_secs: u32,
        /// How long after its first due time an open case expires.
        #[arg(long, default_value_t = 7 * 24 * 3600)]
        expiry_secs: u32,
    },
    /// Let an agent (--email) or every member of a queue (--queue) work the list.
    Grant {
        #[arg(long)]
        team: String,
        #[arg(long)]
        list: String,
        #[arg(long, conflicts_with = "queue", required_unless_present = "queue")]
        email: Option<String>,
        #[arg(long)]
        queue: Option<String>,
    },
    /// Make a queue's missed and dropped calls become cases in --list (none: no --list).
    Route {
        #[arg(long)]
        team: String,
        #[arg(long)]
        queue: String,
        #[arg(long)]
        list: Option<String>,
    },
    /// Import a CSV into a list, all or nothing: a header line naming the columns `phone`
    /// (required), `due_local` + `time_zone` or `due_at`. Wrong lines are listed, none imported.
    Import {
        #[arg(long)]
        team: String,
        #[arg(long)]
        list: String,
        /// The CSV file.
        file: std::path::PathBuf,
    },
}

pub async fn run(command: CasesCommand, database_url: &str) -> Result<()> {
    let db = lds::db::Db::connect(database_url).await?;
    match command {
        CasesCommand::AddList {
            team,
            name,
            max_attempts,
            retry_delay_secs,
            grace_secs,
            expiry_secs,
        } => {
            let settings = ListSettings {
                max_attempts,
                retry_delay_secs,
                grace_secs,
                expiry_secs,
            };
            cases::add_list(&db, &team, &name, settings).await?;
            println!("call list {name} added to {team}");
        }
        CasesCommand::Grant {
            team,
            list,
            email,
            queue,
        } => {
            let to = match (&email, &queue) {
                (Some(email), _) => Worker::Agent(email),
                (None, Some(queue)) => Worker::Queue(queue),
                (None, None) => Worker::Queue(""),
            };
            let changed = cases::grant(&db, &team, &list, to, true).await?;
            println!(
                "{}",
                if changed {
                    "granted"
                } else {
                    "already granted"
                }
            );
        }
        CasesCommand::Route { team, queue, list } => {
            cases::route(&db, &team, &queue, list.as_deref()).await?;
            match list {
                Some(list) => println!("missed calls of {queue} become cases in {list}"),
                None => println!("missed calls of {queue} make no cases"),
            }
        }
        CasesCommand::Import { team, list, file } => {
            let len = std::fs::metadata(&file)
                .with_context(|| format!("reading {}", file.display()))?
                .len();
            if len > cases::MAX_IMPORT_BYTES as u64 {
                anyhow::bail!(
                    "the file is larger than {} bytes; split it",
                    cases::MAX_IMPORT_BYTES
                );
            }
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let text = String::from_utf8(bytes).context("the file is not UTF-8 text")?;
            let done = cases::import(&db, &team, &list, &text).await?;
            println!(
                "{} cases opened, {} rows joined an open case of their number",
                done.opened, done.linked
            );
        }
    }
    Ok(())
}

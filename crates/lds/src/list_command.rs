//! `lds list …` (part of the `lds` binary, not the library): a team's contact lists, their
//! custom fields and who may see them.

use anyhow::{bail, Result};
use clap::Subcommand;
use lds::admin::contacts::{self, Grantee};

#[derive(Subcommand)]
pub enum ListCommand {
    /// Add a contact list to a team, with custom fields: `--field plan=Plan --field vat=VAT`.
    Add {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        /// A custom field, `key=Label` (key: 1 to 32 lower-case letters, digits and _).
        #[arg(long = "field")]
        fields: Vec<String>,
    },
    /// Let an agent (--email) or every member of a queue (--queue) see the list.
    Grant {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        #[arg(long, conflicts_with = "queue", required_unless_present = "queue")]
        email: Option<String>,
        #[arg(long)]
        queue: Option<String>,
    },
    /// Stop an agent (--email) or a queue's members (--queue) seeing the list.
    Revoke {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        #[arg(long, conflicts_with = "queue", required_unless_present = "queue")]
        email: Option<String>,
        #[arg(long)]
        queue: Option<String>,
    },
    /// Fill a list with made-up contacts (for the search benchmark and demos): names from a
    /// fixed set, phones +34600000000 upwards, an e-mail each, every tenth tagged vip.
    Seed {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        count: u64,
    },
    /// A team's lists and how many contacts each holds.
    Show {
        #[arg(long)]
        team: String,
    },
}

fn grantee<'a>(email: &'a Option<String>, queue: &'a Option<String>) -> Grantee<'a> {
    match (email, queue) {
        (Some(email), _) => Grantee::Agent(email),
        (None, Some(queue)) => Grantee::Queue(queue),
        // clap requires one of them.
        (None, None) => Grantee::Queue(""),
    }
}

pub async fn run(command: ListCommand, database_url: &str) -> Result<()> {
    let db = lds::db::Db::connect(database_url).await?;
    match command {
        ListCommand::Add { team, name, fields } => {
            let mut pairs = Vec::with_capacity(fields.len());
            for field in &fields {
                let Some((key, label)) = field.split_once('=') else {
                    bail!("--field is key=Label, not {field:?}");
                };
                pairs.push((key.to_string(), label.to_string()));
            }
            contacts::add_list(&db, &team, &name, &pairs).await?;
            println!("list {name} added to {team}");
        }
        ListCommand::Grant {
            team,
            name,
            email,
            queue,
        } => {
            let changed = contacts::grant(&db, &team, &name, grantee(&email, &queue), true).await?;
            println!(
                "{}",
                if changed {
                    "granted"
                } else {
                    "already granted"
                }
            );
        }
        ListCommand::Revoke {
            team,
            name,
            email,
            queue,
        } => {
            let changed =
                contacts::grant(&db, &team, &name, grantee(&email, &queue), false).await?;
            println!(
                "{}",
                if changed {
                    "revoked"
                } else {
                    "was not granted"
                }
            );
        }
        ListCommand::Seed { team, name, count } => {
            let written = contacts::seed_contacts(&db, &team, &name, count as usize).await?;
            println!("{written} contacts added to {name}");
        }
        ListCommand::Show { team } => {
            for (name, count) in contacts::list_lists(&db, &team).await? {
                println!("{name}\t{count} contacts");
            }
        }
    }
    Ok(())
}

//! `lds mask …` (part of the `lds` binary, not the library): what agents may read of customers'
//! names, phones and e-mails, for a team or one of its queues (the stricter applies).

use anyhow::{bail, Result};
use clap::Subcommand;
use lds::admin::contacts::{self, MaskingChange};
use lds::masking::{Level, Masking};

#[derive(Subcommand)]
pub enum MaskCommand {
    /// Hide customers' names, phones or e-mails from agents: `none`, `partial`
    /// (`+34 6•• ••• •22`, `M••• L•••`, `m•••@example.com`) or `full` (`•••`). For the whole team,
    /// or one queue with --queue; parts not given keep their level.
    Set {
        #[arg(long)]
        team: String,
        #[arg(long)]
        queue: Option<String>,
        #[arg(long)]
        name: Option<Level>,
        #[arg(long)]
        phone: Option<Level>,
        #[arg(long)]
        email: Option<Level>,
    },
    /// The team's rule and each queue's.
    Show {
        #[arg(long)]
        team: String,
    },
}

fn line(whose: &str, m: &Masking) -> String {
    format!(
        "{whose}\tname {}\tphone {}\temail {}",
        m.name, m.phone, m.email
    )
}

pub async fn run(command: MaskCommand, database_url: &str) -> Result<()> {
    let db = lds::db::Db::connect(database_url).await?;
    match command {
        MaskCommand::Set {
            team,
            queue,
            name,
            phone,
            email,
        } => {
            if name.is_none() && phone.is_none() && email.is_none() {
                bail!("nothing to set: give --name, --phone or --email");
            }
            let change = MaskingChange { name, phone, email };
            let rule = contacts::set_masking(&db, &team, queue.as_deref(), change).await?;
            println!("{}", line(queue.as_deref().unwrap_or(&team), &rule));
        }
        MaskCommand::Show { team } => {
            let (own, queues) = contacts::masking_of(&db, &team).await?;
            println!("{}", line(&format!("team {team}"), &own));
            for (name, rule) in queues {
                println!("{}", line(&format!("queue {name}"), &rule));
            }
        }
    }
    Ok(())
}

//! `lds queue …` and `lds reason …` (part of the `lds` binary, not the library): the admin's
//! queues, who serves them, and the team's reasons for being not ready.

use anyhow::Result;
use clap::Subcommand;
use lds::admin::queues;

#[derive(Subcommand)]
pub enum QueueCommand {
    /// Add a queue to a team. With --own-key, prints the queue's own intake key (shown once).
    Add {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        /// Seconds a request waits for an agent before it times out (1 to 86400) [default: the
        /// team's]
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=86_400))]
        offer_timeout_secs: Option<i64>,
        /// Give the queue an intake key of its own (otherwise intake names it with the team's
        /// key and `"queue": "<name>"`).
        #[arg(long)]
        own_key: bool,
    },
    /// List a team's queues: name, channels, offer timeout, members, default, own key.
    List {
        #[arg(long)]
        team: String,
    },
    /// Change a queue's settings (requests offered from now on); what is not given stays.
    Set {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        /// Seconds a request waits for an agent before it times out (1 to 86400).
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=86_400))]
        offer_timeout_secs: Option<i64>,
        /// ring-all (every available member at once) or longest-idle (one at a time, the one
        /// free the longest, for --ring-secs; a reject or the ring's end passes it on).
        #[arg(long, value_enum)]
        distribution: Option<DistributionArg>,
        /// longest-idle: seconds each agent is offered a request (1 to 3600) [default: 20]
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=3_600))]
        ring_secs: Option<i64>,
        /// After a session: none, optional (a disposition may be given) or required (the
        /// wrap-up closes only with one, or when its time runs out).
        #[arg(long, value_enum)]
        wrap_up: Option<WrapUpArg>,
        /// Seconds a wrap-up lasts at most (1 to 3600) [default: 60]
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=3_600))]
        wrap_up_secs: Option<i64>,
        /// What the queue takes: voice (calls), chat, or both: `--channels voice,chat`
        /// [default: voice]
        #[arg(long, value_enum, value_delimiter = ',', num_args = 1..)]
        channels: Option<Vec<ChannelArg>>,
        /// The contact list the queue's unknown customers land in (its members then see it), or
        /// `none`.
        #[arg(long)]
        contact_list: Option<String>,
    },
    /// Add a disposition code to a queue's list (or relabel a code).
    AddDisposition {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        /// What clients send: 1 to 32 lower-case letters, digits and _.
        #[arg(long)]
        code: String,
        /// What agents read.
        #[arg(long)]
        label: String,
    },
    /// Add a canned answer to a queue (or rewrite a code's text): what its chat agents insert.
    AddCanned {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        /// 1 to 32 lower-case letters, digits and _.
        #[arg(long)]
        code: String,
        #[arg(long)]
        text: String,
    },
    /// Add a message template to the team (or rewrite a code's text): what agents may send on a
    /// WhatsApp conversation after its 24-hour window; `{name}` becomes the customer's name.
    AddTemplate {
        #[arg(long)]
        team: String,
        /// 1 to 32 lower-case letters, digits and _.
        #[arg(long)]
        code: String,
        #[arg(long)]
        text: String,
    },
    /// List a queue's dispositions, in order.
    Dispositions {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
    },
    /// Make an agent of the team serve the queue.
    AddMember {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
    },
    /// Stop an agent serving the queue.
    RemoveMember {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum DistributionArg {
    RingAll,
    LongestIdle,
}

impl DistributionArg {
    fn into_distribution(self) -> queues::Distribution {
        match self {
            DistributionArg::RingAll => queues::Distribution::RingAll,
            DistributionArg::LongestIdle => queues::Distribution::LongestIdle,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChannelArg {
    Voice,
    Chat,
}

fn channels(args: &[ChannelArg]) -> queues::Channels {
    queues::Channels {
        voice: args.contains(&ChannelArg::Voice),
        chat: args.contains(&ChannelArg::Chat),
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum WrapUpArg {
    None,
    Optional,
    Required,
}

impl WrapUpArg {
    fn into_rule(self) -> queues::WrapUpRule {
        match self {
            WrapUpArg::None => queues::WrapUpRule::None,
            WrapUpArg::Optional => queues::WrapUpRule::Optional,
            WrapUpArg::Required => queues::WrapUpRule::Required,
        }
    }
}

#[derive(Subcommand)]
pub enum ReasonCommand {
    /// Add a reason for being not ready at the end of the team's list (or relabel a code).
    Add {
        #[arg(long)]
        team: String,
        /// What clients send: 1 to 32 lower-case letters, digits and _.
        #[arg(long)]
        code: String,
        /// What agents read.
        #[arg(long)]
        label: String,
    },
    /// List a team's reasons, in the order agents see them.
    List {
        #[arg(long)]
        team: String,
    },
}

pub async fn run_queue(command: QueueCommand, database_url: &str) -> Result<()> {
    let db = lds::db::Db::connect(database_url).await?;
    match command {
        QueueCommand::Add {
            team,
            name,
            offer_timeout_secs,
            own_key,
        } => {
            let (queue, key) =
                queues::add_queue(&db, &team, &name, offer_timeout_secs, own_key).await?;
            match key {
                Some(key) => println!("{key}"),
                None => println!("queue {} added to {team}", queue.name),
            }
        }
        QueueCommand::List { team } => {
            for listed in queues::list_queues(&db, &team).await? {
                let q = &listed.queue;
                let distribution = match q.distribution {
                    queues::Distribution::RingAll => "ring-all".to_string(),
                    queues::Distribution::LongestIdle => format!("longest-idle {}s", q.ring_secs),
                };
                println!(
                    "{}\t{}\t{}s\t{distribution}\t{} members{}{}",
                    q.name,
                    q.channels.as_str(),
                    q.offer_timeout_secs,
                    listed.members,
                    if q.is_default { "\tdefault" } else { "" },
                    if q.has_own_key { "\town key" } else { "" },
                );
            }
        }
        QueueCommand::Set {
            team,
            name,
            offer_timeout_secs,
            distribution,
            ring_secs,
            wrap_up,
            wrap_up_secs,
            channels: channel_args,
            contact_list,
        } => {
            if let Some(list) = &contact_list {
                let list = (list != "none").then_some(list.as_str());
                lds::admin::contacts::set_queue_list(&db, &team, &name, list).await?;
            }
            let settings = queues::QueueSettings {
                offer_timeout_secs,
                distribution: distribution.map(DistributionArg::into_distribution),
                ring_secs,
                wrap_up: wrap_up.map(WrapUpArg::into_rule),
                wrap_up_secs,
                channels: channel_args.as_deref().map(channels),
            };
            queues::set_queue(&db, &team, &name, settings).await?;
            println!("queue {name} changed");
        }
        QueueCommand::AddDisposition {
            team,
            name,
            code,
            label,
        } => {
            queues::put_disposition(&db, &team, &name, &code, &label).await?;
            println!("disposition {code} ({label}) in {name}");
        }
        QueueCommand::AddCanned {
            team,
            name,
            code,
            text,
        } => {
            queues::put_canned(&db, &team, &name, &code, &text).await?;
            println!("canned answer {code} in {name}");
        }
        QueueCommand::AddTemplate { team, code, text } => {
            queues::put_template(&db, &team, &code, &text).await?;
            println!("template {code} in {team}");
        }
        QueueCommand::Dispositions { team, name } => {
            for d in queues::list_dispositions(&db, &team, &name).await? {
                println!("{}\t{}", d.code, d.label);
            }
        }
        QueueCommand::AddMember { team, name, email } => {
            let changed = queues::set_member(&db, &team, &name, &email, true).await?;
            let how = if changed {
                "now serves"
            } else {
                "already served"
            };
            println!("{email} {how} {name}");
        }
        QueueCommand::RemoveMember { team, name, email } => {
            let changed = queues::set_member(&db, &team, &name, &email, false).await?;
            let how = if changed {
                "no longer serves"
            } else {
                "did not serve"
            };
            println!("{email} {how} {name}");
        }
    }
    Ok(())
}

pub async fn run_reason(command: ReasonCommand, database_url: &str) -> Result<()> {
    let db = lds::db::Db::connect(database_url).await?;
    match command {
        ReasonCommand::Add { team, code, label } => {
            queues::put_reason(&db, &team, &code, &label).await?;
            println!("reason {code} ({label}) in {team}");
        }
        ReasonCommand::List { team } => {
            for r in queues::list_reasons(&db, &team).await? {
                println!("{}\t{}", r.code, r.label);
            }
        }
    }
    Ok(())
}

//! `--contacts N`: the contact search. Seeds N made-up contacts into the team's list (through
//! `lds::admin::contacts::seed_contacts`, what `lds list seed` runs), starts the real server,
//! and has one agent send searches one after the other over its WebSocket: a phone typed three
//! ways (E.164, with `00`, national with spaces), a name prefix of three letters, a whole last
//! name with a first-name prefix, and a tag, each a first page of 50. Each search's time is from
//! the frame being sent to its reply being read; every reply is checked (a phone finds exactly
//! its contact, a prefix finds a full page). `--database-url` runs it on that (empty) database,
//! PostgreSQL for `scripts/bench-contacts-postgres.sh`, instead of a fresh SQLite file.

use std::time::Instant;

use anyhow::{bail, Result};
use futures_util::{SinkExt, StreamExt};
use headsup_protocol::lds::ServerFrame;
use lds::admin::contacts;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::stats::{self, Summary};
use crate::{agents, seed, Args};

const PREFIXES: [&str; 8] = ["mar", "lop", "gar", "jos", "ser", "san", "dia", "ram"];
const NAMES: [&str; 4] = ["lópez ma", "garcía jo", "ruiz la", "torres hu"];

pub async fn run(args: &Args) -> Result<()> {
    let count = args.contacts;
    let dir = tempfile::tempdir()?;
    let url = match &args.database_url {
        Some(url) => url.clone(),
        None => format!("sqlite://{}", dir.path().join("bench.db").display()),
    };
    let seeded = seed::team(&url, 1).await?;
    let db = lds::db::Db::connect(&url).await?;
    contacts::set_phone_region(&db, "Bench", Some("ES")).await?;
    let t = Instant::now();
    contacts::seed_contacts(&db, "Bench", "Customers", count).await?;
    let seed_secs = t.elapsed().as_secs_f64();
    db.pool.close().await;

    let (mut server, addr) = crate::start_server(&url)?;
    let pid = server.id().to_string();
    let ws_url = format!("ws://{addr}/api/v1/agent/ws");
    let mut ws = agents::open(&ws_url, Some(&seeded.tokens[0])).await?;
    let load = stats::load_average();
    let cpu_before = stats::cpu_secs(&pid);
    let started = Instant::now();
    let (mut phone, mut prefix, mut name, mut tag) = (vec![], vec![], vec![], vec![]);
    let mut cid = 0u64;
    for i in 0..args.searches {
        // Spread over the whole table: a multiplier coprime with any count keeps it varied.
        let n = (i * 7_919) % count;
        let e164 = contacts::seed_phone(n);
        let national = &e164[3..];
        let formats = [
            e164.clone(),
            format!("00{}", &e164[1..]),
            format!("{} {} {}", &national[..3], &national[3..6], &national[6..]),
        ];
        let queries = [
            (json!({"text": formats[i % 3]}), Some(1), &mut phone),
            (
                json!({"text": PREFIXES[i % PREFIXES.len()]}),
                Some(50),
                &mut prefix,
            ),
            (json!({"text": NAMES[i % NAMES.len()]}), None, &mut name),
            (json!({"tag": "vip"}), Some(50), &mut tag),
        ];
        for (query, want, samples) in queries {
            cid += 1;
            let frame = json!({"type": "search_contacts", "cid": cid, "query": query});
            let sent = Instant::now();
            ws.send(Message::Text(frame.to_string().into())).await?;
            let found = reply(&mut ws, cid).await?;
            samples.push(sent.elapsed().as_micros() as u64);
            if let Some(want) = want {
                if found != want {
                    bail!("{query} found {found} contacts, not {want}");
                }
            }
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = stats::cpu_secs(&pid) - cpu_before;
    let _ = server.kill();
    let _ = server.wait();
    println!(
        "contacts={count} on {} seeding {seed_secs:.1} s ({:.0} per s); load during run=[{load}]",
        url.split(':').next().unwrap_or("?"),
        count as f64 / seed_secs
    );
    println!("phone (3 formats)  {}", Summary::of(phone));
    println!("name prefix (3)    {}", Summary::of(prefix));
    println!("last + first       {}", Summary::of(name));
    println!("tag, first page    {}", Summary::of(tag));
    println!(
        "server            cpu={cpu:.2} s over {wall:.1} s ({:.0}% of one core)",
        100.0 * cpu / wall
    );
    Ok(())
}

/// Reads until the reply to `cid`; returns how many contacts it holds.
async fn reply(ws: &mut agents::Ws, cid: u64) -> Result<usize> {
    while let Some(msg) = ws.next().await {
        let Message::Text(text) = msg? else { continue };
        // Dashboards and events may come between; only the reply is parsed.
        if !text.as_str().contains(r#""type":"reply""#)
            && !text.as_str().contains(r#""type":"error""#)
        {
            continue;
        }
        match serde_json::from_str::<ServerFrame>(text.as_str())? {
            ServerFrame::Reply(r) if r.cid == cid => {
                return Ok(r.contacts.map_or(0, |page| page.contacts.len()));
            }
            ServerFrame::Error(e) if e.cid == Some(cid) => bail!("search refused: {}", e.message),
            _ => {}
        }
    }
    bail!("the server closed the connection")
}

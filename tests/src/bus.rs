//! Watches the session bus for the app's calls to the notification daemon, with `dbus-monitor`.
//!
//! This sees exactly what the daemon was asked to show or close, whichever daemon runs, so a test
//! can assert title and body as the agent would read them.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use headsup_testkit::eventually;

/// One call to `org.freedesktop.Notifications` (or its answer), as seen on the bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusEvent {
    Notify {
        sender: String,
        serial: u32,
        /// The `app_name` argument: who the daemon says the notification is from.
        app_name: String,
        /// The `app_icon` argument: a themed icon name or a `file://` URI or absolute path.
        app_icon: String,
        summary: String,
        body: String,
        replaces_id: u32,
        /// When dbus-monitor saw the call, in microseconds since the Unix epoch (its `time=`
        /// header field, stamped as the message is read off the bus, not when we parse the line).
        time_us: u64,
    },
    /// The answer to a call; for `Notify` it carries the id the daemon gave the notification.
    Return {
        destination: String,
        reply_serial: u32,
        id: Option<u32>,
        /// As [`BusEvent::Notify`]'s `time_us`.
        time_us: u64,
    },
    Close {
        id: u32,
    },
}

/// A shown notification: its text and the id the daemon assigned to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub app_name: String,
    pub app_icon: String,
    pub summary: String,
    pub body: String,
    pub id: Option<u32>,
}

pub struct NotifyWatch {
    child: Child,
    events: Arc<Mutex<Vec<BusEvent>>>,
}

impl NotifyWatch {
    /// Starts watching. Returns once dbus-monitor is attached to the bus.
    pub fn start() -> NotifyWatch {
        crate::required_env("DBUS_SESSION_BUS_ADDRESS");
        let mut child = Command::new("dbus-monitor")
            .args([
                "--session",
                "interface='org.freedesktop.Notifications'",
                "type='method_return'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor (package dbus) must be installed");
        let stdout = child.stdout.take().unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let sink = events.clone();
        // The raw monitor output, for a human reading a failure.
        let raw_path = crate::artifacts_dir().join(format!("bus-{}.log", std::process::id()));
        let mut raw = std::fs::File::create(&raw_path).ok();
        std::thread::spawn(move || {
            let mut parser = Parser::default();
            let mut ready = Some(ready_tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(f) = raw.as_mut() {
                    use std::io::Write;
                    let _ = writeln!(f, "{line}");
                }
                // dbus-monitor first reports its own NameAcquired signal: it is attached.
                if let Some(tx) = ready.take() {
                    let _ = tx.send(());
                }
                if let Some(ev) = parser.feed(&line) {
                    sink.lock().unwrap().push(ev);
                }
            }
            if let Some(ev) = parser.finish() {
                sink.lock().unwrap().push(ev);
            }
        });
        let _ = ready_rx.recv_timeout(std::time::Duration::from_secs(10));
        NotifyWatch { child, events }
    }

    pub fn events(&self) -> Vec<BusEvent> {
        self.events.lock().unwrap().clone()
    }

    /// How many `Notify` calls so far (cheap: no copy, for a benchmark polling thousands).
    pub fn notify_count(&self) -> usize {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| matches!(e, BusEvent::Notify { .. }))
            .count()
    }

    /// How long the daemon took to answer each `Notify` call so far (the app waits for each
    /// answer before its next call, so a slow daemon delays every later notification).
    pub fn daemon_reply_times(&self) -> Vec<std::time::Duration> {
        let events = self.events.lock().unwrap();
        let mut calls = std::collections::HashMap::new();
        let mut replies = Vec::new();
        for e in events.iter() {
            match e {
                BusEvent::Notify {
                    sender,
                    serial,
                    time_us,
                    ..
                } => {
                    calls.insert((sender.clone(), *serial), *time_us);
                }
                BusEvent::Return {
                    destination,
                    reply_serial,
                    time_us,
                    ..
                } => {
                    if let Some(sent) = calls.remove(&(destination.clone(), *reply_serial)) {
                        replies.push(std::time::Duration::from_micros(
                            time_us.saturating_sub(sent),
                        ));
                    }
                }
                BusEvent::Close { .. } => {}
            }
        }
        replies
    }

    /// Every `Notify` call so far as (time seen on the bus in µs since the epoch, summary, body),
    /// in bus order.
    pub fn notify_times(&self) -> Vec<(u64, String, String)> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                BusEvent::Notify {
                    time_us,
                    summary,
                    body,
                    ..
                } => Some((*time_us, summary.clone(), body.clone())),
                _ => None,
            })
            .collect()
    }

    /// Every `Notify` call so far, with the daemon's id for it when its answer was seen.
    pub fn shown(&self) -> Vec<Shown> {
        let events = self.events();
        events
            .iter()
            .filter_map(|e| match e {
                BusEvent::Notify {
                    sender,
                    serial,
                    app_name,
                    app_icon,
                    summary,
                    body,
                    ..
                } => {
                    let id = events.iter().find_map(|r| match r {
                        BusEvent::Return {
                            destination,
                            reply_serial,
                            id,
                            ..
                        } if destination == sender && reply_serial == serial => *id,
                        _ => None,
                    });
                    Some(Shown {
                        app_name: app_name.clone(),
                        app_icon: app_icon.clone(),
                        summary: summary.clone(),
                        body: body.clone(),
                        id,
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// Waits for a `Notify` whose body is exactly `body`; returns it.
    pub async fn wait_for_body(&self, body: &str) -> Shown {
        eventually(
            &format!("a Notify with body {body:?} on the bus"),
            || async { self.shown().into_iter().find(|n| n.body == body) },
        )
        .await
    }

    /// Waits for a `Notify` whose body is exactly `body` and for the daemon's answer to it;
    /// returns the id the daemon gave it.
    pub async fn wait_for_id(&self, body: &str) -> u32 {
        eventually(&format!("the daemon's id for {body:?}"), || async {
            self.shown().into_iter().find(|n| n.body == body)?.id
        })
        .await
    }

    /// How many `Notify` calls so far had exactly this body (a first alert's body is unique to
    /// its request; re-alerts say "has been waiting" instead).
    pub fn count_body(&self, body: &str) -> usize {
        self.shown().iter().filter(|n| n.body == body).count()
    }

    /// How many `Notify` calls so far mention `text` in their title or body.
    pub fn count_mentioning(&self, text: &str) -> usize {
        self.shown()
            .iter()
            .filter(|n| n.summary.contains(text) || n.body.contains(text))
            .count()
    }

    /// Waits until the app asks the daemon to close notification `id`.
    pub async fn wait_closed(&self, id: u32) {
        eventually(&format!("CloseNotification({id}) on the bus"), || async {
            self.closed_ids().contains(&id).then_some(())
        })
        .await
    }

    pub fn closed_ids(&self) -> Vec<u32> {
        self.events()
            .iter()
            .filter_map(|e| match e {
                BusEvent::Close { id } => Some(*id),
                _ => None,
            })
            .collect()
    }
}

impl Drop for NotifyWatch {
    fn drop(&mut self) {
        // A failing test's most useful evidence: what the daemon was actually asked to do.
        if std::thread::panicking() {
            eprintln!("--- notification calls seen on the bus ---");
            for event in self.events() {
                eprintln!("{event:?}");
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A line-by-line parser of dbus-monitor's default output for the messages we care about.
#[derive(Default)]
struct Parser {
    current: Option<Message>,
    /// A string argument that spans lines (a body with newlines).
    open_string: Option<String>,
}

#[derive(Debug)]
struct Message {
    kind: Kind,
    header: String,
    strings: Vec<String>,
    uints: Vec<u32>,
}

#[derive(Debug, PartialEq)]
enum Kind {
    Notify,
    Close,
    Return,
    Other,
}

fn header_field(header: &str, key: &str) -> Option<String> {
    header
        .split([' ', ';'])
        .find_map(|part| part.strip_prefix(key).map(|v| v.to_string()))
}

/// dbus-monitor's `time=SECONDS.MICROSECONDS` as microseconds since the epoch (integers, so
/// no rounding; the fraction is printed with six digits).
fn parse_monitor_time(text: &str) -> Option<u64> {
    let (secs, frac) = text.split_once('.').unwrap_or((text, "0"));
    let frac = format!("{frac:0<6}");
    Some(secs.parse::<u64>().ok()? * 1_000_000 + frac.get(..6)?.parse::<u64>().ok()?)
}

impl Parser {
    fn feed(&mut self, line: &str) -> Option<BusEvent> {
        if let Some(open) = self.open_string.as_mut() {
            open.push('\n');
            if let Some(stripped) = line.strip_suffix('"') {
                open.push_str(stripped);
                let s = self.open_string.take().unwrap();
                if let Some(m) = self.current.as_mut() {
                    m.strings.push(s);
                }
            } else {
                open.push_str(line);
            }
            return None;
        }
        let is_header = line.starts_with("method call ")
            || line.starts_with("method return ")
            || line.starts_with("signal ")
            || line.starts_with("error ");
        if is_header {
            let done = self.finish();
            let kind = if line.starts_with("method call ") && line.contains("member=Notify") {
                Kind::Notify
            } else if line.starts_with("method call ") && line.contains("member=CloseNotification")
            {
                Kind::Close
            } else if line.starts_with("method return ") {
                Kind::Return
            } else {
                Kind::Other
            };
            self.current = Some(Message {
                kind,
                header: line.to_string(),
                strings: Vec::new(),
                uints: Vec::new(),
            });
            return done;
        }
        let m = self.current.as_mut()?;
        // Top-level arguments are indented by exactly three spaces.
        let arg = line.strip_prefix("   ").filter(|a| !a.starts_with(' '))?;
        if let Some(rest) = arg.strip_prefix("string \"") {
            match rest.strip_suffix('"') {
                Some(s) => m.strings.push(s.to_string()),
                None => self.open_string = Some(rest.to_string()),
            }
        } else if let Some(rest) = arg.strip_prefix("uint32 ") {
            if let Ok(n) = rest.trim().parse() {
                m.uints.push(n);
            }
        }
        None
    }

    fn finish(&mut self) -> Option<BusEvent> {
        let m = self.current.take()?;
        match m.kind {
            Kind::Notify if m.strings.len() >= 4 => Some(BusEvent::Notify {
                sender: header_field(&m.header, "sender=").unwrap_or_default(),
                serial: header_field(&m.header, "serial=")?.parse().ok()?,
                app_name: m.strings[0].clone(),
                app_icon: m.strings[1].clone(),
                summary: m.strings[2].clone(),
                body: m.strings[3].clone(),
                replaces_id: m.uints.first().copied().unwrap_or(0),
                time_us: parse_monitor_time(&header_field(&m.header, "time=")?)?,
            }),
            Kind::Close => Some(BusEvent::Close {
                id: *m.uints.first()?,
            }),
            Kind::Return => Some(BusEvent::Return {
                destination: header_field(&m.header, "destination=").unwrap_or_default(),
                reply_serial: header_field(&m.header, "reply_serial=")?.parse().ok()?,
                id: m.uints.first().copied(),
                time_us: parse_monitor_time(&header_field(&m.header, "time=")?)?,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_notify_with_multiline_body_and_its_return() {
        let text = r#"method call time=1.0 sender=:1.7 -> destination=org.freedesktop.Notifications serial=12 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=Notify
   string "Heads-Up"
   uint32 0
   string ""
   string "New customer request"
   string "Maria Lopez
is waiting"
   array [
      string "default"
      string ""
   ]
   int32 -1
method return time=1.1 sender=:1.3 -> destination=:1.7 serial=40 reply_serial=12
   uint32 5
method call time=2.0 sender=:1.7 -> destination=org.freedesktop.Notifications serial=13 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=CloseNotification
   uint32 5
"#;
        assert_eq!(
            parse_monitor_time("1795298275.256812"),
            Some(1_795_298_275_256_812)
        );
        assert_eq!(parse_monitor_time("2.5"), Some(2_500_000));
        let mut p = Parser::default();
        let mut evs: Vec<BusEvent> = text.lines().filter_map(|l| p.feed(l)).collect();
        evs.extend(p.finish());
        assert_eq!(
            evs,
            vec![
                BusEvent::Notify {
                    sender: ":1.7".into(),
                    serial: 12,
                    app_name: "Heads-Up".into(),
                    app_icon: "".into(),
                    summary: "New customer request".into(),
                    body: "Maria Lopez\nis waiting".into(),
                    replaces_id: 0,
                    time_us: 1_000_000,
                },
                BusEvent::Return {
                    destination: ":1.7".into(),
                    reply_serial: 12,
                    id: Some(5),
                    time_us: 1_100_000,
                },
                BusEvent::Close { id: 5 },
            ]
        );
    }
}

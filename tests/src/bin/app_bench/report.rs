//! The benchmark's output: one table of every figure, printed at the end, with each line also
//! printed as soon as it is measured (a long run that fails late still shows what it got).

use std::process::Command;

pub struct Report {
    rows: Vec<[String; 3]>,
}

/// `uptime`'s load averages: the machine is shared, so every figure is printed beside them.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

impl Report {
    pub fn new() -> Report {
        Report { rows: Vec::new() }
    }

    /// Records one figure; the load average at this moment is added to its note.
    pub fn add(&mut self, what: &str, figure: impl Into<String>, note: impl Into<String>) {
        let note = note.into();
        let note = if note.is_empty() {
            format!("load {}", load())
        } else {
            format!("{note}; load {}", load())
        };
        let row = [what.to_string(), figure.into(), note];
        eprintln!("[bench] {} = {} ({})", row[0], row[1], row[2]);
        self.rows.push(row);
    }

    pub fn print(&self) {
        let uptime = Command::new("uptime")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        println!("\n## Heads-Up app benchmark\n");
        println!("uptime at the end: {uptime}\n");
        println!("| What | Figure | Notes |");
        println!("|---|---|---|");
        for [what, figure, note] in &self.rows {
            println!("| {what} | {figure} | {note} |");
        }
    }
}

//! What a running process tree costs, read from Linux's `/proc`: CPU time, resident memory, and
//! when each process started. The app is not one process: WebKitGTK runs the page and the network
//! in their own processes (WebKitWebProcess, WebKitNetworkProcess), so every figure here is summed
//! over the app's process and all its descendants.

use std::fs;
use std::time::{Duration, SystemTime};

/// The fields of `/proc/PID/stat` we use. The command name sits in parentheses and may itself
/// contain spaces or parentheses, so the fields are counted from its last `)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub pid: u32,
    pub comm: String,
    /// R, S, D, Z (zombie: exited, not yet reaped), …
    pub state: char,
    pub ppid: u32,
    /// User + system CPU time, in clock ticks.
    pub cpu_ticks: u64,
    /// Start time after boot, in clock ticks.
    pub start_ticks: u64,
}

pub fn parse_stat(text: &str) -> Option<Stat> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let pid = text[..open].trim().parse().ok()?;
    let comm = text[open + 1..close].to_string();
    // After ") ": state(3) ppid(4) … utime(14) stime(15) … starttime(22), numbered as in proc(5).
    let rest: Vec<&str> = text[close + 1..].split_whitespace().collect();
    let field = |n: usize| rest.get(n - 3)?.parse::<u64>().ok();
    Some(Stat {
        pid,
        comm,
        state: rest.first()?.chars().next()?,
        ppid: field(4)? as u32,
        cpu_ticks: field(14)? + field(15)?,
        start_ticks: field(22)?,
    })
}

impl Stat {
    pub fn state_is_zombie(&self) -> bool {
        self.state == 'Z'
    }
}

pub fn stat(pid: u32) -> Option<Stat> {
    parse_stat(&fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// Every process on the machine right now (those that vanish while we read are skipped).
pub fn all() -> Vec<Stat> {
    let Ok(dir) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(stat)
        .collect()
}

/// `root` and all its descendants, root first.
pub fn tree(root: u32) -> Vec<Stat> {
    let everyone = all();
    let mut found: Vec<Stat> = everyone.iter().filter(|s| s.pid == root).cloned().collect();
    let mut i = 0;
    while i < found.len() {
        let parent = found[i].pid;
        found.extend(everyone.iter().filter(|s| s.ppid == parent).cloned());
        i += 1;
    }
    found
}

/// The first process called `comm` among `root`'s descendants (e.g. the app under the drivers).
pub fn find_descendant(root: u32, comm: &str) -> Option<u32> {
    tree(root)
        .into_iter()
        .find(|s| s.comm == comm)
        .map(|s| s.pid)
}

fn clock_ticks_per_sec() -> u64 {
    // SAFETY: sysconf only reads a system constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as u64
    } else {
        100
    }
}

pub fn ticks_to_duration(ticks: u64) -> Duration {
    Duration::from_secs_f64(ticks as f64 / clock_ticks_per_sec() as f64)
}

/// CPU time (user + system) used so far by the processes of `root`'s tree that are alive now.
pub fn tree_cpu(root: u32) -> Duration {
    ticks_to_duration(tree(root).iter().map(|s| s.cpu_ticks).sum())
}

/// When the process started, as wall-clock time. `/proc` gives the start in clock ticks since
/// boot (10 ms on Linux); it is placed on the wall clock through `/proc/uptime` read now (also
/// 10 ms), not through `btime`, which is rounded to the second.
pub fn started_at(pid: u32) -> Option<SystemTime> {
    let start = ticks_to_duration(stat(pid)?.start_ticks);
    let now = SystemTime::now();
    let uptime: f64 = fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let age = Duration::from_secs_f64(uptime).checked_sub(start)?;
    now.checked_sub(age)
}

/// Resident memory of one process, in KiB, from `/proc/PID/smaps_rollup`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    /// Resident set: shared pages are counted in full by every process that maps them.
    pub rss_kib: u64,
    /// Proportional set: each shared page divided among the processes sharing it, so the sum
    /// over a tree is what the tree really holds.
    pub pss_kib: u64,
    /// Pages only this process maps (private clean + private dirty).
    pub private_kib: u64,
}

pub fn parse_smaps_rollup(text: &str) -> Memory {
    let mut m = Memory::default();
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(key), Some(value)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Ok(kib) = value.parse::<u64>() else {
            continue;
        };
        match key {
            "Rss:" => m.rss_kib = kib,
            "Pss:" => m.pss_kib = kib,
            "Private_Clean:" | "Private_Dirty:" => m.private_kib += kib,
            _ => {}
        }
    }
    m
}

pub fn memory(pid: u32) -> Option<Memory> {
    Some(parse_smaps_rollup(
        &fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?,
    ))
}

/// Memory of each process in `root`'s tree, with its name.
pub fn tree_memory(root: u32) -> Vec<(Stat, Memory)> {
    tree(root)
        .into_iter()
        .filter_map(|s| {
            let m = memory(s.pid)?;
            Some((s, m))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_counted_after_the_last_parenthesis() {
        let line = "4242 (Web Content (x)) S 4000 4242 4242 0 -1 4194560 100 0 0 0 \
                    250 75 0 0 20 0 12 0 98765 1000000 2000 18446744073709551615";
        let s = parse_stat(line).expect("parses");
        assert_eq!(s.pid, 4242);
        assert_eq!(s.comm, "Web Content (x)");
        assert_eq!(s.state, 'S');
        assert_eq!(s.ppid, 4000);
        assert_eq!(s.cpu_ticks, 325);
        assert_eq!(s.start_ticks, 98765);
    }

    #[test]
    fn smaps_rollup_sums_private_pages() {
        let text = "55d0-7ffe ---p 00000000 00:00 0 [rollup]\n\
                    Rss:              120000 kB\n\
                    Pss:               60000 kB\n\
                    Pss_Anon:          30000 kB\n\
                    Shared_Clean:      50000 kB\n\
                    Private_Clean:      4000 kB\n\
                    Private_Dirty:     26000 kB\n";
        assert_eq!(
            parse_smaps_rollup(text),
            Memory {
                rss_kib: 120000,
                pss_kib: 60000,
                private_kib: 30000
            }
        );
    }

    #[test]
    fn this_process_is_in_its_own_tree_and_uses_memory() {
        let me = std::process::id();
        let tree = tree(me);
        assert_eq!(tree.first().map(|s| s.pid), Some(me));
        assert!(memory(me).expect("smaps_rollup readable").pss_kib > 0);
        assert!(started_at(me).expect("start time") <= SystemTime::now());
    }
}

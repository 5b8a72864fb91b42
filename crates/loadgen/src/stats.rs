//! Latency samples, percentiles and process figures from /proc.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Microseconds since the start of the run, so timestamps fit in an atomic.
#[derive(Clone, Copy)]
pub struct Clock(Instant);

impl Clock {
    pub fn start() -> Clock {
        Clock(Instant::now())
    }
    /// Never 0, so 0 can mean "not yet" in an atomic slot.
    pub fn now_us(&self) -> u64 {
        self.0.elapsed().as_micros() as u64 + 1
    }
}

/// One slot per request for a timestamp; 0 = not set.
pub fn slots(n: usize) -> Vec<AtomicU64> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}

/// First and last arrival of each request's offer across all agents: the spread is what the
/// fan-out (server writes plus client reads) costs, apart from the intake path.
pub struct Spread {
    pub first: Vec<AtomicU64>,
    pub last: Vec<AtomicU64>,
}

impl Spread {
    pub fn new(n: usize) -> Spread {
        Spread {
            first: (0..n).map(|_| AtomicU64::new(u64::MAX)).collect(),
            last: slots(n),
        }
    }
    pub fn record(&self, n: usize, at_us: u64) {
        self.first[n].fetch_min(at_us, Ordering::Relaxed);
        self.last[n].fetch_max(at_us, Ordering::Relaxed);
    }
    /// (first arrival − sent, last − first) per request that arrived, in microseconds.
    pub fn split(&self, sent: &[AtomicU64]) -> (Vec<u64>, Vec<u64>) {
        let mut to_first = Vec::new();
        let mut spread = Vec::new();
        for ((s, f), l) in sent.iter().zip(&self.first).zip(&self.last) {
            let (s, f, l) = (
                s.load(Ordering::Relaxed),
                f.load(Ordering::Relaxed),
                l.load(Ordering::Relaxed),
            );
            if s != 0 && f != u64::MAX {
                to_first.push(f.saturating_sub(s));
                spread.push(l - f);
            }
        }
        (to_first, spread)
    }
}

/// p50, p99 and max in milliseconds, and the count.
pub struct Summary {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    pub n: usize,
}

impl Summary {
    pub fn of(mut micros: Vec<u64>) -> Summary {
        micros.sort_unstable();
        let ms = |us: u64| us as f64 / 1000.0;
        let Some(&max) = micros.last() else {
            return Summary {
                p50: 0.0,
                p99: 0.0,
                max: 0.0,
                n: 0,
            };
        };
        let pct = |p: f64| ms(micros[((micros.len() - 1) as f64 * p).round() as usize]);
        Summary {
            p50: pct(0.5),
            p99: pct(0.99),
            max: ms(max),
            n: micros.len(),
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "p50={:.2} ms  p99={:.2} ms  max={:.2} ms  (n={})",
            self.p50, self.p99, self.max, self.n
        )
    }
}

/// User + system CPU seconds of a process (`"self"` for this one).
pub fn cpu_secs(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Linux reports in clock ticks of 1/100 s (USER_HZ) on every architecture we run on.
    (ticks(11) + ticks(12)) / 100.0
}

/// Peak resident memory (VmHWM) in MiB.
pub fn peak_rss_mb(pid: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// The 1-minute load average, printed beside every figure (the machine is shared).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Raises this process's open-file limit to its hard limit: N agents need N sockets here and
/// N in the server, which inherits the limit.
pub fn raise_fd_limit() -> u64 {
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        lim.rlim_cur = lim.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        lim.rlim_cur
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_one_to_a_hundred() {
        let s = Summary::of((1..=100).map(|ms| ms * 1000).collect());
        assert_eq!((s.p50, s.p99, s.max, s.n), (51.0, 99.0, 100.0, 100));
        assert_eq!(Summary::of(Vec::new()).n, 0);
    }

    #[test]
    fn spread_is_first_and_last_arrival() {
        let sent = slots(2);
        sent[0].store(100, Ordering::Relaxed);
        let spread = Spread::new(2);
        spread.record(0, 400);
        spread.record(0, 150);
        spread.record(0, 300);
        assert_eq!(spread.split(&sent), (vec![50], vec![250]));
    }
}

//! The process's open-file limit (`RLIMIT_NOFILE`), which bounds how many connections it can
//! hold: every connection is a descriptor, and so are the database's files, the listener and
//! the pool's connections.

/// Descriptors kept back from the connection cap for everything that is not a client
/// connection (database files and pool, listener, logs, a refused connection being answered).
pub(crate) const RESERVED_DESCRIPTORS: u64 = 128;

/// Raises the soft limit to the hard limit (a process may, without privileges), and returns
/// the soft limit now in force. systemd's default soft limit is 1,024 with a hard limit of
/// 524,288; `LimitNOFILE=` in the unit raises both.
pub fn raise_to_hard_limit() -> std::io::Result<u64> {
    let mut limit = current()?;
    if limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max;
        // SAFETY: setrlimit reads the struct we pass; nothing is retained.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(current()?.rlim_cur)
}

/// The soft limit in force.
pub(crate) fn soft_limit() -> std::io::Result<u64> {
    Ok(current()?.rlim_cur)
}

/// The connection cap a soft limit allows: the limit less [`RESERVED_DESCRIPTORS`], and never
/// less than half the limit (tiny limits).
pub(crate) fn connection_cap(soft_limit: u64) -> usize {
    let cap = soft_limit
        .saturating_sub(RESERVED_DESCRIPTORS)
        .max(soft_limit / 2)
        .max(1);
    usize::try_from(cap).unwrap_or(usize::MAX)
}

fn current() -> std::io::Result<libc::rlimit> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_room_for_the_server_itself() {
        assert_eq!(connection_cap(1024), 896);
        assert_eq!(connection_cap(524_288), 524_160);
        assert_eq!(connection_cap(200), 100);
        assert_eq!(connection_cap(1), 1);
    }
}

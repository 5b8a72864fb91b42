//! What the foreground service is told, and only when it changes. Whether it should run is the
//! agent core's decision (`headsup_core::KeepAlive`, mapped to [`Wanted`] by the shell); this
//! is tested on any machine (the Android calls around it cannot be run here).

use std::sync::Mutex;

/// What the service should be doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// Signed out: no service, and none restarted at boot.
    Stopped,
    /// Signed in: the service runs; its notification says whether the LDS link is up right now.
    Running { connected: bool },
}

/// Remembers what was last asked of the service, so only changes reach Android (the shell
/// offers the core's latest wish again on every view update, so a refused start is retried).
#[derive(Debug, Default)]
pub struct Tracker {
    last: Mutex<Option<Wanted>>,
}

impl Tracker {
    /// The change to ask for, if any. The first state of a run is always asked for, `Stopped`
    /// included: a previous process (or a boot) may have left the service running, and only this
    /// run knows whether the agent is still signed in.
    pub fn update(&self, wanted: Option<Wanted>) -> Option<Wanted> {
        let wanted = wanted?;
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if *last == Some(wanted) {
            return None;
        }
        *last = Some(wanted);
        Some(wanted)
    }

    /// Android refused `failed` (a start from the background on Android 12+): forget it, so the
    /// next view asking for it asks again instead of being taken for a re-render.
    pub fn forget(&self, failed: Wanted) {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if *last == Some(failed) {
            *last = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_are_asked_for_and_the_first_state_always_is() {
        let tracker = Tracker::default();
        let up = Wanted::Running { connected: true };
        let down = Wanted::Running { connected: false };

        // A run that starts signed out still stops a service a previous process left running.
        assert_eq!(tracker.update(Some(Wanted::Stopped)), Some(Wanted::Stopped));
        assert_eq!(tracker.update(Some(Wanted::Stopped)), None);
        assert_eq!(
            tracker.update(None),
            None,
            "a pending sign-in changes nothing"
        );

        assert_eq!(tracker.update(Some(down)), Some(down));
        assert_eq!(tracker.update(Some(up)), Some(up));
        assert_eq!(tracker.update(Some(up)), None, "re-renders are not changes");
        assert_eq!(tracker.update(Some(down)), Some(down), "the link dropped");
        assert_eq!(tracker.update(Some(Wanted::Stopped)), Some(Wanted::Stopped));
    }

    #[test]
    fn a_refused_start_is_asked_for_again_but_a_superseded_one_is_not() {
        let tracker = Tracker::default();
        let up = Wanted::Running { connected: true };
        let down = Wanted::Running { connected: false };

        assert_eq!(tracker.update(Some(up)), Some(up));
        tracker.forget(up);
        assert_eq!(
            tracker.update(Some(up)),
            Some(up),
            "retried on the next view"
        );

        // The refusal arrives after the view moved on: what is asked now stands.
        assert_eq!(tracker.update(Some(down)), Some(down));
        tracker.forget(up);
        assert_eq!(tracker.update(Some(down)), None);
    }
}

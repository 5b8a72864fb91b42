//! The parts of the view around the desks that the core words and formats: the session panel,
//! the connection's times, "Attend next customer", the settings' limits.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use headsup_protocol::model::{Session, SessionState, TransferOutcome};
use headsup_protocol::view::{
    AttendNextView, ConnectionTimes, ConnectionView, ContactCardView, JourneyRow, SessionView,
    Settings, SettingsLimits, TransferPickerView,
};

use crate::copy;

/// What the settings form accepts. Below 5 s re-alerts would be harassment; the maxima keep
/// a typo from silencing re-alerts for days.
pub const SETTINGS_LIMITS: SettingsLimits = SettingsLimits {
    realert_secs_min: 5,
    realert_secs_max: 86_400,
    realert_max_max: 1_000,
};

/// `settings` brought inside [`SETTINGS_LIMITS`].
pub fn clamp_settings(mut settings: Settings) -> Settings {
    let limits = SETTINGS_LIMITS;
    settings.realert_secs = settings
        .realert_secs
        .clamp(limits.realert_secs_min, limits.realert_secs_max);
    settings.realert_max = settings.realert_max.min(limits.realert_max_max);
    settings
}

/// What the session panel shows besides the session: its transfer, worded by the machine.
pub struct SessionPanel {
    pub transfer_text: Option<String>,
    /// The link is up (a transfer can be sent).
    pub can_transfer: bool,
    pub transfer_picker: Option<TransferPickerView>,
    /// What happened with the session's contact before it, newest first.
    pub recent: Vec<JourneyRow>,
    /// The session's contact, read from the LDS, with its edit form while edited.
    pub contact_card: Option<ContactCardView>,
}

impl SessionPanel {
    /// The session panel, with the customer shown as the rows show them.
    pub fn view(self, session: &Session, mask_phone: bool) -> SessionView {
        let open = session.state != SessionState::Ended;
        let waiting = session
            .transfer
            .as_ref()
            .is_some_and(|t| t.outcome == TransferOutcome::Waiting);
        SessionView {
            customer_label: copy::customer_with_contact(
                &session.customer,
                session.contact.as_ref(),
                mask_phone,
            ),
            kind_label: copy::kind(session.kind).into(),
            state_label: copy::session(session.state).into(),
            agent_leg_label: copy::leg(session.agent_leg).into(),
            customer_leg_label: copy::leg(session.customer_leg).into(),
            can_end: open,
            transfer_text: self.transfer_text,
            can_transfer: open && !waiting && self.can_transfer,
            transfer_picker: self.transfer_picker.filter(|_| open && !waiting),
            contact_label: copy::contact_ref_name(session.contact.as_ref()),
            recent: self.recent,
            contact_card: self.contact_card.map(Box::new),
            session: session.clone(),
        }
    }
}

/// "Attend next customer": allowed when the agent is free, available and someone waits.
pub fn attend_next(busy: bool, available: bool, waiting: u32) -> AttendNextView {
    let hint = if busy {
        Some(copy::IN_A_SESSION.into())
    } else if !available {
        Some(copy::NOT_READY.into())
    } else {
        None
    };
    AttendNextView {
        allowed: !busy && available && waiting > 0,
        label: copy::ATTEND_NEXT.into(),
        hint,
    }
}

/// The connection's moments on the agent's clock.
pub fn connection_times(connection: &ConnectionView, tz: Tz) -> ConnectionTimes {
    let clock = |at: &DateTime<Utc>, seconds| Some(copy::clock(*at, tz, seconds));
    match connection {
        ConnectionView::Offline { since, retry_at } => ConnectionTimes {
            since: clock(since, false),
            retry_at: retry_at.as_ref().and_then(|at| clock(at, true)),
            synced_at: None,
        },
        ConnectionView::Synced { at } => ConnectionTimes {
            synced_at: clock(at, true),
            ..ConnectionTimes::default()
        },
        ConnectionView::Idle | ConnectionView::Connecting => ConnectionTimes::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_clamped_to_the_published_limits() {
        let s = clamp_settings(Settings {
            realert_secs: 1,
            realert_max: 5_000,
            ..Settings::default()
        });
        assert_eq!(s.realert_secs, SETTINGS_LIMITS.realert_secs_min);
        assert_eq!(s.realert_max, SETTINGS_LIMITS.realert_max_max);
        let fine = Settings::default();
        assert_eq!(clamp_settings(fine.clone()), fine);
    }

    #[test]
    fn attend_next_needs_a_free_agent_and_a_waiting_customer() {
        assert!(attend_next(false, true, 1).allowed);
        assert!(!attend_next(false, false, 1).allowed);
        assert!(!attend_next(false, true, 0).allowed);
        let busy = attend_next(true, true, 3);
        assert!(!busy.allowed);
        assert_eq!(busy.hint.as_deref(), Some("You are in a session"));
    }

    #[test]
    fn connection_times_are_on_the_agents_clock() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap(); // 22:13:20 UTC
        let madrid: Tz = "Europe/Madrid".parse().unwrap();
        let t = connection_times(&ConnectionView::Synced { at }, madrid);
        assert_eq!(t.synced_at.as_deref(), Some("23:13:20"));
        let t = connection_times(
            &ConnectionView::Offline {
                since: at,
                retry_at: Some(at),
            },
            Tz::UTC,
        );
        assert_eq!(t.since.as_deref(), Some("22:13"));
        assert_eq!(t.retry_at.as_deref(), Some("22:13:20"));
    }
}

//! The seeds' two-step sign-in, the stored token, and being sent back to sign in with a reason.

use crate::support::*;
use headsup_core::{Input, LoginFailure, Output, SavedState};
use headsup_protocol::lds::{ClientFrame, ErrorFrame, ServerFrame};
use headsup_protocol::view::{ConnectionView, Intent, LoginView};
use headsup_protocol::ErrorCode;

#[test]
fn email_next_password_connect_signs_in_and_says_hello() {
    let mut h = Harness::new();
    h.input(Input::TokenLoaded(None));
    assert_eq!(h.core.view(h.now).login, LoginView::Email);

    h.intent(Intent::SubmitEmail {
        email: " ana@example.com ".into(),
    });
    assert_eq!(
        h.core.view(h.now).login,
        LoginView::Password {
            email: "ana@example.com".into(),
            error: None
        }
    );

    let out = h.intent(Intent::SubmitPassword {
        password: "pw".into(),
    });
    assert!(out.contains(&Output::Login {
        email: "ana@example.com".into(),
        password: "pw".into()
    }));
    assert_eq!(
        h.core.view(h.now).login,
        LoginView::Connecting {
            email: "ana@example.com".into()
        }
    );

    let out = h.sign_in(vec![]);
    assert!(h.log.contains(&Output::StoreToken(TOKEN.into())));
    assert!(h.log.contains(&Output::Connect));
    let hello = sent(&h.log)
        .into_iter()
        .find(|f| matches!(f, ClientFrame::Hello { .. }))
        .unwrap();
    assert_eq!(
        hello,
        ClientFrame::Hello {
            token: TOKEN.into(),
            last_seq: None,
            device: "laptop".into(),
            protocol: 1
        }
    );
    assert!(out.contains(&Output::SaveState));
    let view = h.core.view(h.now);
    assert_eq!(view.login, LoginView::SignedIn);
    assert_eq!(view.connection, ConnectionView::Synced { at: h.now });
    assert_eq!(view.agent.unwrap().name, "Ana");
}

#[test]
fn an_address_without_at_is_refused_locally() {
    let mut h = Harness::new();
    h.input(Input::TokenLoaded(None));
    h.intent(Intent::SubmitEmail {
        email: "ana".into(),
    });
    let view = h.core.view(h.now);
    assert_eq!(view.login, LoginView::Email);
    assert!(view.notice.unwrap().text.contains("e-mail"));
}

#[test]
fn wrong_password_returns_to_the_password_step_with_the_reason() {
    let mut h = Harness::new();
    h.input(Input::TokenLoaded(None));
    h.intent(Intent::SubmitEmail {
        email: "ana@example.com".into(),
    });
    h.intent(Intent::SubmitPassword {
        password: "nope".into(),
    });
    let out = h.input(Input::LoginFinished(Err(LoginFailure::Refused {
        code: ErrorCode::InvalidCredentials,
        message: "invalid credentials".into(),
    })));
    assert!(!out
        .iter()
        .any(|o| matches!(o, Output::StoreToken(_) | Output::Connect)));
    assert_eq!(
        h.core.view(h.now).login,
        LoginView::Password {
            email: "ana@example.com".into(),
            error: Some("Wrong e-mail or password.".into())
        }
    );
}

#[test]
fn an_unreachable_server_says_so() {
    let mut h = Harness::new();
    h.input(Input::TokenLoaded(None));
    h.intent(Intent::SubmitEmail {
        email: "ana@example.com".into(),
    });
    h.intent(Intent::SubmitPassword {
        password: "pw".into(),
    });
    h.input(Input::LoginFinished(Err(LoginFailure::Unreachable(
        "connection refused".into(),
    ))));
    let LoginView::Password {
        error: Some(error), ..
    } = h.core.view(h.now).login
    else {
        panic!("expected the password step");
    };
    assert!(error.contains("Cannot reach the server"), "{error}");
}

#[test]
fn a_stored_token_connects_at_once() {
    let mut h = Harness::new();
    let out = h.input(Input::TokenLoaded(Some(TOKEN.into())));
    assert!(out.contains(&Output::Connect));
    assert_eq!(h.core.view(h.now).login, LoginView::SignedIn);
    assert_eq!(h.core.view(h.now).connection, ConnectionView::Connecting);
}

#[test]
fn an_expired_token_sends_the_agent_back_with_a_reason() {
    let saved = SavedState {
        email: Some("ana@example.com".into()),
        ..SavedState::default()
    };
    let mut h = Harness::with_saved(saved);
    h.input(Input::TokenLoaded(Some(TOKEN.into())));
    h.input(Input::Connected);
    let out = h.frame(ServerFrame::Error(ErrorFrame {
        cid: None,
        code: ErrorCode::TokenExpired,
        message: "expired".into(),
    }));
    assert!(out.contains(&Output::ClearToken));
    assert!(out.contains(&Output::Disconnect));
    let view = h.core.view(h.now);
    assert_eq!(
        view.login,
        LoginView::Password {
            email: "ana@example.com".into(),
            error: Some("Your session expired. Sign in again.".into())
        }
    );
    assert_eq!(view.connection, ConnectionView::Idle);
    // Nothing reconnects on its own after that.
    assert!(!h
        .advance(chrono::Duration::minutes(5))
        .contains(&Output::Connect));
}

#[test]
fn logout_clears_the_token_and_everything_on_screen() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.offer(1, headsup_protocol::model::RequestKind::CallNow);
    let out = h.intent(Intent::Logout);
    assert!(out.contains(&Output::ClearToken));
    assert!(out.contains(&Output::Disconnect));
    assert_eq!(
        withdrawn(&out),
        vec![headsup_core::notification_id(headsup_protocol::RequestId(
            1
        ))]
    );
    let view = h.core.view(h.now);
    assert_eq!(view.login, LoginView::Email);
    assert!(view.queue.is_empty());
}

#[test]
fn secrets_never_show_in_debug_output() {
    let mut h = Harness::new();
    h.sign_in(vec![]);
    h.input(Input::TokenLoaded(None));
    h.intent(Intent::SubmitEmail {
        email: "ana@example.com".into(),
    });
    let debug = format!("{:?}", h.log);
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(!debug.contains("\"pw\""), "{debug}");
    assert!(debug.contains("StoreToken(***)"));
}

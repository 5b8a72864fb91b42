//! The call cases' agent commands (docs/protocol.md §2.14): each answered with `reply` carrying
//! `call_case` or `call_cases`, or an `error`. A won `call_call_case` is dialled through
//! telephony (the agent's leg, then the customer's).

use headsup_protocol::call_cases::{CallCase, CaseChange, CasePage};
use headsup_protocol::lds::{ClientFrame, Reply, ServerFrame};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::ErrorCode;

use super::frames::error;
use crate::app::AppState;
use crate::domain::call_cases::{self as cases, bulk, claim, handling};
use crate::error::{LdsError, LdsResult};
use crate::telephony::CaseCall;

pub(crate) async fn handle(state: &AppState, agent: &AgentInfo, frame: ClientFrame) -> ServerFrame {
    let creates = matches!(frame, ClientFrame::CreateCallCase { .. });
    let writes = matches!(
        frame,
        ClientFrame::CreateCallCase { .. }
            | ClientFrame::CallCallCase { .. }
            | ClientFrame::HandleCallCase { .. }
            | ClientFrame::NoteCallCase { .. }
            | ClientFrame::UpdateCallCases { .. }
    );
    let answer = answer(state, agent, frame).await;
    let ServerFrame::Reply(reply) = &answer else {
        return answer;
    };
    if !writes {
        return answer;
    }
    // Colleagues who may work the list hear of what changed (after the commit).
    if let Some(case) = &reply.call_case {
        let linked = case.history.iter().any(|h| h.kind == "linked");
        let change = if creates && !linked {
            CaseChange::New
        } else {
            CaseChange::Changed
        };
        send(state, case.id, change).await;
    }
    for case in reply.call_cases.iter().flat_map(|p| &p.cases) {
        send(state, case.id, CaseChange::Changed).await;
    }
    answer
}

async fn send(state: &AppState, case: headsup_protocol::CallCaseId, change: CaseChange) {
    crate::fanout::case_notices::send(&state.fanout, case, change, None).await;
}

async fn answer(state: &AppState, agent: &AgentInfo, frame: ClientFrame) -> ServerFrame {
    let store = &state.store;
    match frame {
        ClientFrame::CallCases { cid, query } => page(cid, cases::list(store, agent, query).await),
        ClientFrame::GetCallCase { cid, case } => one(cid, cases::get(store, agent, case).await),
        ClientFrame::CreateCallCase { cid, case } => {
            one(cid, cases::create(store, agent, case).await)
        }
        ClientFrame::CallCallCase { cid, case } => {
            let called = claim::call(store, agent, case).await;
            if let Ok(case) = &called {
                state.telephony.dial_case(&CaseCall {
                    case: case.id,
                    agent: agent.id,
                    phone: case.phone.clone(),
                });
            }
            one(cid, called)
        }
        ClientFrame::HandleCallCase {
            cid,
            case,
            code,
            call_back_at,
            note,
        } => {
            let handled =
                handling::handle(store, agent, case, &code, call_back_at, note.as_deref()).await;
            one(cid, handled)
        }
        ClientFrame::NoteCallCase { cid, case, text } => {
            one(cid, bulk::note(store, agent, case, &text).await)
        }
        ClientFrame::UpdateCallCases { cid, cases, update } => {
            let changed = bulk::update(store, agent, &cases, &update).await;
            page(cid, changed.map(without_lists))
        }
        ClientFrame::SessionCallCases { cid, session } => {
            let open = cases::of_session(store, agent, session).await;
            page(cid, open.map(without_lists))
        }
        // `commands::handle` routes only the commands above here.
        _ => error(
            None,
            LdsError::new(ErrorCode::Internal, "not a call case command"),
        ),
    }
}

fn without_lists(cases: Vec<CallCase>) -> CasePage {
    CasePage {
        cases,
        next: None,
        lists: Vec::new(),
    }
}

fn one(cid: u64, result: LdsResult<CallCase>) -> ServerFrame {
    match result {
        Ok(case) => ServerFrame::Reply(Reply {
            call_case: Some(Box::new(case)),
            ..Reply::new(cid)
        }),
        Err(e) => error(Some(cid), e),
    }
}

fn page(cid: u64, result: LdsResult<CasePage>) -> ServerFrame {
    match result {
        Ok(page) => ServerFrame::Reply(Reply {
            call_cases: Some(page),
            ..Reply::new(cid)
        }),
        Err(e) => error(Some(cid), e),
    }
}

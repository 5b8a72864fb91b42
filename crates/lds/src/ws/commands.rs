//! Agent commands over the WebSocket, each answered with `reply` or `error` carrying its `cid`.
//! When several refusals apply, which one wins is fixed per command (docs/protocol.md §2.3,
//! "Which error wins"); the domain functions check in that order. What a command commits is
//! published here, and a won claim starts the session's calls.

use chrono::Utc;
use headsup_protocol::contacts::Contact;
use headsup_protocol::lds::{ClientFrame, Reply, ServerFrame};
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{ErrorCode, RequestId, SessionId};

use super::frames::error;
use crate::app::AppState;
use crate::domain::conversations::{agent as chat, tags};
use crate::domain::requests::{self, claim};
use crate::domain::sessions::{self, start, transfer};
use crate::domain::{contacts, queues, Published};
use crate::error::{LdsError, LdsResult};

/// What a command answers: the request and session it concerned.
type Answered = (Option<RequestId>, Option<SessionId>);

pub(crate) async fn handle(state: &AppState, agent: &AgentInfo, frame: ClientFrame) -> ServerFrame {
    let store = &state.store;
    let (cid, result) = match frame {
        ClientFrame::Hello { .. } => {
            return error(
                None,
                LdsError::new(ErrorCode::BadRequest, "hello was already received"),
            )
        }
        ClientFrame::Accept { cid, request } => (
            cid,
            claimed(state, start::accept(store, agent, request).await).await,
        ),
        ClientFrame::AttendNext { cid } => (
            cid,
            claimed(state, start::attend_next(store, agent).await).await,
        ),
        ClientFrame::Reject { cid, request } => {
            let result = claim::reject(store, agent, request).await;
            (
                cid,
                published(state, result.map(|p| ((Some(request), None), p))).await,
            )
        }
        ClientFrame::Schedule {
            cid,
            customer,
            due_at,
        } => {
            let due_at = due_at.with_timezone(&Utc);
            let result = requests::schedule_by_agent(store, agent, customer, due_at).await;
            (
                cid,
                published(state, result.map(|(r, p)| ((Some(r.id), None), p))).await,
            )
        }
        ClientFrame::SetStatus {
            cid,
            availability,
            reason,
        } => {
            let result = queues::status::set(store, agent, availability, reason).await;
            (
                cid,
                published(state, result.map(|(_, p)| ((None, None), p))).await,
            )
        }
        ClientFrame::FinishWrapUp {
            cid,
            disposition,
            note,
        } => {
            let result = queues::wrap_up::finish(store, agent, disposition, note).await;
            (
                cid,
                published(state, result.map(|p| ((None, None), p))).await,
            )
        }
        ClientFrame::Transfer {
            cid,
            session,
            to,
            timeout_secs,
        } => {
            let result = transfer::start(store, agent, session, to, timeout_secs).await;
            let answered = result.map(|(r, p)| ((Some(r.id), Some(session)), p));
            (cid, published(state, answered).await)
        }
        ClientFrame::TransferTargets { cid } => {
            return match transfer::targets(store, agent).await {
                Ok(targets) => ServerFrame::Reply(Reply {
                    transfer_targets: Some(targets),
                    ..Reply::new(cid)
                }),
                Err(e) => error(Some(cid), e),
            };
        }
        ClientFrame::QueueWaiting { cid, queue } => {
            // A read: nothing to publish, and the answer carries the list.
            return match queues::dashboard::waiting(&store.db, agent, queue).await {
                Ok(waiting) => ServerFrame::Reply(Reply {
                    waiting: Some(waiting),
                    ..Reply::new(cid)
                }),
                Err(e) => error(Some(cid), e),
            };
        }
        ClientFrame::ContactLists { cid } => {
            return answer(cid, contacts::lists(store, agent).await, |lists| Reply {
                contact_lists: Some(lists),
                ..Reply::new(cid)
            });
        }
        ClientFrame::SearchContacts { cid, query } => {
            let page = contacts::search::search(store, agent, query).await;
            return answer(cid, page, |page| Reply {
                contacts: Some(page),
                ..Reply::new(cid)
            });
        }
        ClientFrame::GetContact { cid, contact } => {
            return contact_reply(cid, contacts::get(store, agent, contact).await);
        }
        ClientFrame::AddContact { cid, list, draft } => {
            return contact_reply(cid, contacts::add(store, agent, list, draft).await);
        }
        ClientFrame::EditContact {
            cid,
            contact,
            version,
            draft,
        } => {
            let edited = contacts::edit(store, agent, contact, version, draft).await;
            return contact_reply(cid, edited);
        }
        ClientFrame::MergeContacts { cid, keep, merge } => {
            let merged = contacts::merge::merge(store, agent, keep, merge).await;
            return contact_reply(cid, merged);
        }
        ClientFrame::DuplicateContact { cid, contact, list } => {
            let copy = contacts::duplicate(store, agent, contact, list).await;
            return contact_reply(cid, copy);
        }
        ClientFrame::ContactJourney { cid, contact } => {
            let journey = contacts::journey::journey(store, agent, contact).await;
            return answer(cid, journey, |journey| Reply {
                journey: Some(journey),
                ..Reply::new(cid)
            });
        }
        ClientFrame::SendMessage {
            cid,
            conversation,
            client_id,
            body,
            note,
            attachment,
        } => {
            let sent = chat::send(
                store,
                agent,
                conversation,
                &client_id,
                &body,
                note,
                attachment,
            )
            .await;
            return message_reply(state, cid, sent).await;
        }
        ClientFrame::RetryMessage {
            cid,
            message,
            client_id,
        } => {
            let sent = chat::retry(store, agent, message, &client_id).await;
            return message_reply(state, cid, sent).await;
        }
        ClientFrame::MessageHistory {
            cid,
            conversation,
            before,
            limit,
        } => {
            let page = chat::history(store, agent, conversation, before, limit).await;
            return answer(cid, page, |page| Reply {
                messages: Some(page),
                ..Reply::new(cid)
            });
        }
        ClientFrame::MarkRead {
            cid,
            conversation,
            up_to,
        } => {
            let result = chat::mark_read(store, agent, conversation, up_to).await;
            let result = published(state, result.map(|p| ((None, None), p))).await;
            // The customer's ticks turn to read.
            state.chats.poke(conversation);
            (cid, result)
        }
        ClientFrame::Conversations { cid, query } => {
            return answer(cid, chat::list(store, agent, query).await, |page| Reply {
                conversations: Some(page),
                ..Reply::new(cid)
            });
        }
        ClientFrame::SendTemplate {
            cid,
            conversation,
            client_id,
            template,
        } => {
            let sent = chat::send_template(store, agent, conversation, &client_id, &template).await;
            return message_reply(state, cid, sent).await;
        }
        ClientFrame::Templates { cid, conversation } => {
            let templates = chat::templates(store, agent, conversation).await;
            return answer(cid, templates, |templates| Reply {
                templates: Some(templates),
                ..Reply::new(cid)
            });
        }
        ClientFrame::ConversationFilters { cid } => {
            return answer(cid, tags::filters(store, agent).await, |filters| Reply {
                filters: Some(filters),
                ..Reply::new(cid)
            });
        }
        ClientFrame::SetConversationTags {
            cid,
            conversation,
            tags: given,
        } => {
            let result = tags::set(store, agent, conversation, &given).await;
            (
                cid,
                published(state, result.map(|p| ((None, None), p))).await,
            )
        }
        ClientFrame::CannedAnswers { cid, conversation } => {
            let canned = chat::canned(store, agent, conversation).await;
            return answer(cid, canned, |canned| Reply {
                canned: Some(canned),
                ..Reply::new(cid)
            });
        }
        frame @ (ClientFrame::CallCases { .. }
        | ClientFrame::GetCallCase { .. }
        | ClientFrame::CreateCallCase { .. }
        | ClientFrame::CallCallCase { .. }
        | ClientFrame::HandleCallCase { .. }
        | ClientFrame::NoteCallCase { .. }
        | ClientFrame::UpdateCallCases { .. }
        | ClientFrame::SessionCallCases { .. }) => {
            return super::case_commands::handle(state, agent, frame).await;
        }
        ClientFrame::EndSession { cid, session } => {
            let result = sessions::end(store, agent, session).await;
            if let Ok((s, _)) = &result {
                // The customer sees the chat closed.
                s.conversation.inspect(|c| state.chats.poke(*c));
            }
            let answered = result.map(|(s, p)| ((Some(s.request), Some(s.id)), p));
            (cid, published(state, answered).await)
        }
    };
    match result {
        Ok((request, session)) => ServerFrame::Reply(Reply {
            request,
            session,
            ..Reply::new(cid)
        }),
        Err(e) => error(Some(cid), e),
    }
}

/// The reply to a read (or a write with nothing to publish), or its error.
fn answer<T>(cid: u64, result: LdsResult<T>, reply: impl FnOnce(T) -> Reply) -> ServerFrame {
    match result {
        Ok(value) => ServerFrame::Reply(reply(value)),
        Err(e) => error(Some(cid), e),
    }
}

fn contact_reply(cid: u64, result: LdsResult<Contact>) -> ServerFrame {
    answer(cid, result, |contact| Reply {
        contact: Some(Box::new(contact)),
        ..Reply::new(cid)
    })
}

/// The reply to a message written (the stored one, also on a resend), or its error. The
/// customer's widget is woken to fetch it; a provider's conversation hands it to the provider.
async fn message_reply(state: &AppState, cid: u64, sent: LdsResult<chat::Sent>) -> ServerFrame {
    match sent {
        Ok((mut message, published, outbound)) => {
            state.fanout.publish(published).await;
            state.chats.poke(message.conversation);
            if let Some(outbound) = outbound {
                // Refused by the provider: the reply says so as the event does.
                if let Some(failed) =
                    crate::channels::deliver(&state.channels, &state.store, &state.fanout, outbound)
                        .await
                {
                    message = failed;
                }
            }
            ServerFrame::Reply(Reply {
                message: Some(Box::new(message)),
                ..Reply::new(cid)
            })
        }
        Err(e) => error(Some(cid), e),
    }
}

/// Publishes what a command committed.
async fn published(
    state: &AppState,
    result: LdsResult<(Answered, Published)>,
) -> LdsResult<Answered> {
    let (answered, published) = result?;
    state.fanout.publish(published).await;
    Ok(answered)
}

/// Counts the claims lost on the way; a won claim is published and starts the session's calls.
async fn claimed(state: &AppState, attempt: start::ClaimAttempt) -> LdsResult<Answered> {
    state.metrics.claims_lost.inc_by(attempt.races_lost);
    let won = attempt.outcome?;
    state.fanout.publish(won.published).await;
    match won.session.conversation {
        // A chat has no calls; its customer sees the agent join.
        Some(conversation) => state.chats.poke(conversation),
        None => state.telephony.dial(&won.session),
    }
    Ok((Some(won.request.id), Some(won.session.id)))
}

//! A case's voicemail: telephony leaves the recording (the simulator's endpoint), and only an
//! agent who may work the case fetches it (`GET /api/v1/call-cases/{id}/voicemail`, bearer
//! token; never in a URL).

use base64::Engine as _;
use headsup_protocol::model::AgentInfo;
use headsup_protocol::{CallCaseId, ErrorCode, TeamId};

use super::{not_found, workable};
use crate::data::call_cases as rows;
use crate::domain::Store;
use crate::error::{LdsError, LdsResult};

/// The largest recording stored.
pub(crate) const MAX_VOICEMAIL_BYTES: usize = 4 * 1024 * 1024;

/// Stores `audio` as the voicemail of a case of `team` (`not_found` for another team's).
pub(crate) async fn leave(
    store: &Store,
    team: TeamId,
    id: CallCaseId,
    content_type: &str,
    audio: &[u8],
) -> LdsResult<()> {
    if audio.is_empty() || audio.len() > MAX_VOICEMAIL_BYTES {
        return Err(LdsError::new(
            ErrorCode::TooLarge,
            format!("a voicemail is 1 to {MAX_VOICEMAIL_BYTES} bytes"),
        ));
    }
    let now = store.clock.now();
    let encoded = base64::engine::general_purpose::STANDARD.encode(audio);
    let mut w = store.db.begin_write().await?;
    if rows::team_of(&mut w.tx, id).await? != Some(team) {
        return Err(not_found());
    }
    rows::put_voicemail(&mut w.tx, id, content_type, &encoded, now).await?;
    rows::add_history(&mut w.tx, id, now, "voicemail", None, None, None).await?;
    w.commit().await?;
    Ok(())
}

/// The voicemail of a case the agent may work: its content type and bytes.
pub(crate) async fn fetch(
    store: &Store,
    agent: &AgentInfo,
    id: CallCaseId,
) -> LdsResult<(String, Vec<u8>)> {
    let mut conn = store.db.pool.acquire().await?;
    workable(&mut conn, agent, id).await?;
    let (content_type, encoded) = rows::voicemail(&mut conn, id)
        .await?
        .ok_or_else(|| LdsError::new(ErrorCode::NotFound, format!("case {id} has no voicemail")))?;
    let audio = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|e| anyhow::anyhow!("stored voicemail of case {id} is not base64: {e}"))?;
    Ok((content_type, audio))
}

//! The telephony simulator leaves a voicemail: `POST /api/v1/sim/call-cases/{id}/voicemail`
//! (the team's intake key, as the other simulator endpoints). The recording is a real WAV file:
//! spoken by `espeak-ng` when the machine has it, else a generated tone (a short beep pattern),
//! so the LDS and the app have audio to store and play either way.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use headsup_protocol::call_cases::CaseChange;
use headsup_protocol::{CallCaseId, ErrorCode};

use super::extract::IntakeTeam;
use crate::app::AppState;
use crate::domain::call_cases::voicemail;
use crate::error::LdsError;

pub(crate) async fn leave(
    State(state): State<AppState>,
    IntakeTeam(team, _): IntakeTeam,
    path: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, LdsError> {
    let Path(id) =
        path.map_err(|_| LdsError::new(ErrorCode::BadRequest, "the case id is a 64-bit integer"))?;
    let audio = tokio::task::spawn_blocking(recording)
        .await
        .map_err(|e| anyhow::anyhow!("recording task: {e}"))?;
    let case = CallCaseId(id);
    voicemail::leave(&state.store, team.id, case, "audio/wav", &audio).await?;
    crate::fanout::case_notices::send(&state.fanout, case, CaseChange::Changed, None).await;
    Ok(StatusCode::NO_CONTENT)
}

/// A WAV recording: a fixed sentence spoken by `espeak-ng`, or a generated tone without it.
fn recording() -> Vec<u8> {
    let spoken = std::process::Command::new("espeak-ng")
        .args(["--stdout", "Hello, please call me back. Thank you."])
        .stderr(std::process::Stdio::null())
        .output();
    match spoken {
        Ok(out) if out.status.success() && out.stdout.starts_with(b"RIFF") => out.stdout,
        _ => tone_wav(),
    }
}

/// One second of 8 kHz, 16-bit mono PCM: three short 440 Hz beeps.
pub(crate) fn tone_wav() -> Vec<u8> {
    const RATE: u32 = 8000;
    let samples: Vec<i16> = (0..RATE)
        .map(|i| {
            let in_beep = (i * 6 / RATE).is_multiple_of(2);
            let t = f64::from(i) / f64::from(RATE);
            let level = if in_beep { 8000.0 } else { 0.0 };
            (level * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16
        })
        .collect();
    let data_len = (samples.len() * 2) as u32;
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        wav.extend_from_slice(&s.to_le_bytes());
    }
    wav
}

//! Channel accounts (how a queue's customers reach it on one kind of channel), the conversation
//! of a provider's customer, and a team's message templates.

use anyhow::{anyhow, Result};
use headsup_protocol::{ConversationId, QueueId, TeamId};
use sqlx::{AnyConnection, Row};

/// What kind of channel an account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChannelKind {
    /// The LDS's own web chat widget.
    Web,
    /// The simulated WhatsApp provider (`channels::FakeWhatsApp`).
    FakeWhatsapp,
}

impl ChannelKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Web => "web",
            ChannelKind::FakeWhatsapp => "fake_whatsapp",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<ChannelKind> {
        Ok(match s {
            "web" => ChannelKind::Web,
            "fake_whatsapp" => ChannelKind::FakeWhatsapp,
            other => return Err(anyhow!("unknown channel kind {other:?}")),
        })
    }
}

/// The queue's account of `kind`, made on first use.
pub(crate) async fn ensure_account(
    conn: &mut AnyConnection,
    team: TeamId,
    queue: QueueId,
    kind: ChannelKind,
) -> Result<i64> {
    sqlx::query(
        "INSERT INTO channel_accounts (team_id, queue_id, kind) VALUES ($1, $2, $3) \
         ON CONFLICT (queue_id, kind) DO NOTHING",
    )
    .bind(team.0)
    .bind(queue.0)
    .bind(kind.as_str())
    .execute(&mut *conn)
    .await?;
    let row = sqlx::query("SELECT id FROM channel_accounts WHERE queue_id = $1 AND kind = $2")
        .bind(queue.0)
        .bind(kind.as_str())
        .fetch_one(conn)
        .await?;
    Ok(row.try_get(0)?)
}

/// The kind of the account a conversation came through (`None`: stored before accounts, web).
pub(crate) async fn kind_of(
    conn: &mut AnyConnection,
    conversation: ConversationId,
) -> Result<Option<ChannelKind>> {
    let row = sqlx::query(
        "SELECT a.kind FROM conversations c JOIN channel_accounts a \
         ON a.id = c.channel_account_id WHERE c.id = $1",
    )
    .bind(conversation.0)
    .fetch_optional(conn)
    .await?;
    row.map(|r| ChannelKind::parse(&r.try_get::<String, _>(0)?))
        .transpose()
}

/// The newest conversation of `phone` on the account.
pub(crate) async fn conversation_of(
    conn: &mut AnyConnection,
    account: i64,
    phone: &str,
) -> Result<Option<ConversationId>> {
    let row = sqlx::query(
        "SELECT id FROM conversations WHERE channel_account_id = $1 AND customer_phone = $2 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(account)
    .bind(phone)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?.map(ConversationId))
}

/// A team's templates, by code.
pub(crate) async fn templates(
    conn: &mut AnyConnection,
    team: TeamId,
) -> Result<Vec<(String, String)>> {
    let rows =
        sqlx::query("SELECT code, body FROM message_templates WHERE team_id = $1 ORDER BY code")
            .bind(team.0)
            .fetch_all(conn)
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

pub(crate) async fn template(
    conn: &mut AnyConnection,
    team: TeamId,
    code: &str,
) -> Result<Option<String>> {
    let row = sqlx::query("SELECT body FROM message_templates WHERE team_id = $1 AND code = $2")
        .bind(team.0)
        .bind(code)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

pub(crate) async fn set_template(
    conn: &mut AnyConnection,
    team: TeamId,
    code: &str,
    body: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO message_templates (team_id, code, body) VALUES ($1, $2, $3) \
         ON CONFLICT (team_id, code) DO UPDATE SET body = excluded.body",
    )
    .bind(team.0)
    .bind(code)
    .bind(body)
    .execute(conn)
    .await?;
    Ok(())
}

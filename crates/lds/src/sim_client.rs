//! A client of a running server's simulated-customer endpoints, behind `lds sim`: report a call
//! leg answered, failed or hung up (`POST /api/v1/sim/sessions/{id}/legs/{leg}`), and withdraw a
//! request as a customer who gave up (`POST /api/v1/requests/{id}/cancel`), and play the fake
//! WhatsApp provider (`POST /api/v1/sim/whatsapp/{messages,receipts}`). It speaks HTTP like
//! a telephony system or website widget would, with the team's intake key, so what it drives is
//! exactly the public protocol (`docs/protocol.md`).

use std::time::Duration;

use anyhow::{bail, Context, Result};
use headsup_protocol::chat::{Message, ProviderInbound, ProviderInboundStored, ProviderReceipt};
use headsup_protocol::error::ErrorBody;
use headsup_protocol::lds::CancelResponse;
use headsup_protocol::model::{LegState, Request, Session};
use serde::de::DeserializeOwned;

/// Which call leg of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimLeg {
    Agent,
    Customer,
}

impl SimLeg {
    fn path(self) -> &'static str {
        match self {
            SimLeg::Agent => "agent",
            SimLeg::Customer => "customer",
        }
    }
}

pub struct SimClient {
    http: reqwest::Client,
    /// e.g. `http://127.0.0.1:7700`, without a trailing slash.
    server: String,
    intake_key: String,
}

impl SimClient {
    pub fn new(server: &str, intake_key: &str) -> Result<SimClient> {
        Ok(SimClient {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            server: server.trim_end_matches('/').to_string(),
            intake_key: intake_key.to_string(),
        })
    }

    /// Reports a leg's new state; returns the session as the server now has it.
    pub async fn leg(&self, session: i64, leg: SimLeg, state: LegState) -> Result<Session> {
        let url = format!(
            "{}/api/v1/sim/sessions/{session}/legs/{}",
            self.server,
            leg.path()
        );
        let body = serde_json::json!({ "state": state });
        self.post(&url, Some(body)).await
    }

    /// A customer writes from their phone through the team's fake WhatsApp account; returns
    /// where it was stored (`repeated` when `id` was delivered before).
    pub async fn whatsapp_message(
        &self,
        inbound: &ProviderInbound,
    ) -> Result<ProviderInboundStored> {
        let url = format!("{}/api/v1/sim/whatsapp/messages", self.server);
        self.post(&url, Some(serde_json::to_value(inbound)?)).await
    }

    /// The provider's receipt for an agent's message; returns the message as now stored.
    pub async fn whatsapp_receipt(&self, receipt: &ProviderReceipt) -> Result<Message> {
        let url = format!("{}/api/v1/sim/whatsapp/receipts", self.server);
        self.post(&url, Some(serde_json::to_value(receipt)?)).await
    }

    /// The customer gives up; returns the request, now `cancelled`.
    pub async fn cancel(&self, request: i64) -> Result<Request> {
        let url = format!("{}/api/v1/requests/{request}/cancel", self.server);
        let answer: CancelResponse = self.post(&url, None).await?;
        Ok(answer.request)
    }

    async fn post<T: DeserializeOwned>(
        &self,
        url: &str,
        body: Option<serde_json::Value>,
    ) -> Result<T> {
        let mut req = self.http.post(url).bearer_auth(&self.intake_key);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req
            .send()
            .await
            .with_context(|| format!("no answer from {url} (is `lds serve` running there?)"))?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .with_context(|| format!("unexpected answer from {url}"));
        }
        // Documented errors carry a stable code; show it first so scripts can match on it.
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(e) => bail!("{} {}: {}", status.as_u16(), e.error.code, e.error.message),
            Err(_) => bail!("{status} from {url}"),
        }
    }
}

//! The cast of a driver test: an LDS with one team and one agent who signs in with a password.

use headsup_protocol::model::Request;

use super::TestServer;

/// Every password-signing test agent's password.
pub const PASSWORD: &str = "correct horse";

pub struct TeamOfOne {
    pub lds: TestServer,
    pub intake_key: String,
    /// The agent's e-mail (`ana@test.example`); the password is [`PASSWORD`].
    pub email: String,
}

impl TeamOfOne {
    /// An LDS with team "Sales" (offers wait 10 minutes) and its agent Ana.
    pub async fn start() -> TeamOfOne {
        let lds = TestServer::start().await;
        let (_, intake_key) = lds.team("Sales", 600).await;
        let email = lds.agent_with_password("Sales", "Ana", PASSWORD).await;
        TeamOfOne {
            lds,
            intake_key,
            email,
        }
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.lds.server.addr
    }

    pub fn base_url(&self) -> String {
        self.lds.base.clone()
    }

    /// A customer asks for a call now, through the public intake endpoint.
    pub async fn call_now(&self, name: &str) -> Request {
        self.lds.call_now(&self.intake_key, name).await
    }
}

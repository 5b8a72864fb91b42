//! The usual cast of an end-to-end scenario: one LDS with one team and its agents, and a watch
//! on the session bus started before any app, so no `Notify` call is missed.

use crate::app::App;
use crate::bus::NotifyWatch;
use crate::lds::Lds;

/// Every test agent's password.
pub const PASSWORD: &str = "correct horse";

/// The agent who uses the app in every scenario.
pub const ANA: Agent = Agent {
    email: "ana@example.test",
    name: "Ana Agent",
};
/// A colleague in the same team (a headless agent, or a second app).
pub const BO: Agent = Agent {
    email: "bo@example.test",
    name: "Bo Agent",
};

#[derive(Debug, Clone, Copy)]
pub struct Agent {
    pub email: &'static str,
    pub name: &'static str,
}

pub struct Team {
    pub lds: Lds,
    /// The team's intake key: what a website widget or telephony system posts requests with.
    pub key: String,
    pub bus: NotifyWatch,
}

impl Team {
    /// A fresh LDS with team "Support" and the agents Ana and Bo.
    pub fn start() -> Team {
        let lds = Lds::start().expect("lds starts");
        let key = lds.add_team("Support");
        for agent in [ANA, BO] {
            lds.add_agent(agent.email, agent.name, "Support", PASSWORD);
        }
        let bus = NotifyWatch::start();
        Team { lds, key, bus }
    }

    /// The app for `profile`, signed in as Ana through the two-step form and in sync.
    pub async fn ana_app(&self, profile: &str) -> App {
        let app = App::start(&self.lds.base_url, profile).await.expect("app");
        app.sign_in(ANA.email, PASSWORD).await;
        app.wait_synced().await;
        app
    }
}

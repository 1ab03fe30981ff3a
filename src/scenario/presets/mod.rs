//! Named scenarios, one file per system: the article's numbers and the real incidents the
//! tests reproduce.

pub mod kafka;
pub mod node;
pub mod sqs;

use super::Scenario;

pub struct Preset {
    pub name: &'static str,
    pub description: &'static str,
    pub build: fn() -> Scenario,
}

impl Preset {
    pub fn scenario(&self) -> Scenario {
        (self.build)()
    }
}

/// Every preset of every system, in the page's order.
pub fn all() -> impl Iterator<Item = &'static Preset> {
    node::PRESETS.iter().chain(kafka::PRESETS.iter()).chain(sqs::PRESETS.iter())
}

pub fn preset(name: &str) -> Option<&'static Preset> {
    all().find(|p| p.name == name)
}

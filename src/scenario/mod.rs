//! The scenario file: one JSON format shared by the UI, the CLI and the tests.
//!
//! ```json
//! { "scenario": "node-stream", "version": 1, "seed": 42, "duration_ms": null, "params": { … } }
//! ```

mod presets;

pub use presets::{preset, PRESETS};

use crate::engine::node::{self, NodeParams, NodeSim, NodeSummary, ParamError};
use crate::engine::Millis;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// A run with no `duration_ms` stops here even if nothing has finished: one simulated day.
pub const MAX_SIM_MS: Millis = 24 * 60 * 60 * 1000;

/// The system a scenario simulates, with its parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "scenario", content = "params")]
pub enum System {
    #[serde(rename = "node-stream")]
    NodeStream(NodeParams),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub version: u32,
    #[serde(default)]
    pub seed: u64,
    /// Stop after this much simulated time; `null` runs to the end (at most [`MAX_SIM_MS`]).
    #[serde(default)]
    pub duration_ms: Option<Millis>,
    #[serde(flatten)]
    pub system: System,
}

#[derive(Debug, Error, PartialEq)]
pub enum ScenarioError {
    #[error("{path}: {message}")]
    Syntax { path: String, message: String },
    #[error("version: this build reads version {FORMAT_VERSION}, the file says {0}")]
    UnsupportedVersion(u32),
    #[error("params.{0}")]
    Param(#[from] ParamError),
    #[error("duration_ms: {0} is longer than the {MAX_SIM_MS} ms limit")]
    TooLong(Millis),
}

/// The summary of a finished run, whichever the system.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Summary {
    NodeStream(NodeSummary),
}

impl Scenario {
    /// Parses and validates a scenario file; errors name the offending field.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        // `flatten` buffers `params` before deserialising them, which loses the path of an error
        // inside them (an unknown key deep in `params` would be reported at the top level).
        // So read `params` on their own first, then the whole envelope.
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            if let (Some("node-stream"), Some(params)) = (value.get("scenario").and_then(|s| s.as_str()), value.get("params")) {
                serde_path_to_error::deserialize::<_, NodeParams>(params).map_err(|error| ScenarioError::Syntax {
                    path: format!("params.{}", error.path()),
                    message: strip_position(&error.inner().to_string()),
                })?;
            }
        }
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let scenario: Scenario = serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let path = error.path().to_string();
            let message = error.inner().to_string();
            let path = if path == "." { "(top level)".to_string() } else { path };
            ScenarioError::Syntax { path, message: strip_position(&message) }
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.version != FORMAT_VERSION {
            return Err(ScenarioError::UnsupportedVersion(self.version));
        }
        if let Some(duration) = self.duration_ms.filter(|&d| d > MAX_SIM_MS) {
            return Err(ScenarioError::TooLong(duration));
        }
        match &self.system {
            System::NodeStream(params) => node::validate(params)?,
        }
        Ok(())
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serialises")
    }

    /// Runs to the end (or `duration_ms`) and summarises.
    pub fn run(&self) -> Summary {
        let until = self.duration_ms.unwrap_or(MAX_SIM_MS);
        match &self.system {
            System::NodeStream(params) => {
                let mut sim = NodeSim::new(params.clone(), self.seed);
                sim.run_until(until);
                Summary::NodeStream(NodeSummary::of(&sim))
            }
        }
    }
}

/// serde_json appends " at line L column C"; the path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

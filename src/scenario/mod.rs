//! The scenario file: one JSON format shared by the UI, the CLI and the tests.
//!
//! ```json
//! { "scenario": "node-stream", "version": 1, "seed": 42, "duration_ms": null, "params": { … } }
//! ```

pub mod presets;
pub mod stress;

pub use presets::{preset, Preset};

use crate::engine::kafka::{self, KafkaParams, KafkaSim, KafkaSummary};
use crate::engine::node::{self, NodeParams, NodeSim, NodeSummary, ParamError};
use crate::engine::sqs::{self, SqsParams, SqsSim, SqsSummary};
use crate::engine::{Millis, Simulation};
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
    #[serde(rename = "kafka")]
    Kafka(KafkaParams),
    #[serde(rename = "sqs-lambda")]
    SqsLambda(SqsParams),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    pub version: u32,
    pub seed: u64,
    /// Stop after this much simulated time; `null` runs to the end (at most [`MAX_SIM_MS`]).
    pub duration_ms: Option<Millis>,
    #[serde(flatten)]
    pub system: System,
}

/// The file as read, before the system's params are interpreted.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    scenario: String,
    version: u32,
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    duration_ms: Option<Millis>,
    params: serde_json::Value,
}

#[derive(Debug, Error, PartialEq)]
pub enum ScenarioError {
    #[error("not valid JSON: {0}")]
    NotJson(String),
    #[error("scenario: unknown system {0:?} (this build knows \"node-stream\", \"kafka\" and \"sqs-lambda\")")]
    UnknownScenario(String),
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
    Kafka(KafkaSummary),
    SqsLambda(SqsSummary),
}

impl Scenario {
    /// Parses and validates a scenario file; errors name the offending field.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        // Read the envelope first, then the params of the named system: each step keeps the
        // path of an error (serde's `flatten` would lose it).
        // A byte order mark, as some Windows editors write, is not part of the JSON.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: serde_json::Value = serde_json::from_str(text).map_err(|error| ScenarioError::NotJson(error.to_string()))?;
        // serde reads a JSON array as a struct, field by field in order: refuse that, so
        // `"params": ["naive", 22, 5]` is an error rather than a different scenario.
        if !value.is_object() {
            return Err(ScenarioError::Syntax { path: "(top level)".into(), message: format!("expected an object, got {}", kind_of(&value)) });
        }
        let envelope: Envelope = deserialize_at("", value)?;
        let system = match envelope.scenario.as_str() {
            "node-stream" => System::NodeStream(deserialize_params(envelope.params, &NodeParams::default())?),
            "kafka" => System::Kafka(deserialize_params(envelope.params, &KafkaParams::default())?),
            "sqs-lambda" => System::SqsLambda(deserialize_params(envelope.params, &SqsParams::default())?),
            other => return Err(ScenarioError::UnknownScenario(other.to_string())),
        };
        let scenario = Scenario { version: envelope.version, seed: envelope.seed, duration_ms: envelope.duration_ms, system };
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
            System::Kafka(params) => kafka::validate(params)?,
            System::SqsLambda(params) => sqs::validate(params)?,
        }
        Ok(())
    }

    /// The engine's [`Simulation::state_hash`] after running to `until` (sooner if it finishes):
    /// computed the same way natively and in wasm, so the two builds can be compared.
    pub fn state_hash_at(&self, until: Millis) -> u64 {
        match &self.system {
            System::NodeStream(params) => state_hash_after(NodeSim::new(params.clone(), self.seed), until),
            System::Kafka(params) => state_hash_after(KafkaSim::new(params.clone(), self.seed), until),
            System::SqsLambda(params) => state_hash_after(SqsSim::new(params.clone(), self.seed), until),
        }
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
            System::Kafka(params) => {
                let mut sim = KafkaSim::new(params.clone(), self.seed);
                sim.run_until(until);
                Summary::Kafka(KafkaSummary::of(&sim))
            }
            System::SqsLambda(params) => {
                let mut sim = SqsSim::new(params.clone(), self.seed);
                sim.run_until(until);
                Summary::SqsLambda(SqsSummary::of(&sim))
            }
        }
    }
}

/// Steps `sim` to `until`, or until it has finished, and fingerprints it.
fn state_hash_after<S: Simulation>(mut sim: S, until: Millis) -> u64 {
    while sim.now() < until && !sim.is_finished() {
        sim.step();
    }
    sim.state_hash()
}

/// Deserialises a system's params after checking that arrays stand only where the type is a list.
fn deserialize_params<T: serde::de::DeserializeOwned + Serialize>(value: serde_json::Value, defaults: &T) -> Result<T, ScenarioError> {
    let template = serde_json::to_value(defaults).expect("default params serialise");
    check_shape("params", &value, Some(&template))?;
    deserialize_at("params.", value)
}

/// Refuses a JSON array where `template` (the defaults, serialised) does not hold a list: serde
/// would otherwise take the array's items as the struct's fields in order. Inside a list whose
/// default is empty there is no template: no parameter type nests lists, so arrays are refused.
fn check_shape(path: &str, value: &serde_json::Value, template: Option<&serde_json::Value>) -> Result<(), ScenarioError> {
    use serde_json::Value;
    match value {
        Value::Array(items) => {
            let Some(Value::Array(template_items)) = template else {
                let message = match template {
                    Some(Value::Object(_)) | None => "expected an object, got an array".to_string(),
                    Some(Value::Null) => "an array is not allowed here".to_string(),
                    Some(other) => format!("expected {}, got an array", kind_of(other)),
                };
                return Err(ScenarioError::Syntax { path: one_line(path), message });
            };
            for (index, item) in items.iter().enumerate() {
                check_shape(&format!("{path}[{index}]"), item, template_items.first())?;
            }
        }
        Value::Object(fields) => {
            for (key, field) in fields {
                let child = match template {
                    Some(Value::Object(t)) => t.get(key),
                    _ => None,
                };
                check_shape(&format!("{path}.{key}"), field, child)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn kind_of(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde's messages name Rust types ("expected struct NodeParams", "expected u64"): say what the
/// JSON should hold instead.
fn plain_message(message: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut rest = message.split(' ').peekable();
    while let Some(word) = rest.next() {
        match word {
            "struct" | "enum" if words.last().is_some_and(|w| w == "expected") => {
                let name = rest.next().unwrap_or_default();
                let trailing: String = name.chars().skip_while(|c| c.is_alphanumeric() || *c == '_').collect();
                words.push(format!("{}{trailing}", if word == "struct" { "an object" } else { "one of the named values" }));
            }
            _ => {
                let trimmed = word.trim_end_matches([',', '.', ';']);
                let trailing = &word[trimmed.len()..];
                let plain = match trimmed {
                    "u8" | "u16" | "u32" | "u64" | "usize" => Some("a non-negative integer"),
                    "i8" | "i16" | "i32" | "i64" | "isize" => Some("an integer"),
                    "f32" | "f64" => Some("a number"),
                    _ => None,
                };
                match plain {
                    Some(text) if words.last().is_some_and(|w| w == "expected") => words.push(format!("{text}{trailing}")),
                    _ => words.push(word.to_string()),
                }
            }
        }
    }
    words.join(" ")
}

/// A key or value from the file can hold a control character (`"a\nb"`): written as its escape,
/// so that the error naming it stays on one line.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// Deserialises `value`, naming the path of any error under `prefix`.
fn deserialize_at<T: serde::de::DeserializeOwned>(prefix: &str, value: serde_json::Value) -> Result<T, ScenarioError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let inner = error.path().to_string();
        let path = match (prefix, inner.as_str()) {
            ("", ".") => "(top level)".to_string(),
            (p, ".") => p.trim_end_matches('.').to_string(),
            (p, inner) => format!("{p}{inner}"),
        };
        ScenarioError::Syntax { path: one_line(&path), message: one_line(&plain_message(&error.inner().to_string())) }
    })
}

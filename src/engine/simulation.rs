//! What every system's engine offers its drivers (the page's frames, the CLI, the timeline).

use super::kafka::KafkaSim;
use super::node::NodeSim;
use super::sqs::SqsSim;
use super::Millis;
use super::timeline::Intervene;
use std::fmt::Debug;

/// A deterministic engine advanced in fixed steps. `Clone` is a full snapshot: a clone stepped
/// to time T is in exactly the state the original reaches at T.
pub trait Simulation: Clone + Debug {
    fn step(&mut self);
    fn now(&self) -> Millis;
    /// Nothing more will happen (every export done or the process dead; the queue drained).
    fn is_finished(&self) -> bool;

    /// A fingerprint of the whole state. Built from the derived `Debug` output, so every field
    /// counts, new ones included, without a hand-kept list that could forget one.
    fn state_hash(&self) -> u64 {
        fnv1a(format!("{self:?}").as_bytes())
    }
}

/// 64-bit FNV-1a: tiny, portable, and identical on native and wasm.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

impl Simulation for NodeSim {
    fn step(&mut self) {
        NodeSim::step(self);
    }
    fn now(&self) -> Millis {
        NodeSim::now(self)
    }
    fn is_finished(&self) -> bool {
        NodeSim::is_finished(self)
    }
}

impl Simulation for SqsSim {
    fn step(&mut self) {
        SqsSim::step(self);
    }
    fn now(&self) -> Millis {
        SqsSim::now(self)
    }
    fn is_finished(&self) -> bool {
        SqsSim::is_finished(self)
    }
}

impl Simulation for KafkaSim {
    fn step(&mut self) {
        KafkaSim::step(self);
    }
    fn now(&self) -> Millis {
        KafkaSim::now(self)
    }
    /// A log never finishes: producers keep producing until the run's duration.
    fn is_finished(&self) -> bool {
        false
    }
}

/// For engines the reader can only re-parameterise, never act on mid-run.
#[derive(Clone, Debug, PartialEq)]
pub enum NoIntervention {}

impl Intervene for NodeSim {
    type Intervention = NoIntervention;
    fn intervene(&mut self, intervention: &NoIntervention) {
        match *intervention {}
    }
}

impl Intervene for KafkaSim {
    type Intervention = NoIntervention;
    fn intervene(&mut self, intervention: &NoIntervention) {
        match *intervention {}
    }
}

/// What the SQS widget's buttons do to the running system.
#[derive(Clone, Debug, PartialEq)]
pub enum SqsIntervention {
    /// `UpdateFunctionConfiguration` with a new `Timeout` (seconds), the mapping not re-checked.
    RaiseTimeout(u64),
    /// The campaign is over: arrivals back to the normal rate from the next step.
    EndSpike,
}

impl Intervene for SqsSim {
    type Intervention = SqsIntervention;
    fn intervene(&mut self, intervention: &SqsIntervention) {
        match *intervention {
            SqsIntervention::RaiseTimeout(seconds) => self.change_timeout_now(seconds),
            SqsIntervention::EndSpike => self.end_spike_now(),
        }
    }
}

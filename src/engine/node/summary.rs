use super::export::ExportState;
use super::sim::{Death, NodeSim};
use crate::engine::laws::LawsReadout;
use crate::engine::Millis;
use serde::Serialize;

/// What `bpsim run` prints for a Node scenario. Key names are part of the CLI's contract.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeSummary {
    pub scenario: &'static str,
    pub sim_ms: Millis,
    /// Measured at the end of each step: in the step that crosses a limit this includes the whole
    /// step's growth, so it can exceed the limit by up to one step's worth (see README, Summary).
    pub peak_heap_bytes: u64,
    pub peak_rss_bytes: u64,
    pub died: Option<Death>,
    pub completed_at_ms: Option<Millis>,
    pub rows_fetched: u64,
    pub rows_written: u64,
    pub rows_delivered: u64,
    /// Rows inside the process when the run ended (lost if it died).
    pub rows_buffered: u64,
    pub round_trips: u64,
    pub write_false: u64,
    pub app_write_false: u64,
    pub drains: u64,
    pub export_states: Vec<ExportState>,
    /// Little's law, throughput against goodput, amplification, oldest age (README, Live laws).
    pub laws: LawsReadout,
}

impl NodeSummary {
    pub fn of(sim: &NodeSim) -> Self {
        let sum = |f: fn(&super::ExportCounters) -> u64| sim.exports().iter().map(|e| f(&e.counters)).sum();
        Self {
            scenario: "node-stream",
            sim_ms: sim.now(),
            peak_heap_bytes: sim.peak_heap_bytes(),
            peak_rss_bytes: sim.peak_rss_bytes(),
            died: sim.death(),
            completed_at_ms: sim.completed_at_ms(),
            rows_fetched: sum(|c| c.rows_fetched),
            rows_written: sum(|c| c.rows_written),
            rows_delivered: sum(|c| c.rows_delivered),
            rows_buffered: sim.exports().iter().map(|e| e.rows_buffered()).sum(),
            round_trips: sum(|c| c.round_trips),
            write_false: sum(|c| c.write_false),
            app_write_false: sum(|c| c.app_write_false),
            drains: sum(|c| c.drains),
            export_states: sim.exports().iter().map(|e| e.state).collect(),
            laws: sim.laws(),
        }
    }
}

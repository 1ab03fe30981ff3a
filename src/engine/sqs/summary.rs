use super::sim::SqsSim;
use super::validate::warnings;
use crate::engine::laws::LawsReadout;
use crate::engine::Millis;
use serde::Serialize;

/// What `bpsim run` prints for an SQS + Lambda scenario. Key names are part of the CLI's contract.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SqsSummary {
    pub scenario: &'static str,
    pub sim_ms: Millis,
    pub sent: u64,
    pub completed: u64,
    pub dlq: u64,
    pub expired: u64,
    pub visible: u64,
    pub in_flight: u64,
    pub peak_visible: u64,
    pub peak_in_flight: u64,
    /// Lambda's ConcurrentExecutions at its highest.
    pub peak_concurrency: u64,
    pub peak_concurrency_at_ms: Millis,
    /// Invocations holding no connection at that moment: refused, retrying or queued.
    pub refused_at_peak: u64,
    /// Concurrent batches the event source mapping reached.
    pub peak_poller_batches: u64,
    pub throttles: u64,
    pub invocations: u64,
    pub handler_errors: u64,
    pub timeouts: u64,
    pub peak_connections: u64,
    pub connections_refused: u64,
    /// Every connection attempt, first tries and retries.
    pub connection_attempts: u64,
    /// Attempts per message sent: how much the retries amplify the load on Postgres.
    pub connection_attempts_per_message: f64,
    pub first_refusal_at_ms: Option<Millis>,
    pub processed_more_than_once: u64,
    pub redelivered_while_running: u64,
    /// Every receive of every message (ApproximateReceiveCount summed).
    pub receives: u64,
    pub max_age_of_oldest_ms: Millis,
    pub max_connection_wait_ms: Millis,
    pub last_completed_at_ms: Option<Millis>,
    /// When the campaign spike ended (its schedule, or by hand); `null` while it lasts or without one.
    pub spike_ended_at_ms: Option<Millis>,
    /// The first moment after that with at most 100 messages left and no refusal for 60 s.
    pub recovered_at_ms: Option<Millis>,
    /// `recovered_at_ms − spike_ended_at_ms`; `null` while not recovered.
    pub recovery_ms: Option<Millis>,
    pub warnings: Vec<String>,
    /// Little's law, throughput against goodput, amplification, oldest age (README, Live laws).
    pub laws: LawsReadout,
}

impl SqsSummary {
    pub fn of(sim: &SqsSim) -> Self {
        let c = sim.counters();
        Self {
            scenario: "sqs-lambda",
            sim_ms: sim.now(),
            sent: c.sent,
            completed: c.completed,
            dlq: c.dlq,
            expired: c.expired,
            visible: sim.visible(),
            in_flight: sim.in_flight(),
            peak_visible: c.peak_visible,
            peak_in_flight: c.peak_in_flight,
            peak_concurrency: c.peak_concurrency,
            peak_concurrency_at_ms: c.peak_concurrency_at_ms,
            refused_at_peak: c.refused_at_peak,
            peak_poller_batches: c.peak_poller_batches,
            throttles: c.throttles,
            invocations: c.invocations,
            handler_errors: c.handler_errors,
            timeouts: c.timeouts,
            peak_connections: c.peak_connections,
            connections_refused: c.connections_refused,
            connection_attempts: c.connection_attempts,
            connection_attempts_per_message: if c.sent == 0 { 0.0 } else { c.connection_attempts as f64 / c.sent as f64 },
            first_refusal_at_ms: c.first_refusal_at_ms,
            processed_more_than_once: c.processed_more_than_once,
            redelivered_while_running: c.redelivered_while_running,
            receives: c.receives,
            max_age_of_oldest_ms: c.max_age_of_oldest_ms,
            max_connection_wait_ms: c.max_connection_wait_ms,
            last_completed_at_ms: c.last_completed_at_ms,
            laws: sim.laws(),
            spike_ended_at_ms: sim.spike_ended_at(),
            recovered_at_ms: sim.recovered_at(),
            recovery_ms: sim.recovery_ms(),
            warnings: warnings(sim.params()).into_iter().map(|w| format!("{}: {}", w.field, w.message)).collect(),
        }
    }
}

//! The heaviest runs the controls allow, for a simulated day: the soak test
//! (tests/gauntlet_soak.rs) checks that nothing grows, and `bpbench` measures their memory.

use super::{Scenario, System, FORMAT_VERSION, MAX_SIM_MS};
use crate::engine::kafka::{self, validate::MAX_PARTITIONS, KafkaParams};
use crate::engine::node::{Mode, NodeParams};
use crate::engine::sqs::{self, SqsParams};

fn day_long(system: System) -> Scenario {
    Scenario { version: FORMAT_VERSION, seed: 1, duration_ms: Some(MAX_SIM_MS), system }
}

/// Every rate at its maximum, two exports sharing the uplink; only the clients' bandwidth is set
/// so that the exports are still sending at hour 24 (10^8 rows × 100 kB at 1.25 GB/s would be
/// done in 2.2 h), and `.pipe()` so that the process does not die first.
pub fn node_params() -> NodeParams {
    let mut params = NodeParams { mode: Mode::Pipe, total_rows: 100_000_000, row_bytes: 100_000, concurrent_exports: 2, ..Default::default() };
    params.cursor.batch_size = 100_000;
    params.cursor.round_trip_ms = 0;
    params.cursor.db_rows_per_second = 10_000_000;
    params.readable.high_water_mark = 100_000;
    params.network.uplink_bytes_per_second = 12_500_000_000;
    params.network.client_bytes_per_second = 100_000_000;
    params.memory.max_old_space_size_mb = 65_536;
    params
}

/// 10^6 events/s × the largest peak, all day: 10^8 records/s of the smallest size into 64
/// partitions of the smallest segments, deleted after the shortest retention; the fastest
/// consumers fall behind, so lag, segments and retention all keep moving.
pub fn kafka_params() -> KafkaParams {
    let mut params = KafkaParams {
        topic: kafka::Topic {
            partitions: MAX_PARTITIONS,
            record_bytes: 10,
            retention_ms: 60_000,
            retention_bytes: None,
            segment_bytes: 1_048_576,
            retention_check_interval_ms: 1_000,
        },
        producer: kafka::Producer {
            events_per_second: 1_000_000,
            peak: kafka::Peak { multiplier: 100, start_ms: 0, duration_ms: MAX_SIM_MS },
            broker_bytes_per_second: 10_000_000_000,
            ..Default::default()
        },
        ..Default::default()
    };
    for group in &mut params.groups {
        group.members = 16;
        group.max_poll_records = 10_000;
        group.processing.per_record_us = 1;
        group.downstream.records_per_second = Some(10_000_000);
    }
    params
}

/// The campaign's rate all day on top of the normal rate's maximum, a million messages at the
/// start, the largest batches of the fastest handler, and every concurrency at its maximum.
pub fn sqs_params() -> SqsParams {
    let mut params = SqsParams {
        arrivals: sqs::Arrivals {
            messages_per_minute: 1_000_000,
            initial_messages: 1_000_000,
            poison_percent: 1,
            spike: Some(sqs::Spike { start_seconds: 0, duration_seconds: MAX_SIM_MS / 1000, messages_per_minute: 1_000_000 }),
        },
        queue: sqs::Queue {
            visibility_timeout: 900,
            message_retention_period: 60,
            redrive_policy: Some(sqs::RedrivePolicy { max_receive_count: 1 }),
        },
        ..Default::default()
    };
    params.event_source_mapping.batch_size = 10_000;
    params.event_source_mapping.maximum_batching_window_in_seconds = 1;
    // Each batch of 10,000 holds poison: without partial responses every batch would fail whole.
    params.event_source_mapping.function_response_types = vec![sqs::FunctionResponseType::ReportBatchItemFailures];
    params.function.timeout = 900;
    params.function.handler_ms_per_message = 1;
    params.account.concurrent_executions = 10_000;
    params.database.max_connections = 5_000;
    params
}

/// The three as day-long scenarios, in the page's order.
pub fn all() -> [(&'static str, Scenario); 3] {
    [
        ("node", day_long(System::NodeStream(node_params()))),
        ("kafka", day_long(System::Kafka(kafka_params()))),
        ("sqs", day_long(System::SqsLambda(sqs_params()))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stress_scenario_is_valid() {
        for (name, scenario) in all() {
            assert_eq!(scenario.validate(), Ok(()), "{name}");
        }
    }
}

//! The heaviest scenarios the controls allow, for the soak test and the memory benchmark: every
//! rate and every count of actors at its maximum, run for a simulated day.

use super::{Scenario, System, FORMAT_VERSION, MAX_SIM_MS};
use crate::engine::kafka::{self, KafkaParams, MAX_GROUPS};
use crate::engine::node::{self, Mode, NodeParams};
use crate::engine::sqs::{self, SqsParams};

const SEED: u64 = 7;

fn day_long(system: System) -> Scenario {
    Scenario { version: FORMAT_VERSION, seed: SEED, duration_ms: Some(MAX_SIM_MS), system }
}

/// Fifty `.pipe()` exports of the most rows from the fastest database, each to a client at the
/// slowest speed, so that the day ends before any export does (at full speed they finish in
/// about two minutes and the run stops). `cursor.batchSize` stays at its default: 100,000-row
/// batches for fifty exports exhaust the heap at once, which is a crash, not a soak.
pub fn node_max_rates() -> Scenario {
    let mut params = NodeParams { mode: Mode::Pipe, ..NodeParams::default() };
    params.total_rows = max_of(node::RANGES, "totalRows");
    params.concurrent_exports = max_of(node::RANGES, "concurrentExports");
    params.network.client_bytes_per_second = min_of(node::RANGES, "network.clientBytesPerSecond");
    params.cursor.db_rows_per_second = max_of(node::RANGES, "cursor.dbRowsPerSecond");
    params.network.uplink_bytes_per_second = max_of(node::RANGES, "network.uplinkBytesPerSecond");
    day_long(System::NodeStream(params))
}

/// The most partitions, groups and members, a million events a second with a 100× peak all day,
/// and the fastest consumers.
pub fn kafka_max_rates() -> Scenario {
    let mut params = KafkaParams::default();
    params.topic.partitions = max_of(kafka::RANGES, "topic.partitions");
    params.producer.events_per_second = max_of(kafka::RANGES, "producer.eventsPerSecond");
    params.producer.peak.multiplier = max_of(kafka::RANGES, "producer.peak.multiplier");
    params.producer.peak.start_ms = 0;
    params.producer.peak.duration_ms = MAX_SIM_MS;
    params.producer.broker_bytes_per_second = max_of(kafka::RANGES, "producer.brokerBytesPerSecond");
    let template = params.groups[0].clone();
    params.groups = (0..MAX_GROUPS)
        .map(|index| {
            let mut group = template.clone();
            group.group_id = format!("group-{index}");
            group.members = max_of(kafka::GROUP_RANGES, "members");
            group.max_poll_records = max_of(kafka::GROUP_RANGES, "max.poll.records");
            group.processing.per_record_us = min_of(kafka::GROUP_RANGES, "processing.perRecordUs");
            group
        })
        .collect();
    day_long(System::Kafka(params))
}

/// A million messages a minute (and a million waiting at the start) against the account's
/// highest concurrency and the largest Postgres.
pub fn sqs_max_rates() -> Scenario {
    let mut params = SqsParams::default();
    params.arrivals.messages_per_minute = max_of(sqs::RANGES, "arrivals.messagesPerMinute");
    params.arrivals.initial_messages = max_of(sqs::RANGES, "arrivals.initialMessages");
    params.account.concurrent_executions = max_of(sqs::RANGES, "account.ConcurrentExecutions");
    params.database.max_connections = max_of(sqs::RANGES, "database.max_connections");
    params.function.handler_ms_per_message = min_of(sqs::RANGES, "function.handlerMsPerMessage");
    day_long(System::SqsLambda(params))
}

/// The three, in the page's order.
pub fn all() -> [(&'static str, Scenario); 3] {
    [
        ("node", node_max_rates()),
        ("kafka", kafka_max_rates()),
        ("sqs", sqs_max_rates()),
    ]
}

fn bound_of<P>(ranges: &[crate::engine::range::Range<P>], field: &str, pick: fn(u64, u64) -> u64) -> u64 {
    let range = ranges.iter().find(|r| r.field == field).unwrap_or_else(|| panic!("no range named {field}"));
    pick(range.min, range.max)
}

fn max_of<P>(ranges: &[crate::engine::range::Range<P>], field: &str) -> u64 {
    bound_of(ranges, field, |_, max| max)
}

fn min_of<P>(ranges: &[crate::engine::range::Range<P>], field: &str) -> u64 {
    bound_of(ranges, field, |min, _| min)
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

use super::group::GroupState;
use super::params::Client;
use super::sim::KafkaSim;
use crate::engine::laws::LawsReadout;
use crate::engine::Millis;
use serde::Serialize;

/// What `bpsim run` prints for a Kafka scenario. Key names are part of the CLI's contract.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KafkaSummary {
    pub scenario: &'static str,
    pub sim_ms: Millis,
    /// Events the application tried to send.
    pub generated: u64,
    /// Records appended to the topic.
    pub produced: u64,
    pub retained: u64,
    pub deleted_by_retention: u64,
    pub producer_blocked_ms: Millis,
    pub send_failures: u64,
    /// Records still in the producer's buffer or blocked in `send()` when the run ended.
    pub producer_pending: u64,
    pub partitions: Vec<PartitionSummary>,
    /// Totals over every group.
    pub rebalances: u64,
    pub duplicates: u64,
    pub lost: u64,
    pub groups: Vec<GroupSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionSummary {
    pub log_start: u64,
    pub end: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupSummary {
    pub group_id: String,
    pub client: Client,
    pub members: usize,
    /// Members holding at least one partition at the end.
    pub members_with_partitions: usize,
    /// Log end minus committed offset, summed over partitions, at the end.
    pub lag: u64,
    /// The largest lag seen (sampled once a second, peaks kept).
    pub max_lag: u64,
    /// Committed offset of each partition.
    pub committed: Vec<Option<u64>>,
    /// Records processed, repeats included.
    pub processed: u64,
    /// Records processed at least once.
    pub distinct: u64,
    pub duplicates: u64,
    pub rebalances: u64,
    pub evictions: u64,
    pub commit_failures: u64,
    pub lost_to_retention: u64,
    pub pauses: u64,
    /// Records not yet processed even once (log end minus the processed frontier).
    pub unprocessed: u64,
    /// Little's law, throughput against goodput, amplification, oldest age (README, Live laws).
    pub laws: LawsReadout,
}

impl GroupSummary {
    fn of(sim: &KafkaSim, index: usize, group: &GroupState) -> Self {
        let params = &sim.params().groups[index];
        let logs = sim.logs();
        Self {
            group_id: params.group_id.clone(),
            client: params.client,
            members: group.members.len(),
            members_with_partitions: group.members.iter().filter(|m| !m.assigned.is_empty()).count(),
            lag: group.lag(logs),
            max_lag: group.lag_series.max_value().max(group.lag(logs)),
            committed: group.cursors.iter().map(|c| c.committed).collect(),
            processed: group.counters.processed,
            distinct: group.counters.distinct,
            duplicates: group.counters.duplicates,
            rebalances: group.counters.rebalances,
            evictions: group.counters.evictions,
            commit_failures: group.counters.commit_failures,
            lost_to_retention: group.counters.lost,
            pauses: group.counters.pauses,
            unprocessed: group.cursors.iter().zip(logs).map(|(c, l)| l.end - c.frontier).sum(),
            laws: sim.laws(index),
        }
    }
}

impl KafkaSummary {
    pub fn of(sim: &KafkaSim) -> Self {
        let groups: Vec<GroupSummary> = sim.groups().iter().enumerate().map(|(i, g)| GroupSummary::of(sim, i, g)).collect();
        let producer = sim.producer();
        Self {
            scenario: "kafka",
            sim_ms: sim.now(),
            generated: producer.generated,
            produced: sim.produced(),
            retained: sim.retained(),
            deleted_by_retention: sim.deleted(),
            producer_blocked_ms: producer.blocked_ms,
            send_failures: producer.send_failures,
            producer_pending: producer.buffered + producer.blocked_count(),
            partitions: sim.logs().iter().map(|l| PartitionSummary { log_start: l.start, end: l.end }).collect(),
            rebalances: groups.iter().map(|g| g.rebalances).sum(),
            duplicates: groups.iter().map(|g| g.duplicates).sum(),
            lost: groups.iter().map(|g| g.lost_to_retention).sum(),
            groups,
        }
    }
}

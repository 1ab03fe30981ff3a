//! Kafka: random valid parameters over every control's whole range, and the identities that
//! account for every record.

use super::{anywhere_in, maybe_in, ranged};
use backpressure_playground::engine::kafka::validate::{DOWNSTREAM_RATE, MAX_EVENTS, MAX_GROUPS, OUTAGE_MS, RETENTION_BYTES};
use backpressure_playground::engine::kafka::{
    Assignor, Client, Distribution, Group, KafkaParams, KafkaSim, OffsetReset, Outage, GROUP_RANGES, RANGES,
};
use proptest::prelude::*;

fn group() -> impl Strategy<Value = Group> {
    (
        ranged(Group::named("g"), GROUP_RANGES),
        (
            prop_oneof![Just(Client::Java), Just(Client::Kafkajs)],
            prop_oneof![Just(Assignor::Range), Just(Assignor::Roundrobin)],
            prop_oneof![Just(OffsetReset::Earliest), Just(OffsetReset::Latest)],
            prop_oneof![Just(Distribution::Fixed), Just(Distribution::Uniform)],
        ),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        (maybe_in(DOWNSTREAM_RATE.0, DOWNSTREAM_RATE.1), maybe_in(DOWNSTREAM_RATE.0, DOWNSTREAM_RATE.1)),
        proptest::option::of((anywhere_in(OUTAGE_MS.0, OUTAGE_MS.1), anywhere_in(OUTAGE_MS.0, OUTAGE_MS.1))),
    )
        .prop_map(|(mut g, (client, assignor, reset, distribution), (heartbeat, pause_bug, auto_commit), (downstream, db), outage)| {
            g.client = client;
            g.assignor = assignor;
            g.auto_offset_reset = reset;
            g.processing.distribution = distribution;
            g.heartbeat_in_each_batch = heartbeat;
            g.kafkajs2_pause_bug = pause_bug;
            g.enable_auto_commit = auto_commit;
            g.downstream.records_per_second = downstream;
            g.processing.db_records_per_second = db;
            g.outage = outage.map(|(start_ms, duration_ms)| Outage { start_ms, duration_ms });
            g
        })
}

/// Valid parameters with every control anywhere in its range, 1 to [`MAX_GROUPS`] groups.
pub fn params() -> impl Strategy<Value = KafkaParams> {
    (
        ranged(KafkaParams::default(), RANGES),
        any::<bool>(),
        maybe_in(RETENTION_BYTES.0, RETENTION_BYTES.1),
        maybe_in(MAX_EVENTS.0, MAX_EVENTS.1),
        proptest::collection::vec(group(), 1..=MAX_GROUPS),
    )
        .prop_map(|(mut p, keyed, retention_bytes, max_events, mut groups)| {
            p.producer.keyed = keyed;
            p.topic.retention_bytes = retention_bytes;
            p.producer.max_events = max_events;
            // Group ids must differ.
            for (index, group) in groups.iter_mut().enumerate() {
                group.group_id = format!("g{index}");
            }
            p.groups = groups;
            p
        })
}

/// Records this group has neither processed nor skipped: the processing lag. (Kafka's reported
/// lag, [`backpressure_playground::engine::kafka::GroupState::lag`], counts from the committed
/// offset, so it also holds records processed but not yet committed.)
pub fn unprocessed(sim: &KafkaSim, group: usize) -> u64 {
    sim.groups()[group].cursors.iter().zip(sim.logs()).map(|(cursor, log)| log.end - cursor.frontier).sum()
}

/// Every identity the model promises, checked on one state: the producer's events, the log's
/// records (produced = retained + deleted by retention), and per consumer group, from its own
/// counters, distinct records processed + processing lag + lost = produced.
pub fn assert_conserved(sim: &KafkaSim, context: &str) {
    let now = sim.now();
    let producer = sim.producer();
    assert_eq!(
        producer.generated,
        producer.sent + producer.buffered + producer.blocked_count() + producer.send_failures,
        "{context}: producer at {now} ms"
    );
    assert_eq!(sim.produced(), sim.retained() + sim.deleted(), "{context}: log at {now} ms");
    let log_total: u64 = sim.logs().iter().map(|l| l.end).sum();
    assert_eq!(sim.produced(), log_total, "{context}: appended = sum of log ends");
    for (g, group) in sim.groups().iter().enumerate() {
        let c = group.counters;
        assert_eq!(
            c.distinct + unprocessed(sim, g) + c.lost,
            sim.produced(),
            "{context}: group {g} at {now} ms: distinct + lag + lost ≠ produced: {c:?}"
        );
        assert_eq!(c.processed, c.distinct + c.duplicates, "{context}: group {g} counters");
        for (p, (cursor, log)) in group.cursors.iter().zip(sim.logs()).enumerate() {
            assert_eq!(cursor.distinct + cursor.lost, cursor.frontier, "{context}: group {g} partition {p} at {now} ms");
            assert!(cursor.frontier <= log.end, "{context}: group {g} partition {p} processed past the log end");
            assert!(cursor.position <= log.end && cursor.committed.unwrap_or(0) <= log.end, "{context}: cursor past the end");
        }
        let owned: usize = group.members.iter().map(|m| m.assigned.len()).sum();
        assert!(owned <= sim.logs().len(), "{context}: a partition owned twice");
    }
}

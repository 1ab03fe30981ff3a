//! Kafka presets: the article's 10× peak, producer backpressure, falling off retention, and the
//! incidents K1, K3, K6, K7 (docs/semantics.md §4).

use super::Preset;
use crate::engine::kafka::{Client, Distribution, Downstream, Group, KafkaParams, OffsetReset, Outage, Peak, Processing, Producer, Topic};
use crate::scenario::{Scenario, System, FORMAT_VERSION};

pub static PRESETS: &[Preset] = &[
    Preset {
        name: "article-peak",
        description: "The article's pipeline: 2,000 events/s, then a 10× peak for 60 s. analytics pauses \
                      while its database is overwhelmed (30 s cooldown) and audit reads at its own pace; lag \
                      climbs during the peak and drains after it; nothing is lost or processed twice.",
        build: || kafka(article_params(), 600_000),
    },
    Preset {
        name: "producer-blocked",
        description: "The same peak against brokers that take only 5 MB/s: buffer.memory (32 MiB) fills in \
                      about 2 s, send() blocks, and sends blocked longer than max.block.ms (60 s) throw.",
        build: producer_blocked,
    },
    Preset {
        name: "falling-off-latest",
        description: "audit is down for 20 minutes while retention.ms is 10 minutes: when it comes back its \
                      committed offset is gone; auto.offset.reset=latest jumps to the log end and skips every \
                      record it had not read, retained or not.",
        build: || falling_off(OffsetReset::Latest),
    },
    Preset {
        name: "falling-off-earliest",
        description: "The same outage with auto.offset.reset=earliest: it restarts at the oldest retained \
                      record, so only the deleted segments are lost.",
        build: || falling_off(OffsetReset::Earliest),
    },
    Preset {
        name: "k1-poll-interval-loop",
        description: "aio-libs/aiokafka#848: one record takes 420 s with max.poll.interval.ms = 300 s. The \
                      member is thrown out at 300 s, the other member gets the same record, the late commit \
                      fails; the committed offset never moves and rebalances repeat about every 300 s.",
        build: k1_poll_interval_loop,
    },
    Preset {
        name: "k3-kafkajs-slow-handler",
        description: "tulios/kafkajs#447: an eachMessage handler takes 35 s; KafkaJS heartbeats only between \
                      messages, so the 30 s sessionTimeout expires, the group rebalances and the message is \
                      processed again. heartbeat() inside eachBatch, or the Java client, avoids it.",
        build: k3_kafkajs_slow_handler,
    },
    Preset {
        name: "k6-batch-too-big",
        description: "spring-projects/spring-kafka#742: 500 records per poll × 1 s each = 500 s > 300 s. The \
                      member is thrown out at ~300 s, its commit fails, and the same batch starts over, forever. \
                      max.poll.records = 100 (100 s) runs steadily.",
        build: k6_batch_too_big,
    },
    Preset {
        name: "k7-rebalance-storm",
        description: "Kafka consumer rebalance storms: every record calls a shared database, so 20 members \
                      take 250–306 s per 500-record poll against the 300 s deadline. Scaling to 40 makes each \
                      record twice as slow: every batch misses the deadline, rebalances never stop, lag grows faster.",
        build: || k7_rebalance_storm(20),
    },
];

fn kafka(params: KafkaParams, duration_ms: u64) -> Scenario {
    Scenario { version: FORMAT_VERSION, seed: 1, duration_ms: Some(duration_ms), system: System::Kafka(params) }
}

/// 2,000 events/s of 1 kB; ×10 (20,000/s) from 60 s to 120 s. analytics: 4 members × 2,000
/// records/s (500 µs each) = 8,000/s, but its database takes 5,000/s and holds 100,000 queued
/// writes, so during the peak members pause for 30 s at a time. audit: 3 × 2,500/s = 7,500/s.
pub fn article_params() -> KafkaParams {
    KafkaParams {
        // 16 MiB segments (16,777 records) so that segments are visible on the tapes.
        topic: Topic { partitions: 12, segment_bytes: 16 * 1_048_576, ..Topic::default() },
        producer: Producer {
            events_per_second: 2_000,
            peak: Peak { multiplier: 10, start_ms: 60_000, duration_ms: 60_000 },
            ..Producer::default()
        },
        groups: vec![
            Group {
                members: 4,
                processing: Processing { per_record_us: 500, distribution: Distribution::Uniform, spread_percent: 20, ..Processing::default() },
                downstream: Downstream { records_per_second: Some(5_000), max_backlog: 100_000, pause_cooldown_ms: 30_000 },
                ..Group::named("analytics")
            },
            Group {
                members: 3,
                processing: Processing { per_record_us: 400, distribution: Distribution::Uniform, spread_percent: 20, ..Processing::default() },
                ..Group::named("audit")
            },
        ],
    }
}

/// 20,000 events/s × 1 kB = 20 MB/s offered to brokers taking 5 MB/s.
fn producer_blocked() -> Scenario {
    let mut params = article_params();
    params.producer.broker_bytes_per_second = 5_000_000;
    params.producer.peak.duration_ms = 120_000;
    kafka(params, 600_000)
}

/// Segments of 1 MiB (1,048 records of 1 kB), retention 10 minutes checked every 30 s; audit is
/// down from 5 to 25 minutes.
fn falling_off(reset: OffsetReset) -> Scenario {
    let params = KafkaParams {
        topic: Topic {
            partitions: 4,
            retention_ms: 600_000,
            segment_bytes: 1_048_576,
            retention_check_interval_ms: 30_000,
            ..Topic::default()
        },
        producer: Producer { events_per_second: 200, ..Producer::default() },
        groups: vec![
            Group { members: 2, ..Group::named("analytics") },
            Group {
                members: 2,
                auto_offset_reset: reset,
                outage: Some(Outage { start_ms: 300_000, duration_ms: 1_200_000 }),
                ..Group::named("audit")
            },
        ],
    };
    kafka(params, 1_800_000)
}

/// One record a second into one partition; two members; aiokafka's getone() handles one record
/// at a time (max.poll.records = 1); each takes 420 s.
fn k1_poll_interval_loop() -> Scenario {
    let params = KafkaParams {
        topic: Topic { partitions: 1, ..Topic::default() },
        producer: Producer { events_per_second: 1, ..Producer::default() },
        groups: vec![Group {
            members: 2,
            max_poll_records: 1,
            processing: Processing { per_record_us: 420_000_000, ..Processing::default() },
            ..Group::named("worker")
        }],
    };
    kafka(params, 3_600_000)
}

/// One message; a KafkaJS eachMessage handler that awaits for 35 s.
fn k3_kafkajs_slow_handler() -> Scenario {
    let params = KafkaParams {
        topic: Topic { partitions: 1, ..Topic::default() },
        producer: Producer { events_per_second: 1, max_events: Some(1), ..Producer::default() },
        groups: vec![Group {
            members: 1,
            client: Client::Kafkajs,
            processing: Processing { per_record_us: 35_000_000, ..Processing::default() },
            ..Group::named("handler")
        }],
    };
    kafka(params, 300_000)
}

/// One record a second; the consumer is deployed at 600 s (600 records waiting) and commits
/// after each batch, as Spring's default BATCH ack mode does.
fn k6_batch_too_big() -> Scenario {
    let params = KafkaParams {
        topic: Topic { partitions: 1, ..Topic::default() },
        producer: Producer { events_per_second: 1, ..Producer::default() },
        groups: vec![Group {
            members: 1,
            enable_auto_commit: false,
            auto_offset_reset: OffsetReset::Earliest,
            processing: Processing { per_record_us: 1_000_000, ..Processing::default() },
            outage: Some(Outage { start_ms: 0, duration_ms: 600_000 }),
            ..Group::named("listener")
        }],
    };
    kafka(params, 1_800_000)
}

/// 40 partitions with a backlog (the group starts after 20 minutes of 30 events/s). Every record
/// calls a database that handles 36 records/s in all: 20 busy members get 0.556 s a record, so
/// a 500-record poll takes 250–306 s (± 10 %) against the 300 s deadline; 40 members get 1.11 s,
/// 500–611 s. Commit after each batch.
pub fn k7_rebalance_storm(members: u64) -> Scenario {
    let params = KafkaParams {
        topic: Topic { partitions: 40, ..Topic::default() },
        producer: Producer { events_per_second: 30, ..Producer::default() },
        groups: vec![Group {
            members,
            enable_auto_commit: false,
            auto_offset_reset: OffsetReset::Earliest,
            processing: Processing {
                per_record_us: 1_000,
                distribution: Distribution::Uniform,
                spread_percent: 10,
                db_records_per_second: Some(36),
            },
            outage: Some(Outage { start_ms: 0, duration_ms: 1_200_000 }),
            ..Group::named("enricher")
        }],
    };
    kafka(params, 7_200_000)
}

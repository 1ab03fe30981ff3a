//! Parameters of the Kafka scenario. Kafka's own settings keep their real dotted names and
//! defaults (ConsumerConfig, ProducerConfig, topic configs; KafkaJS's camelCase options);
//! the simulation's own knobs (rates, processing time, downstream) are camelCase.

use serde::{Deserialize, Serialize};

/// Which consumer client, and so which liveness rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Client {
    /// Java `KafkaConsumer`: a background thread heartbeats (`session.timeout.ms` detects a dead
    /// process); a poll gap over `max.poll.interval.ms` gets the member thrown out.
    Java,
    /// KafkaJS: heartbeats only between messages (or when `eachBatch` calls `heartbeat()`);
    /// no poll interval; `sessionTimeout` (30 s) is the deadline for one handler call.
    Kafkajs,
}

names!(Client { Java => "java", Kafkajs => "kafkajs" });

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Assignor {
    /// `RangeAssignor`: contiguous runs of partitions, the first members get one extra.
    Range,
    /// `RoundRobinAssignor`: partition i goes to member i mod n.
    Roundrobin,
}

names!(Assignor { Range => "range", Roundrobin => "roundrobin" });

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OffsetReset {
    /// Jump to the oldest retained record: only deleted records are lost.
    Earliest,
    /// Jump to the log end (Kafka's default): every retained but unread record is skipped too.
    Latest,
}

names!(OffsetReset { Earliest => "earliest", Latest => "latest" });

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Distribution {
    /// Every record takes exactly `perRecordUs`.
    Fixed,
    /// Each poll batch takes `count × perRecordUs × (1 ± spreadPercent)`, uniform.
    Uniform,
}

names!(Distribution { Fixed => "fixed", Uniform => "uniform" });

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Topic {
    /// Partitions of the topic (1..=64): the group's maximum parallelism.
    pub partitions: u64,
    /// Size of one record on the broker (key, value, headers, overhead).
    #[serde(rename = "recordBytes")]
    pub record_bytes: u64,
    /// Closed segments older than this are deleted (broker default 7 days).
    #[serde(rename = "retention.ms")]
    pub retention_ms: u64,
    /// Per-partition size cap; `null` means -1, unlimited (the default).
    #[serde(rename = "retention.bytes")]
    pub retention_bytes: Option<u64>,
    /// A partition's active segment rolls over at this size (default 1 GiB).
    #[serde(rename = "segment.bytes")]
    pub segment_bytes: u64,
    /// How often the broker looks for segments to delete (default 5 minutes).
    #[serde(rename = "log.retention.check.interval.ms")]
    pub retention_check_interval_ms: u64,
}

impl Default for Topic {
    fn default() -> Self {
        Self {
            partitions: 6,
            record_bytes: 1_000,
            retention_ms: 604_800_000,
            retention_bytes: None,
            segment_bytes: 1_073_741_824,
            retention_check_interval_ms: 300_000,
        }
    }
}

/// A ×N burst on top of the normal rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Peak {
    /// 1 means no peak.
    pub multiplier: u64,
    pub start_ms: u64,
    pub duration_ms: u64,
}

impl Default for Peak {
    fn default() -> Self {
        Self { multiplier: 1, start_ms: 60_000, duration_ms: 120_000 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Producer {
    /// Events the application emits per second outside the peak.
    #[serde(rename = "eventsPerSecond")]
    pub events_per_second: u64,
    pub peak: Peak,
    /// Records carry a key (same key → same partition); without one the sticky partitioner
    /// spreads them evenly over time.
    pub keyed: bool,
    /// With keys: share of all events carrying one hot key, all landing on partition 0.
    #[serde(rename = "hotKeyPercent")]
    pub hot_key_percent: u64,
    /// Stop after this many events; `null` for no limit.
    #[serde(rename = "maxEvents")]
    pub max_events: Option<u64>,
    /// The producer's record accumulator (default 32 MiB).
    #[serde(rename = "buffer.memory")]
    pub buffer_memory: u64,
    /// How long `send()` blocks on a full buffer before it throws (default 60 s).
    #[serde(rename = "max.block.ms")]
    pub max_block_ms: u64,
    /// What the brokers accept from this producer, in bytes per second.
    #[serde(rename = "brokerBytesPerSecond")]
    pub broker_bytes_per_second: u64,
}

impl Default for Producer {
    fn default() -> Self {
        Self {
            events_per_second: 1_000,
            peak: Peak::default(),
            keyed: true,
            hot_key_percent: 0,
            max_events: None,
            buffer_memory: 33_554_432,
            max_block_ms: 60_000,
            broker_bytes_per_second: 100_000_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Processing {
    /// Mean processing time of one record, in microseconds.
    pub per_record_us: u64,
    pub distribution: Distribution,
    /// For `uniform`: spread either side of the mean, in percent.
    pub spread_percent: u64,
    /// A database every record calls, whose throughput the members processing at the same time
    /// share: with n busy members a record takes at least n / this many seconds. `null`: none.
    pub db_records_per_second: Option<u64>,
}

impl Default for Processing {
    fn default() -> Self {
        Self { per_record_us: 1_000, distribution: Distribution::Fixed, spread_percent: 0, db_records_per_second: None }
    }
}

/// What the consumer writes to (a database, an API). When its backlog reaches `maxBacklog`,
/// members `pause()` their partitions for `pauseCooldownMs`, then `resume()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Downstream {
    /// Records per second it absorbs; `null` for unlimited (never overwhelmed).
    pub records_per_second: Option<u64>,
    pub max_backlog: u64,
    /// The article's cooldown: 30 s.
    pub pause_cooldown_ms: u64,
}

impl Default for Downstream {
    fn default() -> Self {
        Self { records_per_second: None, max_backlog: 10_000, pause_cooldown_ms: 30_000 }
    }
}

/// Every member of the group is down for a while (a deploy, a crash); it rejoins afterwards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Outage {
    pub start_ms: u64,
    pub duration_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Group {
    /// `group.id`.
    #[serde(rename = "group.id")]
    pub group_id: String,
    /// Consumers in the group (1..=48); members beyond the partition count sit idle.
    pub members: u64,
    pub client: Client,
    #[serde(rename = "partition.assignment.strategy")]
    pub assignor: Assignor,
    #[serde(rename = "max.poll.records")]
    pub max_poll_records: u64,
    /// Java only: the longest allowed gap between two `poll()` calls.
    #[serde(rename = "max.poll.interval.ms")]
    pub max_poll_interval_ms: u64,
    /// Java: heartbeats come from a background thread, so this only catches dead processes.
    #[serde(rename = "session.timeout.ms")]
    pub session_timeout_ms: u64,
    /// KafkaJS: no heartbeat while a handler runs, so this bounds one handler call.
    #[serde(rename = "sessionTimeout")]
    pub kafkajs_session_timeout: u64,
    /// KafkaJS: the `eachBatch` handler calls `heartbeat()` while it works.
    #[serde(rename = "heartbeatInEachBatch")]
    pub heartbeat_in_each_batch: bool,
    /// KafkaJS 2.x bug (tulios/kafkajs#1376): after `pause()` inside the handler, the same batch
    /// is delivered once more although the partition is paused.
    #[serde(rename = "kafkajs2PauseBug")]
    pub kafkajs2_pause_bug: bool,
    /// `true`: offsets are committed in `poll()` every `auto.commit.interval.ms` (and on revoke);
    /// `false`: the loop commits synchronously after each batch.
    #[serde(rename = "enable.auto.commit")]
    pub enable_auto_commit: bool,
    #[serde(rename = "auto.commit.interval.ms")]
    pub auto_commit_interval_ms: u64,
    #[serde(rename = "auto.offset.reset")]
    pub auto_offset_reset: OffsetReset,
    pub processing: Processing,
    pub downstream: Downstream,
    /// How long an eager rebalance stops the whole group.
    #[serde(rename = "rebalanceMs")]
    pub rebalance_ms: u64,
    pub outage: Option<Outage>,
}

impl Default for Group {
    fn default() -> Self {
        Self {
            group_id: "analytics".into(),
            members: 3,
            client: Client::Java,
            assignor: Assignor::Range,
            max_poll_records: 500,
            max_poll_interval_ms: 300_000,
            session_timeout_ms: 45_000,
            kafkajs_session_timeout: 30_000,
            heartbeat_in_each_batch: false,
            kafkajs2_pause_bug: false,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            auto_offset_reset: OffsetReset::Latest,
            processing: Processing::default(),
            downstream: Downstream::default(),
            rebalance_ms: 3_000,
            outage: None,
        }
    }
}

impl Group {
    pub fn named(name: &str) -> Self {
        Self { group_id: name.into(), ..Self::default() }
    }

    /// The deadline the member cards count down to.
    pub fn liveness_deadline_ms(&self) -> u64 {
        match self.client {
            Client::Java => self.max_poll_interval_ms,
            Client::Kafkajs => self.kafkajs_session_timeout,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KafkaParams {
    pub topic: Topic,
    pub producer: Producer,
    pub groups: Vec<Group>,
}

impl Default for KafkaParams {
    fn default() -> Self {
        Self { topic: Topic::default(), producer: Producer::default(), groups: vec![Group::named("analytics"), Group::named("audit")] }
    }
}

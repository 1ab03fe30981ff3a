//! Every system's params as a [`Json`] tree and back, one field table per struct: what serde's
//! derives did for links, without serde in the page. The rules are serde's as the derives apply
//! them (the link format was defined with them): keys by their scenario names, a missing field
//! takes its default, an unknown one is refused, fields are read in key order.

use super::json::{insert, Json};
use crate::engine::kafka::{
    Assignor, Client, Distribution, Downstream, Group, KafkaParams, OffsetReset, Outage, Peak, Processing, Producer, Topic,
};
use crate::engine::node::{Cursor, Memory, Mode, Network, NodeParams, Readable, Response, Stage, StageKind};
use crate::engine::sqs::{
    Account, Arrivals, Database, EventSourceMapping, Function, FunctionResponseType, Queue, RedrivePolicy, RetryPolicy,
    ScalingConfig, Spike, SqsParams, TimeoutChange,
};

/// Why a tree is not a value of the type: serde told these apart in its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A name that is none of the choices (`mode=sideways`).
    UnknownChoice,
    /// Anything else: a wrong kind of value, a missing or unknown field.
    WrongShape,
}

/// A value that travels in a link.
pub trait Link: Sized {
    fn to_json(&self) -> Json;
    fn from_json(json: &Json) -> Result<Self, Refusal>;
}

impl Link for u64 {
    fn to_json(&self) -> Json {
        Json::Count(*self)
    }
    fn from_json(json: &Json) -> Result<Self, Refusal> {
        match json {
            Json::Count(count) => Ok(*count),
            _ => Err(Refusal::WrongShape),
        }
    }
}

impl Link for bool {
    fn to_json(&self) -> Json {
        Json::Bool(*self)
    }
    fn from_json(json: &Json) -> Result<Self, Refusal> {
        match json {
            Json::Bool(value) => Ok(*value),
            _ => Err(Refusal::WrongShape),
        }
    }
}

impl Link for String {
    fn to_json(&self) -> Json {
        Json::Text(self.clone())
    }
    fn from_json(json: &Json) -> Result<Self, Refusal> {
        match json {
            Json::Text(text) => Ok(text.clone()),
            _ => Err(Refusal::WrongShape),
        }
    }
}

impl<T: Link> Link for Option<T> {
    fn to_json(&self) -> Json {
        self.as_ref().map_or(Json::Null, T::to_json)
    }
    fn from_json(json: &Json) -> Result<Self, Refusal> {
        match json {
            Json::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }
}

impl<T: Link> Link for Vec<T> {
    fn to_json(&self) -> Json {
        Json::List(self.iter().map(T::to_json).collect())
    }
    fn from_json(json: &Json) -> Result<Self, Refusal> {
        match json {
            Json::List(items) => items.iter().map(T::from_json).collect(),
            _ => Err(Refusal::WrongShape),
        }
    }
}

/// Unit enums travel by name.
macro_rules! by_name {
    ($($ty:ty),+) => {$(
        impl Link for $ty {
            fn to_json(&self) -> Json {
                Json::Text(self.name().to_string())
            }
            fn from_json(json: &Json) -> Result<Self, Refusal> {
                let named = |name: &str| <$ty>::ALL.iter().copied().find(|choice| choice.name() == name).ok_or(Refusal::UnknownChoice);
                match json {
                    Json::Text(name) => named(name),
                    // serde also reads a name as `{"name": null}`.
                    Json::Object(entries) if entries.len() == 1 => {
                        let choice = named(&entries[0].0)?;
                        if entries[0].1 == Json::Null { Ok(choice) } else { Err(Refusal::WrongShape) }
                    }
                    _ => Err(Refusal::WrongShape),
                }
            }
        }
    )+};
}

by_name!(Mode, StageKind, Client, Assignor, OffsetReset, Distribution, FunctionResponseType, RetryPolicy);

/// One field of a struct, by its name in the scenario format. A table lists its struct's
/// fields in declaration order, which the list form of a struct follows.
pub struct Field<R: 'static> {
    name: &'static str,
    /// Without a default the field must be given (serde's rule for a struct without `default`).
    required: bool,
    slot: Slot<R>,
}

/// Where a field lives in its struct. The common kinds are reached through plain accessors
/// (tiny, and shared by every field at the same offset) and converted by one shared path; the
/// rest (names, nested structs, lists) bring their own conversions.
enum Slot<R: 'static> {
    Count(fn(&R) -> &u64, fn(&mut R) -> &mut u64),
    OptionalCount(fn(&R) -> &Option<u64>, fn(&mut R) -> &mut Option<u64>),
    Flag(fn(&R) -> &bool, fn(&mut R) -> &mut bool),
    Text(fn(&R) -> &String, fn(&mut R) -> &mut String),
    Other(fn(&R) -> Json, fn(&mut R, &Json) -> Result<(), Refusal>),
}

// Not inlined: the bodies are the same machine code for every struct, so one copy serves all.
impl<R> Field<R> {
    #[inline(never)]
    fn get(&self, record: &R) -> Json {
        match self.slot {
            Slot::Count(get, _) => get(record).to_json(),
            Slot::OptionalCount(get, _) => get(record).to_json(),
            Slot::Flag(get, _) => get(record).to_json(),
            Slot::Text(get, _) => get(record).to_json(),
            Slot::Other(get, _) => get(record),
        }
    }

    #[inline(never)]
    fn set(&self, record: &mut R, json: &Json) -> Result<(), Refusal> {
        match self.slot {
            Slot::Count(_, place) => *place(record) = Link::from_json(json)?,
            Slot::OptionalCount(_, place) => *place(record) = Link::from_json(json)?,
            Slot::Flag(_, place) => *place(record) = Link::from_json(json)?,
            Slot::Text(_, place) => *place(record) = Link::from_json(json)?,
            Slot::Other(_, set) => set(record, json)?,
        }
        Ok(())
    }
}

/// A struct that travels as a JSON object.
pub trait Record: Sized + 'static {
    const FIELDS: &'static [Field<Self>];
    /// What the fields a link leaves out hold.
    fn start() -> Self;
}

impl<R: Record> Link for R {
    fn to_json(&self) -> Json {
        object(R::FIELDS.len(), &|index| (R::FIELDS[index].name, R::FIELDS[index].get(self)))
    }

    fn from_json(json: &Json) -> Result<Self, Refusal> {
        let mut record = R::start();
        let about = |index: usize| (R::FIELDS[index].name, R::FIELDS[index].required);
        read(json, R::FIELDS.len(), &about, &mut |index, value| R::FIELDS[index].set(&mut record, value))?;
        Ok(record)
    }
}

// The walks every struct shares, behind callbacks so that each exists once and not once per struct.

/// An object of `count` fields, each `(name, value)`.
fn object(count: usize, field: &dyn Fn(usize) -> (&'static str, Json)) -> Json {
    let mut entries = Vec::with_capacity(count);
    for index in 0..count {
        let (name, value) = field(index);
        insert(&mut entries, name.to_string(), value);
    }
    Json::Object(entries)
}

/// Sets the fields `json` gives, by index, through `set`; `about` names field `index` and says
/// whether it is required.
fn read(
    json: &Json,
    count: usize,
    about: &dyn Fn(usize) -> (&'static str, bool),
    set: &mut dyn FnMut(usize, &Json) -> Result<(), Refusal>,
) -> Result<(), Refusal> {
    let given = match json {
        Json::Object(entries) => {
            for (key, value) in entries {
                let index = (0..count).find(|&index| about(index).0 == key).ok_or(Refusal::WrongShape)?;
                set(index, value)?;
            }
            (0..count).all(|index| !about(index).1 || json.get(about(index).0).is_some())
        }
        // serde also reads a struct as the list of its fields in declaration order.
        Json::List(items) => {
            for (index, item) in items.iter().enumerate().take(count) {
                set(index, item)?;
            }
            items.len() <= count && (items.len()..count).all(|index| !about(index).1)
        }
        _ => false,
    };
    if given {
        Ok(())
    } else {
        Err(Refusal::WrongShape)
    }
}

/// `field!(kind "name", |r| r.place)`, `kind` one of `count` (u64), `optional` (Option<u64>),
/// `flag` (bool), `text` (String) or `other` (anything else that is [`Link`]); `required` before
/// the name for a field without a default.
macro_rules! field {
    (required $kind:ident $name:literal, |$r:ident| $place:expr) => {
        Field { name: $name, required: true, slot: field!(@$kind |$r| $place) }
    };
    ($kind:ident $name:literal, |$r:ident| $place:expr) => {
        Field { name: $name, required: false, slot: field!(@$kind |$r| $place) }
    };
    (@count |$r:ident| $place:expr) => { Slot::Count(|$r| &$place, |$r| &mut $place) };
    (@optional |$r:ident| $place:expr) => { Slot::OptionalCount(|$r| &$place, |$r| &mut $place) };
    (@flag |$r:ident| $place:expr) => { Slot::Flag(|$r| &$place, |$r| &mut $place) };
    (@text |$r:ident| $place:expr) => { Slot::Text(|$r| &$place, |$r| &mut $place) };
    (@other |$r:ident| $place:expr) => {
        Slot::Other(|$r| Link::to_json(&$place), |$r, json| {
            $place = Link::from_json(json)?;
            Ok(())
        })
    };
}

/// `record!(Type, start, [fields…])`: the field table of a struct.
macro_rules! record {
    ($ty:ty, $start:expr, [$($field:expr),+ $(,)?]) => {
        impl Record for $ty {
            const FIELDS: &'static [Field<Self>] = &[$($field),+];
            fn start() -> Self {
                $start
            }
        }
    };
}

record!(NodeParams, NodeParams::default(), [
    field!(other "mode", |p| p.mode),
    field!(count "nodeMajor", |p| p.node_major),
    field!(count "totalRows", |p| p.total_rows),
    field!(count "rowBytes", |p| p.row_bytes),
    field!(count "concurrentExports", |p| p.concurrent_exports),
    field!(other "cursor", |p| p.cursor),
    field!(other "readable", |p| p.readable),
    field!(other "stages", |p| p.stages),
    field!(other "response", |p| p.response),
    field!(other "network", |p| p.network),
    field!(other "memory", |p| p.memory),
]);
record!(Cursor, Cursor::default(), [
    field!(count "batchSize", |c| c.batch_size),
    field!(count "roundTripMs", |c| c.round_trip_ms),
    field!(count "dbRowsPerSecond", |c| c.db_rows_per_second),
    field!(flag "honoursRowLimit", |c| c.honours_row_limit),
    field!(count "jitterPercent", |c| c.jitter_percent),
]);
record!(Readable, Readable::default(), [field!(count "highWaterMark", |r| r.high_water_mark)]);
// Only `kind` is required; every other stage field has its own default.
record!(Stage, Stage::new(StageKind::Csv), [
    field!(required other "kind", |s| s.kind),
    field!(optional "highWaterMark", |s| s.high_water_mark),
    field!(count "rowsPerSecond", |s| s.rows_per_second),
    field!(flag "ignoresHighWaterMark", |s| s.ignores_high_water_mark),
    field!(count "compressionPercent", |s| s.compression_percent),
    field!(count "rowsPerChunk", |s| s.rows_per_chunk),
]);
record!(Response, Response::default(), [field!(optional "highWaterMark", |r| r.high_water_mark)]);
record!(Network, Network::default(), [
    field!(count "clientBytesPerSecond", |n| n.client_bytes_per_second),
    field!(count "uplinkBytesPerSecond", |n| n.uplink_bytes_per_second),
]);
record!(Memory, Memory::default(), [
    field!(count "baseHeapMb", |m| m.base_heap_mb),
    field!(count "nativeOverheadMb", |m| m.native_overhead_mb),
    field!(count "maxOldSpaceSizeMb", |m| m.max_old_space_size_mb),
    field!(optional "containerLimitMb", |m| m.container_limit_mb),
    field!(count "rowObjectBytes", |m| m.row_object_bytes),
    field!(count "chunkOverheadBytes", |m| m.chunk_overhead_bytes),
]);

record!(KafkaParams, KafkaParams::default(), [
    field!(other "topic", |p| p.topic),
    field!(other "producer", |p| p.producer),
    field!(other "groups", |p| p.groups),
]);
record!(Topic, Topic::default(), [
    field!(count "partitions", |t| t.partitions),
    field!(count "recordBytes", |t| t.record_bytes),
    field!(count "retention.ms", |t| t.retention_ms),
    field!(optional "retention.bytes", |t| t.retention_bytes),
    field!(count "segment.bytes", |t| t.segment_bytes),
    field!(count "log.retention.check.interval.ms", |t| t.retention_check_interval_ms),
]);
record!(Peak, Peak::default(), [
    field!(count "multiplier", |p| p.multiplier),
    field!(count "startMs", |p| p.start_ms),
    field!(count "durationMs", |p| p.duration_ms),
]);
record!(Producer, Producer::default(), [
    field!(count "eventsPerSecond", |p| p.events_per_second),
    field!(other "peak", |p| p.peak),
    field!(flag "keyed", |p| p.keyed),
    field!(count "hotKeyPercent", |p| p.hot_key_percent),
    field!(optional "maxEvents", |p| p.max_events),
    field!(count "buffer.memory", |p| p.buffer_memory),
    field!(count "max.block.ms", |p| p.max_block_ms),
    field!(count "brokerBytesPerSecond", |p| p.broker_bytes_per_second),
]);
record!(Processing, Processing::default(), [
    field!(count "perRecordUs", |p| p.per_record_us),
    field!(other "distribution", |p| p.distribution),
    field!(count "spreadPercent", |p| p.spread_percent),
    field!(optional "dbRecordsPerSecond", |p| p.db_records_per_second),
]);
record!(Downstream, Downstream::default(), [
    field!(optional "recordsPerSecond", |d| d.records_per_second),
    field!(count "maxBacklog", |d| d.max_backlog),
    field!(count "pauseCooldownMs", |d| d.pause_cooldown_ms),
]);
record!(Outage, Outage { start_ms: 0, duration_ms: 0 }, [
    field!(required count "startMs", |o| o.start_ms),
    field!(required count "durationMs", |o| o.duration_ms),
]);
record!(Group, Group::default(), [
    field!(text "group.id", |g| g.group_id),
    field!(count "members", |g| g.members),
    field!(other "client", |g| g.client),
    field!(other "partition.assignment.strategy", |g| g.assignor),
    field!(count "max.poll.records", |g| g.max_poll_records),
    field!(count "max.poll.interval.ms", |g| g.max_poll_interval_ms),
    field!(count "session.timeout.ms", |g| g.session_timeout_ms),
    field!(count "sessionTimeout", |g| g.kafkajs_session_timeout),
    field!(flag "heartbeatInEachBatch", |g| g.heartbeat_in_each_batch),
    field!(flag "kafkajs2PauseBug", |g| g.kafkajs2_pause_bug),
    field!(flag "enable.auto.commit", |g| g.enable_auto_commit),
    field!(count "auto.commit.interval.ms", |g| g.auto_commit_interval_ms),
    field!(other "auto.offset.reset", |g| g.auto_offset_reset),
    field!(other "processing", |g| g.processing),
    field!(other "downstream", |g| g.downstream),
    field!(count "rebalanceMs", |g| g.rebalance_ms),
    field!(other "outage", |g| g.outage),
]);

record!(SqsParams, SqsParams::default(), [
    field!(other "arrivals", |p| p.arrivals),
    field!(other "queue", |p| p.queue),
    field!(other "eventSourceMapping", |p| p.event_source_mapping),
    field!(other "function", |p| p.function),
    field!(other "account", |p| p.account),
    field!(other "database", |p| p.database),
]);
record!(Arrivals, Arrivals::default(), [
    field!(count "messagesPerMinute", |a| a.messages_per_minute),
    field!(other "spike", |a| a.spike),
    field!(count "initialMessages", |a| a.initial_messages),
    field!(count "poisonPercent", |a| a.poison_percent),
]);
record!(Spike, Spike { start_seconds: 0, duration_seconds: 0, messages_per_minute: 0 }, [
    field!(required count "startSeconds", |s| s.start_seconds),
    field!(required count "durationSeconds", |s| s.duration_seconds),
    field!(required count "messagesPerMinute", |s| s.messages_per_minute),
]);
record!(RedrivePolicy, RedrivePolicy { max_receive_count: 0 }, [
    field!(required count "maxReceiveCount", |r| r.max_receive_count),
]);
record!(Queue, Queue::default(), [
    field!(count "VisibilityTimeout", |q| q.visibility_timeout),
    field!(count "MessageRetentionPeriod", |q| q.message_retention_period),
    field!(other "RedrivePolicy", |q| q.redrive_policy),
]);
record!(ScalingConfig, ScalingConfig::default(), [field!(optional "MaximumConcurrency", |s| s.maximum_concurrency)]);
record!(EventSourceMapping, EventSourceMapping::default(), [
    field!(count "BatchSize", |e| e.batch_size),
    field!(count "MaximumBatchingWindowInSeconds", |e| e.maximum_batching_window_in_seconds),
    field!(other "ScalingConfig", |e| e.scaling_config),
    field!(other "FunctionResponseTypes", |e| e.function_response_types),
    field!(flag "legacyScaling", |e| e.legacy_scaling),
]);
record!(TimeoutChange, TimeoutChange { at_seconds: 0, timeout: 0 }, [
    field!(required count "atSeconds", |t| t.at_seconds),
    field!(required count "Timeout", |t| t.timeout),
]);
record!(Function, Function::default(), [
    field!(count "Timeout", |f| f.timeout),
    field!(optional "ReservedConcurrentExecutions", |f| f.reserved_concurrent_executions),
    field!(count "handlerMsPerMessage", |f| f.handler_ms_per_message),
    field!(count "jitterPercent", |f| f.jitter_percent),
    field!(other "timeoutChange", |f| f.timeout_change),
]);
record!(Account, Account::default(), [field!(count "ConcurrentExecutions", |a| a.concurrent_executions)]);
record!(Database, Database::default(), [
    field!(count "max_connections", |d| d.max_connections),
    field!(count "superuser_reserved_connections", |d| d.superuser_reserved_connections),
    field!(flag "rdsProxy", |d| d.rds_proxy),
    field!(count "connectRetries", |d| d.connect_retries),
    field!(other "retryPolicy", |d| d.retry_policy),
    field!(count "retryBackoffMs", |d| d.retry_backoff_ms),
    field!(count "retryMaxBackoffMs", |d| d.retry_max_backoff_ms),
    field!(count "connectCpuMicros", |d| d.connect_cpu_micros),
    field!(count "vCpus", |d| d.v_cpus),
]);

//! The allowed range of every Kafka parameter: one table read by validation and the UI's
//! sliders, so the two can never disagree. Group fields have their own table, applied to
//! every group under `groups[i].`.

use super::params::{Group, KafkaParams};
use crate::engine::MIB;

pub use crate::engine::range::{ParamError, Range};
use crate::engine::range::{check as check_range, range};

pub const MAX_GROUPS: usize = 4;
pub const MAX_PARTITIONS: u64 = 64;
pub const MAX_MEMBERS: u64 = 48;
const DAY_MS: u64 = 86_400_000;

/// Topic and producer parameters, by their path in the scenario's `params`.
pub static RANGES: &[Range<KafkaParams>] = &[
    range!("topic.partitions", 1, MAX_PARTITIONS, |p| p.topic.partitions),
    range!("topic.recordBytes", 10, MIB, |p| p.topic.record_bytes),
    range!("topic.retention.ms", 60_000, 30 * DAY_MS, |p| p.topic.retention_ms),
    range!("topic.segment.bytes", MIB, 1024 * MIB, |p| p.topic.segment_bytes),
    range!("topic.log.retention.check.interval.ms", 1_000, 3_600_000, |p| p.topic.retention_check_interval_ms),
    range!("producer.eventsPerSecond", 0, 1_000_000, |p| p.producer.events_per_second),
    range!("producer.peak.multiplier", 1, 100, |p| p.producer.peak.multiplier),
    range!("producer.peak.startMs", 0, DAY_MS, |p| p.producer.peak.start_ms),
    range!("producer.peak.durationMs", 0, DAY_MS, |p| p.producer.peak.duration_ms),
    range!("producer.hotKeyPercent", 0, 100, |p| p.producer.hot_key_percent),
    range!("producer.buffer.memory", MIB, 1024 * MIB, |p| p.producer.buffer_memory),
    range!("producer.max.block.ms", 0, 600_000, |p| p.producer.max_block_ms),
    range!("producer.brokerBytesPerSecond", 1_000, 10_000_000_000, |p| p.producer.broker_bytes_per_second),
];

/// Optional topic/producer parameters: (path, min, max). `null` is always allowed.
pub const RETENTION_BYTES: (u64, u64) = (MIB, 1024 * 1024 * MIB);
pub const MAX_EVENTS: (u64, u64) = (1, 1_000_000_000_000);

/// Per-group parameters, by their path inside one group.
pub static GROUP_RANGES: &[Range<Group>] = &[
    range!("members", 1, MAX_MEMBERS, |g| g.members),
    range!("max.poll.records", 1, 10_000, |g| g.max_poll_records),
    range!("max.poll.interval.ms", 1_000, 3_600_000, |g| g.max_poll_interval_ms),
    // Up to the broker's group.max.session.timeout.ms (default 30 min); group.min… is 6 s.
    range!("session.timeout.ms", 6_000, 1_800_000, |g| g.session_timeout_ms),
    range!("sessionTimeout", 6_000, 1_800_000, |g| g.kafkajs_session_timeout),
    range!("auto.commit.interval.ms", 100, 600_000, |g| g.auto_commit_interval_ms),
    range!("processing.perRecordUs", 1, 600_000_000, |g| g.processing.per_record_us),
    range!("processing.spreadPercent", 0, 90, |g| g.processing.spread_percent),
    range!("downstream.maxBacklog", 1, 10_000_000, |g| g.downstream.max_backlog),
    range!("downstream.pauseCooldownMs", 0, 600_000, |g| g.downstream.pause_cooldown_ms),
    range!("rebalanceMs", 0, 300_000, |g| g.rebalance_ms),
];

pub const DOWNSTREAM_RATE: (u64, u64) = (1, 10_000_000);
pub const OUTAGE_MS: (u64, u64) = (0, DAY_MS);

fn check(field: String, value: u64, min: u64, max: u64) -> Result<(), ParamError> {
    check_range(&field, value, min, max)
}

/// Checks every bound, and that groups are 1..=4 with distinct, non-empty ids.
pub fn validate(params: &KafkaParams) -> Result<(), ParamError> {
    for range in RANGES {
        check(range.field.to_string(), (range.get)(params), range.min, range.max)?;
    }
    if let Some(bytes) = params.topic.retention_bytes {
        check("topic.retention.bytes".into(), bytes, RETENTION_BYTES.0, RETENTION_BYTES.1)?;
    }
    if let Some(events) = params.producer.max_events {
        check("producer.maxEvents".into(), events, MAX_EVENTS.0, MAX_EVENTS.1)?;
    }
    if params.topic.segment_bytes < params.topic.record_bytes {
        return Err(ParamError::Incompatible {
            field: "topic.segment.bytes".into(),
            reason: "a segment must hold at least one record (topic.recordBytes)".into(),
        });
    }
    if params.groups.is_empty() || params.groups.len() > MAX_GROUPS {
        return Err(ParamError::Incompatible {
            field: "groups".into(),
            reason: format!("1 to {MAX_GROUPS} consumer groups, got {}", params.groups.len()),
        });
    }
    for (index, group) in params.groups.iter().enumerate() {
        let field = |name: &str| format!("groups[{index}].{name}");
        for range in GROUP_RANGES {
            check(field(range.field), (range.get)(group), range.min, range.max)?;
        }
        if let Some(rate) = group.downstream.records_per_second {
            check(field("downstream.recordsPerSecond"), rate, DOWNSTREAM_RATE.0, DOWNSTREAM_RATE.1)?;
        }
        if let Some(rate) = group.processing.db_records_per_second {
            check(field("processing.dbRecordsPerSecond"), rate, DOWNSTREAM_RATE.0, DOWNSTREAM_RATE.1)?;
        }
        if let Some(outage) = &group.outage {
            check(field("outage.startMs"), outage.start_ms, OUTAGE_MS.0, OUTAGE_MS.1)?;
            check(field("outage.durationMs"), outage.duration_ms, OUTAGE_MS.0, OUTAGE_MS.1)?;
        }
        let id = group.group_id.trim();
        if id.is_empty() || id.len() > 40 {
            return Err(ParamError::Incompatible { field: field("group.id"), reason: "1 to 40 characters".into() });
        }
        if params.groups[..index].iter().any(|g| g.group_id == group.group_id) {
            return Err(ParamError::Incompatible { field: field("group.id"), reason: format!("“{}” is used twice", group.group_id) });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(validate(&KafkaParams::default()), Ok(()));
    }

    #[test]
    fn out_of_range_names_the_field() {
        let mut params = KafkaParams::default();
        params.groups[1].max_poll_records = 0;
        assert_eq!(validate(&params).unwrap_err().to_string(), "groups[1].max.poll.records: 0 is out of range (1..=10000)");
        let params = KafkaParams { topic: super::super::params::Topic { partitions: 65, ..Default::default() }, ..Default::default() };
        assert_eq!(validate(&params).unwrap_err().to_string(), "topic.partitions: 65 is out of range (1..=64)");
    }

    #[test]
    fn every_setter_writes_what_its_getter_reads() {
        for range in RANGES {
            let mut params = KafkaParams::default();
            (range.set)(&mut params, range.max);
            assert_eq!((range.get)(&params), range.max, "{}", range.field);
            assert!(validate(&params).is_ok(), "{} at its max should be valid", range.field);
        }
        for range in GROUP_RANGES {
            let mut params = KafkaParams::default();
            (range.set)(&mut params.groups[0], range.min);
            assert_eq!((range.get)(&params.groups[0]), range.min, "{}", range.field);
            assert!(validate(&params).is_ok(), "{} at its min should be valid", range.field);
        }
    }

    #[test]
    fn duplicate_group_ids_are_refused() {
        let mut params = KafkaParams::default();
        params.groups[1].group_id = "analytics".into();
        assert!(validate(&params).unwrap_err().to_string().starts_with("groups[1].group.id:"));
    }
}

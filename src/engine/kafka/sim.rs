//! The Kafka system: one producer, one topic, its consumer groups.

use super::group::{GroupEvent, GroupState};
use super::log::PartitionLog;
use super::params::KafkaParams;
use super::producer::ProducerState;
use super::STEP_MS;
use crate::engine::series::BoundedSeries;
use crate::engine::{Millis, SimRng};
use serde::Serialize;
use std::collections::VecDeque;

/// Something that happened, with when and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TimedEvent {
    pub at_ms: Millis,
    pub source: EventSource,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum EventSource {
    Group { group: usize, event: GroupEvent },
    /// The producer's buffer is full: `send()` blocks.
    SendBlocked,
    /// Blocked sends threw after `max.block.ms`.
    SendFailed { count: u64 },
}

/// Events kept for the narration: only the latest few, so memory stays bounded.
pub const EVENT_LOG_CAPACITY: usize = 64;

#[derive(Clone, Debug)]
pub struct KafkaSim {
    params: KafkaParams,
    rng: SimRng,
    now: Millis,
    logs: Vec<PartitionLog>,
    producer: ProducerState,
    groups: Vec<GroupState>,
    deleted: u64,
    next_retention_check: Millis,
    hot_carry: u64,
    rotation: usize,
    recent_events: VecDeque<TimedEvent>,
    scratch: Vec<GroupEvent>,
    produced_series: BoundedSeries,
}

impl KafkaSim {
    /// Builds the system. `params` must have passed validation.
    pub fn new(params: KafkaParams, seed: u64) -> Self {
        let logs: Vec<PartitionLog> = (0..params.topic.partitions).map(|_| PartitionLog::new()).collect();
        let groups = params.groups.iter().map(|g| GroupState::new(g, &logs)).collect();
        Self {
            rng: SimRng::new(seed),
            now: 0,
            producer: ProducerState::default(),
            groups,
            deleted: 0,
            next_retention_check: params.topic.retention_check_interval_ms,
            hot_carry: 0,
            rotation: 0,
            recent_events: VecDeque::with_capacity(EVENT_LOG_CAPACITY),
            scratch: Vec::new(),
            produced_series: BoundedSeries::new(super::group::SERIES_CAPACITY, 1_000),
            logs,
            params,
        }
    }

    pub fn params(&self) -> &KafkaParams {
        &self.params
    }
    pub fn now(&self) -> Millis {
        self.now
    }
    pub fn logs(&self) -> &[PartitionLog] {
        &self.logs
    }
    pub fn producer(&self) -> &ProducerState {
        &self.producer
    }
    pub fn groups(&self) -> &[GroupState] {
        &self.groups
    }
    /// Records appended to the topic so far.
    pub fn produced(&self) -> u64 {
        self.producer.sent
    }
    /// Records deleted by retention so far.
    pub fn deleted(&self) -> u64 {
        self.deleted
    }
    pub fn retained(&self) -> u64 {
        self.logs.iter().map(PartitionLog::retained).sum()
    }
    pub fn produced_series(&self) -> &BoundedSeries {
        &self.produced_series
    }
    pub fn recent_events(&self) -> impl DoubleEndedIterator<Item = &TimedEvent> {
        self.recent_events.iter()
    }

    /// Records the application wants to send per second right now.
    pub fn producer_rate(&self) -> u64 {
        ProducerState::rate_at(&self.params.producer, self.now)
    }

    /// Records per segment: segment boundaries are whole records.
    pub fn records_per_segment(&self) -> u64 {
        (self.params.topic.segment_bytes / self.params.topic.record_bytes).max(1)
    }

    /// Advances one fixed step of [`STEP_MS`].
    pub fn step(&mut self) {
        self.now += STEP_MS;
        let now = self.now;
        let was_blocked = !self.producer.blocked.is_empty();
        let failures_before = self.producer.send_failures;
        let sent = self.producer.step(&self.params, now, STEP_MS);
        if !was_blocked && !self.producer.blocked.is_empty() {
            self.push(TimedEvent { at_ms: now, source: EventSource::SendBlocked });
        }
        if self.producer.send_failures > failures_before {
            let count = self.producer.send_failures - failures_before;
            self.push(TimedEvent { at_ms: now, source: EventSource::SendFailed { count } });
        }
        self.append(sent);
        if now >= self.next_retention_check {
            let topic = &self.params.topic;
            for log in &mut self.logs {
                self.deleted += log.enforce_retention(now, topic.retention_ms, topic.retention_bytes, topic.record_bytes);
            }
            self.next_retention_check += topic.retention_check_interval_ms;
        }
        for (index, group) in self.groups.iter_mut().enumerate() {
            self.scratch.clear();
            group.step(&self.params.groups[index], &self.logs, now, STEP_MS, &mut self.rng, &mut self.scratch);
            for &event in &self.scratch {
                push_bounded(&mut self.recent_events, TimedEvent { at_ms: now, source: EventSource::Group { group: index, event } });
            }
        }
        self.produced_series.record(now, self.producer.sent);
    }

    /// Runs whole steps until `until`.
    pub fn run_until(&mut self, until: Millis) {
        while self.now < until {
            self.step();
        }
    }

    /// Spreads `count` new records over the partitions: the hot key's share to partition 0,
    /// the rest evenly (hashing many keys, or the sticky partitioner over time).
    fn append(&mut self, count: u64) {
        if count == 0 {
            return;
        }
        let producer = &self.params.producer;
        let partitions = self.logs.len();
        let hot = if producer.keyed {
            self.hot_carry += count * producer.hot_key_percent;
            let hot = self.hot_carry / 100;
            self.hot_carry %= 100;
            hot.min(count)
        } else {
            0
        };
        let rest = count - hot;
        let (each, extra) = (rest / partitions as u64, (rest % partitions as u64) as usize);
        let per_segment = self.records_per_segment();
        for p in 0..partitions {
            let bonus = u64::from((p + partitions - self.rotation) % partitions < extra);
            let mut n = each + bonus;
            if p == 0 {
                n += hot;
            }
            if n > 0 {
                self.logs[p].append(n, self.now, per_segment);
            }
        }
        self.rotation = (self.rotation + extra) % partitions;
    }

    fn push(&mut self, event: TimedEvent) {
        push_bounded(&mut self.recent_events, event);
    }
}

fn push_bounded(log: &mut VecDeque<TimedEvent>, event: TimedEvent) {
    if log.len() == EVENT_LOG_CAPACITY {
        log.pop_front();
    }
    log.push_back(event);
}

//! The Kafka system: one producer, one topic, its consumer groups.

use super::group::{GroupEvent, GroupState};
use super::log::PartitionLog;
use super::params::KafkaParams;
use super::producer::ProducerState;
use super::STEP_MS;
use crate::engine::laws::{ArrivalCurve, LawsMeter, LawsReadout};
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
    laws: KafkaLaws,
}

/// Laws bookkeeping. Per group, the system is the records produced and not yet processed (or
/// lost) by that group; a partition is FIFO, so one arrival curve per partition, shared by the
/// groups, gives each departing record's append time.
#[derive(Clone, Debug)]
struct KafkaLaws {
    curves: Vec<ArrivalCurve>,
    appended: u64,
    groups: Vec<GroupLaws>,
}

#[derive(Clone, Debug)]
struct GroupLaws {
    meter: LawsMeter,
    /// The processed frontier of each partition at the last step.
    frontier: Vec<u64>,
    processed: u64,
    distinct: u64,
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
            laws: KafkaLaws {
                curves: logs.iter().map(|_| ArrivalCurve::new(STEP_MS)).collect(),
                appended: 0,
                groups: params
                    .groups
                    .iter()
                    .map(|_| GroupLaws { meter: LawsMeter::new(), frontier: vec![0; logs.len()], processed: 0, distinct: 0 })
                    .collect(),
            },
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

    /// Entries held in the simulation's growable collections (segments, blocked sends, cursors,
    /// members and their batches, chart points, events, arrival curves): what its memory grows
    /// with. Read-only, for soak tests.
    pub fn footprint(&self) -> usize {
        let logs: usize = self.logs.iter().map(|l| 1 + l.closed.len()).sum();
        let groups: usize = self
            .groups
            .iter()
            .map(|g| {
                let members: usize = g.members.iter().map(|m| 1 + m.assigned.len() + m.batch.as_ref().map_or(0, |b| b.parts.len())).sum();
                g.cursors.len() + members + g.lag_series.points().len()
            })
            .sum();
        let laws = self.laws.curves.iter().map(|c| c.len()).sum::<usize>() + self.laws.groups.iter().map(|g| g.frontier.len()).sum::<usize>();
        logs + self.producer.blocked.len()
            + groups
            + self.recent_events.len()
            + self.scratch.len()
            + self.produced_series.points().len()
            + laws
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
        self.measure_laws();
    }

    /// The laws for group `index` (see README, Live laws): throughput is records processed,
    /// repeats included; goodput is distinct records processed; the oldest is the oldest record
    /// the group has neither processed nor lost.
    pub fn laws(&self, index: usize) -> LawsReadout {
        let now = self.now;
        let (group, laws) = (&self.groups[index], &self.laws);
        let oldest = group
            .cursors
            .iter()
            .zip(&self.logs)
            .zip(&laws.curves)
            .filter(|((c, log), _)| c.frontier < log.end)
            .map(|((c, _), curve)| now.saturating_sub(curve.arrival_of(c.frontier)))
            .max()
            .unwrap_or(0);
        laws.groups[index].meter.readout(oldest)
    }

    fn measure_laws(&mut self) {
        let now = self.now;
        let laws = &mut self.laws;
        for (curve, log) in laws.curves.iter_mut().zip(&self.logs) {
            curve.record(now, log.end);
        }
        let appended: u64 = self.logs.iter().map(|l| l.end).sum();
        let arrivals = appended - laws.appended;
        laws.appended = appended;
        for (group, gl) in self.groups.iter().zip(&mut laws.groups) {
            let mut in_system = 0;
            // Zipped, not indexed: this runs for every partition of every group in every step.
            let partitions = group.cursors.iter().zip(&mut gl.frontier).zip(&laws.curves).zip(&self.logs);
            for (((cursor, frontier), curve), log) in partitions {
                let (from, to) = (*frontier, cursor.frontier.max(*frontier));
                if to > from {
                    let sojourn = u128::from(to - from) * u128::from(now) - curve.sum_arrivals(from, to);
                    gl.meter.depart(to - from, sojourn);
                }
                *frontier = to;
                in_system += log.end.saturating_sub(to);
            }
            let c = &group.counters;
            gl.meter.attempt(c.processed - gl.processed);
            gl.meter.good(c.distinct - gl.distinct);
            (gl.processed, gl.distinct) = (c.processed, c.distinct);
            gl.meter.end_step(now, STEP_MS, arrivals, in_system);
        }
        for (p, curve) in laws.curves.iter_mut().enumerate() {
            let slowest = laws.groups.iter().map(|g| g.frontier[p]).min().unwrap_or(0);
            curve.trim(slowest);
        }
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

//! The Node process: every export shares one V8 heap, one RSS and the server's uplink.

use super::export::{Event, Export, ExportState};
use super::params::NodeParams;
use crate::engine::series::BoundedSeries;
use crate::engine::{Millis, SimRng, MIB, STEP_MS};
use serde::Serialize;
use std::collections::VecDeque;

/// How the process died. Serialised as the CLI summary's `died` object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Death {
    pub cause: DeathCause,
    pub at_ms: Millis,
    pub exit_code: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeathCause {
    /// `FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory`, SIGABRT.
    HeapOom,
    /// The kernel or cgroup OOM killer: SIGKILL, no message.
    Sigkill,
}

impl DeathCause {
    pub fn exit_code(self) -> i32 {
        match self {
            DeathCause::HeapOom => 134,
            DeathCause::Sigkill => 137,
        }
    }

    /// What the reader would see in the logs.
    pub fn message(self) -> &'static str {
        match self {
            DeathCause::HeapOom => "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
            DeathCause::Sigkill => "Killed (SIGKILL from the OOM killer, no JavaScript output; Kubernetes: OOMKilled)",
        }
    }
}

/// An event with when and where it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TimedEvent {
    pub at_ms: Millis,
    pub export: usize,
    pub event: Event,
}

/// Events kept for the narration: only the latest few, so memory stays bounded.
const EVENT_LOG_CAPACITY: usize = 32;
/// Points kept for the heap chart.
const SERIES_CAPACITY: usize = 512;

#[derive(Clone, Debug)]
pub struct NodeSim {
    params: NodeParams,
    rng: SimRng,
    now: Millis,
    exports: Vec<Export>,
    heap_bytes: u64,
    rss_bytes: u64,
    peak_heap_bytes: u64,
    peak_rss_bytes: u64,
    death: Option<Death>,
    heap_series: BoundedSeries,
    rss_series: BoundedSeries,
    recent_events: VecDeque<TimedEvent>,
    scratch_events: Vec<Event>,
}

impl NodeSim {
    /// Builds the process. `params` must have passed validation.
    pub fn new(params: NodeParams, seed: u64) -> Self {
        let exports = (0..params.concurrent_exports).map(|_| Export::new(&params)).collect();
        let mut sim = Self {
            rng: SimRng::new(seed),
            now: 0,
            exports,
            heap_bytes: 0,
            rss_bytes: 0,
            peak_heap_bytes: 0,
            peak_rss_bytes: 0,
            death: None,
            heap_series: BoundedSeries::new(SERIES_CAPACITY, 50),
            rss_series: BoundedSeries::new(SERIES_CAPACITY, 50),
            recent_events: VecDeque::with_capacity(EVENT_LOG_CAPACITY),
            scratch_events: Vec::new(),
            params,
        };
        sim.measure_memory();
        sim
    }

    pub fn params(&self) -> &NodeParams {
        &self.params
    }
    pub fn now(&self) -> Millis {
        self.now
    }
    pub fn exports(&self) -> &[Export] {
        &self.exports
    }
    pub fn heap_bytes(&self) -> u64 {
        self.heap_bytes
    }
    pub fn rss_bytes(&self) -> u64 {
        self.rss_bytes
    }
    pub fn peak_heap_bytes(&self) -> u64 {
        self.peak_heap_bytes
    }
    pub fn peak_rss_bytes(&self) -> u64 {
        self.peak_rss_bytes
    }
    pub fn death(&self) -> Option<Death> {
        self.death
    }
    pub fn heap_series(&self) -> &BoundedSeries {
        &self.heap_series
    }
    /// RSS over time: what a container limit is measured against.
    pub fn rss_series(&self) -> &BoundedSeries {
        &self.rss_series
    }
    pub fn recent_events(&self) -> impl DoubleEndedIterator<Item = &TimedEvent> {
        self.recent_events.iter()
    }

    /// V8's heap limit in bytes (`--max-old-space-size`).
    pub fn heap_limit_bytes(&self) -> u64 {
        self.params.memory.max_old_space_size_mb * MIB
    }

    pub fn container_limit_bytes(&self) -> Option<u64> {
        self.params.memory.container_limit_mb.map(|mb| mb * MIB)
    }

    /// Nothing more can happen: the process died or every client has every row.
    pub fn is_finished(&self) -> bool {
        self.death.is_some() || self.exports.iter().all(|e| e.state == ExportState::Done)
    }

    /// When the last export completed, if all did.
    pub fn completed_at_ms(&self) -> Option<Millis> {
        if self.death.is_some() {
            return None;
        }
        self.exports.iter().map(|e| e.completed_at_ms).collect::<Option<Vec<_>>>()?.into_iter().max()
    }

    /// Advances one fixed step. A finished simulation does not move.
    pub fn step(&mut self) {
        if self.is_finished() {
            return;
        }
        self.now += STEP_MS;
        let socket_rate = self.socket_rate();
        for (index, export) in self.exports.iter_mut().enumerate() {
            self.scratch_events.clear();
            export.step(&self.params, self.now, STEP_MS, socket_rate, &mut self.rng, &mut self.scratch_events);
            for &event in &self.scratch_events {
                push_bounded(&mut self.recent_events, TimedEvent { at_ms: self.now, export: index, event });
            }
        }
        self.measure_memory();
        self.check_limits();
        self.heap_series.record(self.now, self.heap_bytes);
        self.rss_series.record(self.now, self.rss_bytes);
    }

    /// Runs whole steps until `until` (or the end).
    pub fn run_until(&mut self, until: Millis) {
        while self.now < until && !self.is_finished() {
            self.step();
        }
    }

    /// Each socket gets the client's bandwidth unless the shared uplink, split evenly between the
    /// sockets that hold bytes as the step starts, is the tighter limit. A socket that fills up
    /// during the step may use its share too: at most one step's burst over the uplink.
    fn socket_rate(&self) -> u64 {
        let sending = self.exports.iter().filter(|e| e.has_unsent_bytes()).count().max(1) as u64;
        self.params.network.client_bytes_per_second.min(self.params.network.uplink_bytes_per_second / sending)
    }

    fn measure_memory(&mut self) {
        let (buffered_heap, external) =
            self.exports.iter().map(|e| e.memory(&self.params)).fold((0, 0), |(h, x), (eh, ex)| (h + eh, x + ex));
        let memory = &self.params.memory;
        self.heap_bytes = memory.base_heap_mb * MIB + buffered_heap;
        self.rss_bytes = self.heap_bytes + external + memory.native_overhead_mb * MIB;
        self.peak_heap_bytes = self.peak_heap_bytes.max(self.heap_bytes);
        self.peak_rss_bytes = self.peak_rss_bytes.max(self.rss_bytes);
    }

    /// The kernel acts on RSS at the container limit; V8 aborts at its heap limit.
    /// If both are crossed in the same step, the kernel's kill lands first.
    fn check_limits(&mut self) {
        let cause = if self.container_limit_bytes().is_some_and(|limit| self.rss_bytes >= limit) {
            DeathCause::Sigkill
        } else if self.heap_bytes >= self.heap_limit_bytes() {
            DeathCause::HeapOom
        } else {
            return;
        };
        self.death = Some(Death { cause, at_ms: self.now, exit_code: cause.exit_code() });
        self.exports.iter_mut().for_each(Export::kill);
    }
}

fn push_bounded(log: &mut VecDeque<TimedEvent>, event: TimedEvent) {
    if log.len() == EVENT_LOG_CAPACITY {
        log.pop_front();
    }
    log.push_back(event);
}

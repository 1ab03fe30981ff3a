//! The Node process: every export shares one V8 heap, one RSS and the server's uplink.

use super::export::{Event, Export, ExportState};
use super::params::NodeParams;
use crate::engine::laws::{FifoStream, LawsMeter, LawsReadout};
use crate::engine::series::BoundedSeries;
use crate::engine::{Millis, RateCredit, SimRng, MIB, STEP_MS};
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
    /// The server's uplink, shared by every export's socket.
    uplink_credit: RateCredit,
    heap_bytes: u64,
    rss_bytes: u64,
    peak_heap_bytes: u64,
    peak_rss_bytes: u64,
    death: Option<Death>,
    heap_series: BoundedSeries,
    rss_series: BoundedSeries,
    recent_events: VecDeque<TimedEvent>,
    scratch_events: Vec<Event>,
    /// The system for the laws: rows fetched from Postgres and not yet at the client, every export.
    laws: LawsMeter,
    /// Each export is FIFO on its own: fetched rows are its arrivals, delivered rows its departures.
    law_streams: Vec<FifoStream>,
}

impl NodeSim {
    /// Builds the process. `params` must have passed validation.
    pub fn new(params: NodeParams, seed: u64) -> Self {
        let exports = (0..params.concurrent_exports).map(|_| Export::new(&params)).collect();
        let mut sim = Self {
            rng: SimRng::new(seed),
            now: 0,
            exports,
            uplink_credit: RateCredit::default(),
            heap_bytes: 0,
            rss_bytes: 0,
            peak_heap_bytes: 0,
            peak_rss_bytes: 0,
            death: None,
            heap_series: BoundedSeries::new(SERIES_CAPACITY, 50),
            rss_series: BoundedSeries::new(SERIES_CAPACITY, 50),
            recent_events: VecDeque::with_capacity(EVENT_LOG_CAPACITY),
            scratch_events: Vec::new(),
            laws: LawsMeter::new(),
            law_streams: (0..params.concurrent_exports).map(|_| FifoStream::new(STEP_MS)).collect(),
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

    /// Entries held in the simulation's growable collections (chart points, events, arrival
    /// curves, exports and their stages): what its memory grows with. Read-only, for soak tests.
    pub fn footprint(&self) -> usize {
        self.heap_series.points().len()
            + self.rss_series.points().len()
            + self.recent_events.len()
            + self.scratch_events.len()
            + self.law_streams.iter().map(|s| s.curve.len()).sum::<usize>()
            + self.exports.iter().map(|e| 1 + e.stages.len()).sum::<usize>()
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
        self.share_uplink();
        self.measure_memory();
        self.check_limits();
        self.heap_series.record(self.now, self.heap_bytes);
        self.rss_series.record(self.now, self.rss_bytes);
        self.measure_laws();
    }

    /// Little's law and friends over rows fetched but not yet delivered (see README, Live laws).
    /// Throughput is rows delivered; goodput is rows delivered by exports that have not died:
    /// when the process dies, what its unfinished exports delivered stops counting.
    pub fn laws(&self) -> LawsReadout {
        let oldest = self.law_streams.iter().map(|s| s.oldest_age_ms(self.now)).max().unwrap_or(0);
        self.laws.readout(oldest)
    }

    fn measure_laws(&mut self) {
        let (mut arrivals, mut in_system) = (0, 0);
        for (export, stream) in self.exports.iter().zip(&mut self.law_streams) {
            let c = &export.counters;
            let (arrived, departed, sojourn) = stream.advance(self.now, c.rows_fetched, c.rows_delivered);
            arrivals += arrived;
            in_system += c.rows_fetched - c.rows_delivered;
            self.laws.depart(departed, sojourn);
            self.laws.attempt(departed);
            self.laws.good(departed);
        }
        self.laws.end_step(self.now, STEP_MS, arrivals, in_system);
        if self.death.is_some() {
            let lost = self.exports.iter().filter(|e| e.completed_at_ms.is_none()).map(|e| e.counters.rows_delivered).sum();
            self.laws.retract_good(lost);
        }
    }

    /// Runs whole steps until `until` (or the end).
    pub fn run_until(&mut self, until: Millis) {
        while self.now < until && !self.is_finished() {
            self.step();
        }
    }

    /// One step of every export, with the uplink's bytes for the step as a shared pool.
    ///
    /// First pass: each running export may send at most min(its client's bytes, an even share of
    /// the pool). Second pass: bytes nobody used (an idle socket's share, a slow client's rest)
    /// are offered, again evenly, to the exports that still have unsent bytes and a client that
    /// can take more. The bytes sent in a step never exceed the pool, so over any window the
    /// uplink carries at most its rate (plus under one byte of rounding). The odd bytes of an
    /// uneven split go to exports in turn, step by step, so none is favoured.
    fn share_uplink(&mut self) {
        let pool = self.uplink_credit.take(self.params.network.uplink_bytes_per_second, STEP_MS);
        let running = self.exports.iter().filter(|e| e.is_running()).count() as u64;
        if running == 0 {
            return;
        }
        let (share, odd) = (pool / running, pool % running);
        let turn = self.now % running;
        let mut sent = 0;
        let mut rank = 0;
        for index in 0..self.exports.len() {
            if !self.exports[index].is_running() {
                continue;
            }
            let extra = u64::from((rank + running - turn) % running < odd);
            rank += 1;
            self.scratch_events.clear();
            sent += self.exports[index].step(&self.params, self.now, STEP_MS, share + extra, &mut self.rng, &mut self.scratch_events);
            self.log_scratch_events(index);
        }
        let mut pool = pool - sent;
        let wants_more = |e: &Export| e.is_running() && e.has_unsent_bytes() && e.client_bytes_left() > 0;
        let mut needy = self.exports.iter().filter(|e| wants_more(e)).count() as u64;
        let count = self.exports.len();
        let start = (self.now % count as u64) as usize;
        for index in (start..count).chain(0..start) {
            if pool == 0 || needy == 0 {
                break;
            }
            if !wants_more(&self.exports[index]) {
                continue;
            }
            let offer = pool / needy;
            needy -= 1;
            self.scratch_events.clear();
            pool -= self.exports[index].send_more(&self.params, self.now, STEP_MS, offer, &mut self.rng, &mut self.scratch_events);
            self.log_scratch_events(index);
        }
    }

    fn log_scratch_events(&mut self, index: usize) {
        for &event in &self.scratch_events {
            push_bounded(&mut self.recent_events, TimedEvent { at_ms: self.now, export: index, event });
        }
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

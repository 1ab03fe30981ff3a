//! One export request inside the Node process: a Postgres cursor feeding a Readable, optional
//! transform stages, and the HTTP response flushing to a slow client.

use super::buffer::{Content, StreamBuffer};
use super::params::{Mode, NodeParams, StageKind};
use super::validate::MAX_STAGES;
use crate::engine::{Millis, RateCredit, SimRng};
use serde::Serialize;

/// What an export is doing, as the UI names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportState {
    /// Rows are moving from the cursor towards the client.
    Flowing,
    /// The application's source is paused, waiting for `'drain'`.
    Paused,
    /// Every row has been fetched; buffers are still flushing to the client.
    Draining,
    /// The client has every row.
    Done,
    /// The process died.
    Dead,
}

/// A transform between the Readable and the response.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageState {
    pub kind: StageKind,
    pub buffer: StreamBuffer,
    pub rows_per_second: u64,
    /// What it hands on, which is what the next buffer holds.
    pub output: Content,
    /// Its output is paused: the next `write()` returned `false` and `'drain'` has not come.
    pub awaiting_drain: bool,
    #[serde(skip)]
    credit: RateCredit,
    /// Rows it may still transform in the current step.
    #[serde(skip)]
    budget: u64,
}

/// Counters for the narration and the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExportCounters {
    pub rows_fetched: u64,
    /// Rows the application passed to `write()` (into the first stage, or the response).
    pub rows_written: u64,
    pub rows_delivered: u64,
    pub round_trips: u64,
    /// `write()` calls that returned `false`, anywhere in this export's chain.
    pub write_false: u64,
    /// Of those, the application's own calls (the ones a naive loop ignores).
    pub app_write_false: u64,
    pub drains: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Export {
    pub readable: StreamBuffer,
    pub stages: Vec<StageState>,
    pub response: StreamBuffer,
    /// The application's own hop (Readable → first writable) waits for `'drain'`.
    pub source_paused: bool,
    /// The cursor sends no `Execute` because the Readable is full: the pause has reached Postgres.
    pub cursor_waiting: bool,
    pub counters: ExportCounters,
    pub state: ExportState,
    pub completed_at_ms: Option<Millis>,
    /// When the current round trip's rows arrive, in microseconds of simulated time.
    fetch_done_at_us: Option<u64>,
    /// How many `Execute` round trips the fetch in flight stands for (see [`GROUP_US`]).
    #[serde(skip)]
    fetch_round_trips: u64,
    /// Draws the cursor made in the current step: what a step costs the cursor.
    #[serde(skip)]
    cursor_draws: u64,
    /// When the last round trip ended: the next one cannot start before it.
    cursor_clock_us: u64,
    #[serde(skip)]
    arrival_credit: RateCredit,
    /// Rows a source that ignores the row limit still pushes in the current step.
    #[serde(skip)]
    arrivals_left: u64,
    #[serde(skip)]
    socket_credit: RateCredit,
    /// The client's bytes for the current step that its socket has not used yet.
    #[serde(skip)]
    client_bytes_left: u64,
}

/// Something that happened, for narration and the code panel's highlight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// The application's `write()` returned `false` (and in `pipe` mode the source paused).
    WriteReturnedFalse { heeded: bool },
    /// `'drain'` reached the application's source, which resumed.
    DrainResumed,
    /// The cursor is idle because the Readable is full: no `Execute` is sent.
    CursorWaiting,
    Done,
}

impl Export {
    pub fn new(params: &NodeParams) -> Self {
        let mut upstream = Content::Objects { rows_per_chunk: 1 };
        let mut stages = Vec::with_capacity(params.stages.len());
        for stage in &params.stages {
            let output = stage_output(stage.kind, upstream, params.row_bytes, stage.compression_percent, stage.rows_per_chunk);
            let default_hwm = if upstream.is_object_mode() { 16 } else { params.default_byte_high_water_mark() };
            stages.push(StageState {
                kind: stage.kind,
                buffer: StreamBuffer::new(upstream, stage.high_water_mark.unwrap_or(default_hwm), stage.ignores_high_water_mark),
                rows_per_second: stage.rows_per_second,
                output,
                awaiting_drain: false,
                credit: RateCredit::default(),
                budget: 0,
            });
            upstream = output;
        }
        // `res.write()` takes strings or Buffers: row objects are formatted as CSV text on the way in.
        let response_content = match upstream {
            Content::Objects { .. } => Content::Text { bytes_per_row: params.row_bytes },
            bytes => bytes,
        };
        Self {
            readable: StreamBuffer::new(Content::Objects { rows_per_chunk: 1 }, params.readable.high_water_mark, false),
            stages,
            response: StreamBuffer::new(response_content, params.response_high_water_mark(), false),
            source_paused: false,
            cursor_waiting: false,
            counters: ExportCounters::default(),
            state: ExportState::Flowing,
            completed_at_ms: None,
            fetch_done_at_us: None,
            fetch_round_trips: 1,
            cursor_draws: 0,
            cursor_clock_us: 0,
            arrival_credit: RateCredit::default(),
            arrivals_left: 0,
            socket_credit: RateCredit::default(),
            client_bytes_left: 0,
        }
    }

    /// The cursor has a round trip in flight.
    pub fn is_fetching(&self) -> bool {
        self.fetch_done_at_us.is_some()
    }

    /// Rows somewhere inside the process (not yet at the client).
    pub fn has_unsent_bytes(&self) -> bool {
        !self.response.is_empty()
    }

    /// Still running: neither done nor dead.
    pub fn is_running(&self) -> bool {
        !matches!(self.state, ExportState::Done | ExportState::Dead)
    }

    /// Bytes its client could still take in the current step (after [`Export::step`]).
    pub fn client_bytes_left(&self) -> u64 {
        self.client_bytes_left
    }

    pub fn rows_buffered(&self) -> u64 {
        self.readable.rows() + self.stages.iter().map(|s| s.buffer.rows()).sum::<u64>() + self.response.rows()
    }

    /// (V8 heap, outside the heap) held by this export's buffers.
    pub fn memory(&self, params: &NodeParams) -> (u64, u64) {
        let (objects, overhead) = (params.memory.row_object_bytes, params.memory.chunk_overhead_bytes);
        std::iter::once(&self.readable)
            .chain(self.stages.iter().map(|s| &s.buffer))
            .chain(std::iter::once(&self.response))
            .map(|b| b.memory(objects, overhead))
            .fold((0, 0), |(h, e), (bh, be)| (h + bh, e + be))
    }

    /// Advances this export by one step ending at `now`, in the documented order:
    /// socket, stages from last to first, the application's hop, then the cursor.
    ///
    /// The socket may send at most `uplink_share` bytes, and at most its client's bytes for the
    /// step; returns the bytes it sent. What the client could still take is kept for
    /// [`Export::send_more`].
    ///
    /// A `write()` → `false` → `'drain'` → resume cycle takes far less than a step on a fast
    /// path, so the hops repeat within the step (up to [`MAX_PASSES`]) while rows still move and
    /// the step's budgets last. Without this, a stage with a 16-object hwm would pass at most
    /// 16 rows per step (16,000 rows/s) whatever its `rowsPerSecond`.
    pub fn step(
        &mut self,
        params: &NodeParams,
        now: Millis,
        dt: Millis,
        uplink_share: u64,
        rng: &mut SimRng,
        events: &mut Vec<Event>,
    ) -> u64 {
        if !self.is_running() {
            self.client_bytes_left = 0;
            return 0;
        }
        self.cursor_draws = 0;
        let client_bytes = self.socket_credit.take(params.network.client_bytes_per_second, dt);
        let budget = client_bytes.min(uplink_share);
        for stage in &mut self.stages {
            stage.budget = stage.credit.take(stage.rows_per_second, dt);
        }
        if !params.cursor.honours_row_limit {
            self.arrivals_left = self.arrival_credit.take(params.cursor.db_rows_per_second, dt);
        }
        let left = self.flush_socket_with(budget, events);
        let left = self.run_passes(params, now, dt, left, rng, events);
        self.update_state(params, now, events);
        let used = budget - left;
        self.client_bytes_left = client_bytes - used;
        used
    }

    /// A second chance in the same step: uplink bytes other exports left unused, up to what this
    /// client can still take. Returns the bytes sent.
    pub fn send_more(&mut self, params: &NodeParams, now: Millis, dt: Millis, offer: u64, rng: &mut SimRng, events: &mut Vec<Event>) -> u64 {
        let budget = offer.min(self.client_bytes_left);
        if !self.is_running() || budget == 0 {
            return 0;
        }
        let left = self.flush_socket_with(budget, events);
        let left = self.run_passes(params, now, dt, left, rng, events);
        self.update_state(params, now, events);
        let used = budget - left;
        self.client_bytes_left -= used;
        used
    }

    /// Repeats the hops while rows move; returns the socket budget left.
    ///
    /// A pass that leaves every writable, flag and the cursor exactly as it found them, having
    /// only moved rows from the Readable (or nothing) to the client, is a cycle: the next passes
    /// would repeat it until a budget or the Readable runs out. It is repeated arithmetically
    /// that many times ([`Export::repeat_cycle`]), so throughput through tiny marks is bounded
    /// by the stages' rates and the client, not by [`MAX_PASSES`], at a cost of a few passes.
    fn run_passes(&mut self, params: &NodeParams, now: Millis, dt: Millis, mut socket_budget: u64, rng: &mut SimRng, events: &mut Vec<Event>) -> u64 {
        for pass in 0..MAX_PASSES {
            let before = (socket_budget, self.counters.rows_written, self.counters.rows_fetched, self.counters.round_trips);
            // Most steps settle within a few passes: look for a cycle only after that.
            let shape = if pass >= CYCLE_FROM_PASS { self.shape() } else { None };
            let (counters, readable_rows, response_rows) = (self.counters, self.readable.rows(), self.response.rows());
            let budgets = self.stage_budgets();
            let moved = self.run_stages(events);
            self.application_hop(params.mode, events);
            self.run_cursor(params, now, dt, rng, events);
            // The kernel's send buffer keeps the link busy across a 'drain' → write() turnaround,
            // so bandwidth left over after the buffer emptied goes to what was written since.
            socket_budget = self.flush_socket_with(socket_budget, events);
            let after = (socket_budget, self.counters.rows_written, self.counters.rows_fetched, self.counters.round_trips);
            if moved == 0 && after == before {
                break;
            }
            if shape.is_some() && self.shape() == shape && after.2 == before.2 && after.3 == before.3 && self.response.rows() >= response_rows {
                socket_budget = self.repeat_cycle(&counters, readable_rows, response_rows, &budgets, before.0, socket_budget);
            }
        }
        socket_budget
    }

    /// Buffers and flags as a value, for spotting a pass that changed none of them; `None` with
    /// more stages than validation allows.
    fn shape(&self) -> Option<Shape> {
        if self.stages.len() > MAX_STAGES {
            return None;
        }
        let mut buffers = [((0, 0, false), false); MAX_STAGES + 1];
        for (slot, stage) in buffers.iter_mut().zip(&self.stages) {
            *slot = (stage.buffer.shape(), stage.awaiting_drain);
        }
        // The response may fill up across cycles (see `repeat_cycle`): its rows are left out.
        let (_, head_sent, need_drain) = self.response.shape();
        buffers[MAX_STAGES] = ((0, head_sent, need_drain), false);
        Some((buffers, self.source_paused, self.cursor_waiting, self.fetch_done_at_us))
    }

    fn stage_budgets(&self) -> [u64; MAX_STAGES] {
        let mut budgets = [0; MAX_STAGES];
        for (slot, stage) in budgets.iter_mut().zip(&self.stages) {
            *slot = stage.budget;
        }
        budgets
    }

    /// The pass that just ran was a cycle (see [`Export::run_passes`]): repeats it as many more
    /// times as the socket budget, every stage's budget and the Readable allow. Its events are
    /// not repeated: the narration shows one of each. Returns the socket budget left.
    fn repeat_cycle(
        &mut self,
        counters: &ExportCounters,
        readable_rows: u64,
        response_rows: u64,
        budgets: &[u64; MAX_STAGES],
        socket_before: u64,
        socket_budget: u64,
    ) -> u64 {
        let mut times = u64::MAX;
        let mut limit = |left: u64, used: u64| {
            if let Some(repeats) = left.checked_div(used) {
                times = times.min(repeats);
            }
        };
        let socket_used = socket_before - socket_budget;
        limit(socket_budget, socket_used);
        let readable_used = readable_rows - self.readable.rows();
        limit(self.readable.rows(), readable_used);
        for (stage, &before) in self.stages.iter().zip(budgets) {
            limit(stage.budget, before - stage.budget);
        }
        // A response that fills up: stop short of the write that would return false.
        let response_added = self.response.rows() - response_rows;
        limit(self.response.rows_until_false().saturating_sub(1), response_added);
        if times == u64::MAX || times == 0 {
            return socket_budget;
        }
        for (stage, &before) in self.stages.iter_mut().zip(budgets) {
            stage.budget -= (before - stage.budget) * times;
        }
        self.readable.take(readable_used * times);
        self.response.write(response_added * times);
        let c = &mut self.counters;
        c.rows_written += (c.rows_written - counters.rows_written) * times;
        c.rows_delivered += (c.rows_delivered - counters.rows_delivered) * times;
        c.write_false += (c.write_false - counters.write_false) * times;
        c.app_write_false += (c.app_write_false - counters.app_write_false) * times;
        c.drains += (c.drains - counters.drains) * times;
        socket_budget - socket_used * times
    }

    fn flush_socket_with(&mut self, budget: u64, events: &mut Vec<Event>) -> u64 {
        let (rows, used) = self.response.flush_bytes(budget);
        self.counters.rows_delivered += rows;
        self.deliver_drain(self.stages.len(), events);
        budget - used
    }

    /// If writable `index` (a stage, or the response when `index == stages.len()`) emits
    /// `'drain'`, the stream that writes into it resumes.
    fn deliver_drain(&mut self, index: usize, events: &mut Vec<Event>) {
        let buffer = if index == self.stages.len() { &mut self.response } else { &mut self.stages[index].buffer };
        if !buffer.poll_drain() {
            return;
        }
        self.counters.drains += 1;
        if index == 0 {
            if self.source_paused {
                self.source_paused = false;
                events.push(Event::DrainResumed);
            }
        } else {
            self.stages[index - 1].awaiting_drain = false;
        }
    }

    /// Moves rows through the stages, last to first, within their remaining budgets; returns
    /// how many rows moved.
    fn run_stages(&mut self, events: &mut Vec<Event>) -> u64 {
        let mut total = 0;
        for index in (0..self.stages.len()).rev() {
            let (before, after) = self.stages.split_at_mut(index + 1);
            let stage = &mut before[index];
            if !stage.awaiting_drain {
                let destination = after.first_mut().map_or(&mut self.response, |next| &mut next.buffer);
                let ready = stage.budget.min(stage.buffer.rows());
                let (moved, falses) = pipe_into(destination, ready, true);
                stage.buffer.take(moved);
                stage.budget -= moved;
                total += moved;
                self.counters.write_false += falses;
                stage.awaiting_drain = falses > 0;
            }
            // Drain of this stage's own buffer resumes whoever writes into it.
            self.deliver_drain(index, events);
        }
        total
    }

    /// The application's code: `rows.on('data', …res.write(…))` or `rows.pipe(…)`.
    fn application_hop(&mut self, mode: Mode, events: &mut Vec<Event>) {
        if mode == Mode::Pipe && self.source_paused {
            return;
        }
        let destination = self.stages.first_mut().map_or(&mut self.response, |s| &mut s.buffer);
        let heeded = mode == Mode::Pipe;
        let (moved, falses) = pipe_into(destination, self.readable.rows(), heeded);
        self.readable.take(moved);
        self.counters.rows_written += moved;
        if falses == 0 {
            return;
        }
        let first_ignored = self.counters.app_write_false == 0;
        self.counters.write_false += falses;
        self.counters.app_write_false += falses;
        if heeded {
            self.source_paused = true;
            events.push(Event::WriteReturnedFalse { heeded });
        } else if first_ignored {
            events.push(Event::WriteReturnedFalse { heeded });
        }
    }

    fn run_cursor(&mut self, params: &NodeParams, now: Millis, dt: Millis, rng: &mut SimRng, events: &mut Vec<Event>) {
        let remaining = params.total_rows - self.counters.rows_fetched;
        if remaining == 0 {
            return;
        }
        if !params.cursor.honours_row_limit {
            // Rows keep coming whatever the Readable says: push() returning false is ignored.
            let arriving = std::mem::take(&mut self.arrivals_left).min(remaining);
            self.receive_rows(arriving, params.mode, events);
            return;
        }
        let step_end_us = now * 1000;
        let step_start_us = step_end_us - dt * 1000;
        loop {
            if let Some(done_at) = self.fetch_done_at_us {
                if done_at > step_end_us {
                    return;
                }
                self.fetch_done_at_us = None;
                self.cursor_clock_us = done_at;
                let rows = (self.fetch_round_trips * params.cursor.batch_size).min(params.total_rows - self.counters.rows_fetched);
                self.receive_rows(rows, params.mode, events);
            }
            if self.counters.rows_fetched >= params.total_rows {
                return;
            }
            // `_read()` is called only while the Readable is below its highWaterMark.
            if self.readable.length() >= self.readable.high_water_mark {
                if !self.cursor_waiting {
                    self.cursor_waiting = true;
                    events.push(Event::CursorWaiting);
                }
                return;
            }
            self.cursor_waiting = false;
            let start = self.cursor_clock_us.max(step_start_us);
            // Round trips far shorter than a step are taken a few at a time (see [`GROUP_US`]), never
            // more than the Readable would have asked for one by one had nothing drained it.
            let batch = params.cursor.batch_size;
            let room = self.readable.high_water_mark - self.readable.length();
            let unfetched = params.total_rows - self.counters.rows_fetched;
            let group = group_size(params).min(room.div_ceil(batch)).min(unfetched.div_ceil(batch)).max(1);
            self.fetch_done_at_us = Some(start + round_trips_us(params, group, rng));
            self.fetch_round_trips = group;
            self.cursor_draws += 1;
            self.counters.round_trips += group;
        }
    }

    /// Rows reach the Readable via `push()`; in flowing mode they are emitted to the application at once.
    fn receive_rows(&mut self, rows: u64, mode: Mode, events: &mut Vec<Event>) {
        self.readable.write(rows);
        self.counters.rows_fetched += rows;
        self.application_hop(mode, events);
    }

    fn update_state(&mut self, params: &NodeParams, now: Millis, events: &mut Vec<Event>) {
        let fetched_all = self.counters.rows_fetched >= params.total_rows;
        self.state = if self.counters.rows_delivered >= params.total_rows {
            if self.completed_at_ms.is_none() {
                self.completed_at_ms = Some(now);
                events.push(Event::Done);
            }
            ExportState::Done
        } else if fetched_all {
            ExportState::Draining
        } else if self.source_paused {
            ExportState::Paused
        } else {
            ExportState::Flowing
        };
    }

    pub fn kill(&mut self) {
        self.state = ExportState::Dead;
    }
}

/// Most passes in one step: bounds the work per step. Repeated cycles are fast-forwarded
/// (see [`Export::run_passes`]), so this no longer caps the flow through tiny marks.
const MAX_PASSES: usize = 64;

/// Passes run before looking for a cycle to fast-forward: snapshots cost the common step.
const CYCLE_FROM_PASS: usize = 4;

/// Each writable's (rows, bytes of the head sent, owes a drain) and whether its writer waits for
/// `'drain'`; the response last; then the source's pause, the cursor's wait and its fetch in flight.
type Shape = ([((u64, u64, bool), bool); MAX_STAGES + 1], bool, bool, Option<u64>);

/// Writes up to `ready` rows into `destination`, one `write()` per row. When `heeded`, stops at
/// the first `false` (that row is still accepted). Returns (rows moved, writes that returned false).
fn pipe_into(destination: &mut StreamBuffer, ready: u64, heeded: bool) -> (u64, u64) {
    let moved = if heeded { ready.min(destination.rows_until_false()) } else { ready };
    (moved, destination.write(moved))
}

fn stage_output(kind: StageKind, input: Content, row_bytes: u64, compression_percent: u64, rows_per_chunk: u64) -> Content {
    match kind {
        StageKind::Csv => Content::Text { bytes_per_row: row_bytes },
        StageKind::Gzip => {
            let in_bytes = input.bytes_per_row().unwrap_or(row_bytes);
            Content::Binary { bytes_per_row: (in_bytes * compression_percent / 100).max(1) }
        }
        StageKind::Batch => Content::Objects { rows_per_chunk },
    }
}

/// Round trips whose shortest jittered duration is below this many microseconds are grouped:
/// `group_size` of them in a row are timed by one draw, so the cursor loop runs at most about
/// 1,000 / `GROUP_US` + 1 times per step (instead of up to 1,000 with 1 µs round trips). Each
/// still counts as a round trip and fetches `batchSize` rows. A round trip of 50 µs or more (every
/// preset's is ≥ 800 µs) is drawn on its own, exactly as before.
const GROUP_US: u64 = 50;

/// How many round trips one draw times: 1 unless the shortest round trip is under [`GROUP_US`].
fn group_size(params: &NodeParams) -> u64 {
    let (base, spread) = round_trip_base_and_spread(params);
    (GROUP_US / (base - spread).max(1)).max(1)
}

fn round_trip_base_and_spread(params: &NodeParams) -> (u64, u64) {
    let cursor = &params.cursor;
    let base = cursor.round_trip_ms * 1000 + cursor.batch_size * 1_000_000 / cursor.db_rows_per_second;
    (base, base * cursor.jitter_percent / 100)
}

/// `count` `Execute` round trips in a row: latency plus the server's time to produce each batch,
/// with jitter (one draw for the lot), at least 1 µs each.
fn round_trips_us(params: &NodeParams, count: u64, rng: &mut SimRng) -> u64 {
    let (base, spread) = round_trip_base_and_spread(params);
    rng.between(count * (base - spread), count * (base + spread)).max(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::node::params::{Cursor, Network};

    /// Round trips at the 1 µs floor (no latency, one row per `Execute`, a fast server) into a
    /// client fast enough to keep the Readable empty: up to 1,000 round trips per 1 ms step.
    fn tiny_round_trips() -> NodeParams {
        NodeParams {
            total_rows: 10_000_000,
            cursor: Cursor { batch_size: 1, round_trip_ms: 0, db_rows_per_second: 10_000_000, ..Cursor::default() },
            network: Network { client_bytes_per_second: 1_250_000_000, uplink_bytes_per_second: 12_500_000_000 },
            ..NodeParams::default()
        }
    }

    #[test]
    fn tiny_round_trips_cost_a_bounded_number_of_draws_per_step() {
        let params = tiny_round_trips();
        let mut export = Export::new(&params);
        let mut rng = SimRng::new(1);
        let mut events = Vec::new();
        let mut most = 0;
        for now in 1..=1_000 {
            export.step(&params, now, 1, u64::MAX, &mut rng, &mut events);
            most = most.max(export.cursor_draws);
        }
        // A full-sized group lasts at least GROUP_US, so about 1,000 / GROUP_US + 1 fit in a step;
        // a group cut short by the Readable's room fills it, which stops the loop until the next
        // pass. Before grouping: up to 1,000 draws.
        assert!(most <= 64, "{most} cursor draws in one step");
        // Still one row per 1 µs round trip: ≈ 1,000 rows per step fetched and counted.
        let per_step = export.counters.rows_fetched as f64 / 1_000.0;
        assert!((900.0..=1_000.0).contains(&per_step), "{per_step} rows per step");
        // Every round trip counted: one per row fetched, plus the group still in flight.
        let (trips, rows) = (export.counters.round_trips, export.counters.rows_fetched);
        assert!(trips >= rows && trips - rows <= GROUP_US, "{trips} round trips for {rows} rows");
    }
}

//! The playground's one state and its reducer: every change the reader makes is an [`Action`].

use crate::engine::node::twin as twin_policy;
use crate::engine::node::{validate, DeathCause, Mode, NodeParams, NodeSim, ParamError, Stage, StageKind, RANGES};
use crate::engine::twin::TwinPolicy;
use crate::engine::{Millis, Simulation, STEP_MS};
use crate::format;
use crate::scenario::{presets, System};
use crate::ui::run::{Playable, Run, RunAction};
use crate::ui::widgets::narration::Narration;
use std::rc::Rc;
use yew::Reducible;

/// The preset the page opens with: the article's export, three at once, naive.
pub const DEFAULT_PRESET: &str = "article-export-x3";
pub const DEFAULT_SPEED: f64 = 2.0;

/// Which part of a stage a control edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageField {
    HighWaterMark,
    RowsPerSecond,
    CompressionPercent,
    RowsPerChunk,
}

/// Snapshot spacing the timeline starts with (1,000 steps of 1 ms); it doubles as the run grows.
const REWIND_SPACING_MS: Millis = 1_000;

pub enum Action {
    /// A new animation frame, `real_ms` after the previous one.
    Frame { real_ms: f64 },
    Run(RunAction),
    SetMode(Mode),
    /// An entry of [`RANGES`] by index, with its new value.
    SetRange(usize, u64),
    SetHonoursRowLimit(bool),
    SetResponseHighWaterMark(Option<u64>),
    SetContainerLimit(Option<u64>),
    AddStage(StageKind),
    RemoveStage(usize),
    SetStage(usize, StageField, u64),
    SetStageIgnoresHighWaterMark(usize, bool),
}

/// Per-hop particle phases, advanced by how many rows crossed each hop.
#[derive(Clone, Debug, Default)]
pub struct FlowView {
    /// Cumulative rows that have crossed each hop of export 1, last frame…
    crossed: Vec<u64>,
    /// …at this simulated instant.
    at_ms: Millis,
    /// Phase in [0, 1) of the particles on each hop.
    pub phases: Vec<f64>,
    /// Rows per simulated second on each hop, smoothed.
    pub rates: Vec<f64>,
}

impl Playable for NodeSim {
    type Params = NodeParams;
    type Invalid = ParamError;
    const WIDGET: &'static str = "node";
    const DEFAULT_PRESET: &'static str = DEFAULT_PRESET;
    const DEFAULT_SPEED: f64 = DEFAULT_SPEED;
    const STEP_MS: Millis = STEP_MS;
    const REWIND_SPACING_MS: Millis = REWIND_SPACING_MS;

    fn start(params: NodeParams, seed: u64) -> Self {
        NodeSim::new(params, seed)
    }
    fn preset(name: &str) -> Option<(NodeParams, u64)> {
        let scenario = presets::node::PRESETS.iter().find(|p| p.name == name)?.scenario();
        let System::NodeStream(params) = scenario.system else { return None };
        Some((params, scenario.seed))
    }
    fn validate(params: &NodeParams) -> Result<(), ParamError> {
        validate(params)
    }
    fn twin_policy(params: &NodeParams) -> TwinPolicy<NodeParams> {
        twin_policy::policy(params)
    }
}

#[derive(Clone, Default)]
pub struct Playground {
    pub run: Run<NodeSim>,
    pub flow: FlowView,
    /// What the screen-reader live region says, changed at a readable pace.
    pub narration: Narration<Situation>,
    /// Bumped on every action, so components can tell states apart cheaply.
    revision: u64,
}

impl PartialEq for Playground {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

impl Playground {
    /// The transport bar's status.
    pub fn status(&self) -> String {
        let sim = &self.run.sim;
        let ended = if sim.death().is_some() { Some("process died") } else { sim.is_finished().then_some("finished") };
        self.run.status(ended)
    }

    /// The state a link describes; whatever the link gets wrong is reported in the run's notice.
    pub fn from_link(pairs: &[(String, String)]) -> Self {
        Self { run: Run::from_link(pairs), ..Self::default() }
    }

    fn frame(&mut self, real_ms: f64) {
        crate::ui::crash::drill("node");
        if self.run.replay_frame() {
            return;
        }
        let steps = self.run.clock.steps_for_frame(real_ms);
        if self.run.sim.is_finished() {
            self.run.follow_twin(steps);
            return;
        }
        self.run.advance(steps);
        let (kind, text) = situation(&self.run.sim);
        self.narration.offer(kind, matches!(kind, Situation::Done | Situation::Dead), text, real_ms);
    }

    /// Rows that have crossed each hop of export 1: DB → Readable → stages… → response → client.
    fn hop_counts(&self) -> Vec<u64> {
        let Some(export) = self.run.sim.exports().first() else { return Vec::new() };
        let counters = &export.counters;
        let mut crossed = vec![counters.rows_fetched, counters.rows_written];
        let mut still_inside = 0;
        for stage in &export.stages {
            still_inside += stage.buffer.rows();
            crossed.push(counters.rows_written - still_inside);
        }
        crossed.push(counters.rows_delivered);
        crossed
    }

    /// Moves the particles by the rows that crossed each hop since the last update. A run that
    /// went back in time (a restart, a rewind) starts them afresh.
    fn update_flow(&mut self) {
        let crossed = self.hop_counts();
        let now = self.run.sim.now();
        let went_back = now < self.flow.at_ms || crossed.iter().zip(&self.flow.crossed).any(|(now, before)| now < before);
        if went_back || self.flow.crossed.len() != crossed.len() {
            self.flow = FlowView { phases: vec![0.0; crossed.len()], rates: vec![0.0; crossed.len()], crossed, at_ms: now };
            return;
        }
        let elapsed_ms = (now - self.flow.at_ms).max(1) as f64;
        for (hop, &now) in crossed.iter().enumerate() {
            let moved = now - self.flow.crossed[hop];
            // Particles speed up with the logarithm of the flow, so 10 rows/s and 60,000 rows/s both read.
            self.flow.phases[hop] = (self.flow.phases[hop] + (1.0 + moved as f64).log10() * 0.02).fract();
            self.flow.rates[hop] = 0.8 * self.flow.rates[hop] + 0.2 * moved as f64 * 1000.0 / elapsed_ms;
        }
        self.flow.crossed = crossed;
        self.flow.at_ms = now;
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Situation {
    #[default]
    Flowing,
    Paused,
    Ignored,
    Done,
    Dead,
}

/// What is going on in export 1, in a sentence.
fn situation(sim: &NodeSim) -> (Situation, String) {
    let heap = format::bytes(sim.heap_bytes());
    if let Some(death) = sim.death() {
        let message = match death.cause {
            DeathCause::HeapOom => "JavaScript heap out of memory: the process aborted",
            DeathCause::Sigkill => "the OOM killer sent SIGKILL",
        };
        return (Situation::Dead, format!("Process died at {}: {message}, exit code {}.", format::sim_time(death.at_ms), death.exit_code));
    }
    if let Some(done) = sim.completed_at_ms() {
        return (Situation::Done, format!("Every export finished at {}; the heap peaked at {}.", format::sim_time(done), format::bytes(sim.peak_heap_bytes())));
    }
    let Some(export) = sim.exports().first() else { return (Situation::Flowing, String::new()) };
    let response_hwm = format::bytes(export.response.high_water_mark);
    if let Some(pile) = super::pile_up(sim, export) {
        return (Situation::Ignored, format!("Memory piles up: {pile}. Heap {heap}."));
    }
    match (sim.params().mode, export.counters.app_write_false > 0) {
        (Mode::Pipe, true) => (
            Situation::Paused,
            format!("write() returned false at {response_hwm}: the source pauses until 'drain', and Postgres waits. Heap {heap}."),
        ),
        (Mode::Naive, true) => (
            Situation::Ignored,
            format!("write() keeps returning false and the loop ignores it: the response buffer holds {}. Heap {heap}.",
                format::bytes(export.response.length())),
        ),
        _ => (Situation::Flowing, format!("Rows are flowing; write() returns true. Heap {heap}.")),
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if matches!(action, Action::Frame { .. }) && self.run.idle() {
            return self;
        }
        let mut next = Rc::unwrap_or_clone(self);
        next.revision += 1;
        match action {
            Action::Frame { real_ms } => next.frame(real_ms),
            Action::Run(action) => next.run.act(action),
            Action::SetMode(mode) => {
                // The mode switch is the comparison the page is about, not a departure from the preset.
                let preset = next.run.preset.clone();
                next.run.change(|p| p.mode = mode);
                next.run.preset = preset;
            }
            Action::SetRange(index, value) => {
                if let Some(range) = RANGES.get(index) {
                    let clamped = value.clamp(range.min, range.max);
                    next.run.change(|p| (range.set)(p, clamped));
                }
            }
            Action::SetHonoursRowLimit(on) => next.run.change(|p| p.cursor.honours_row_limit = on),
            Action::SetResponseHighWaterMark(hwm) => next.run.change(|p| p.response.high_water_mark = hwm),
            Action::SetContainerLimit(limit) => next.run.change(|p| p.memory.container_limit_mb = limit),
            Action::AddStage(kind) => next.run.change(|p| p.stages.push(Stage::new(kind))),
            Action::RemoveStage(index) => next.run.change(|p| {
                if index < p.stages.len() {
                    p.stages.remove(index);
                    // Stages that can no longer follow what is before them go too (gzip after csv).
                    if validate(p).is_err() {
                        p.stages.truncate(index);
                    }
                }
            }),
            Action::SetStage(index, field, value) => next.run.change(|p| {
                if let Some(stage) = p.stages.get_mut(index) {
                    match field {
                        StageField::HighWaterMark => stage.high_water_mark = Some(value),
                        StageField::RowsPerSecond => stage.rows_per_second = value,
                        StageField::CompressionPercent => stage.compression_percent = value,
                        StageField::RowsPerChunk => stage.rows_per_chunk = value,
                    }
                }
            }),
            Action::SetStageIgnoresHighWaterMark(index, on) => next.run.change(|p| {
                if let Some(stage) = p.stages.get_mut(index) {
                    stage.ignores_high_water_mark = on;
                }
            }),
        }
        next.update_flow();
        Rc::new(next)
    }
}

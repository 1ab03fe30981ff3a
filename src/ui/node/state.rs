//! The playground's one state and its reducer: every change the reader makes is an [`Action`].

use crate::clock::Clock;
use crate::engine::node::{validate, DeathCause, Mode, NodeParams, NodeSim, Stage, StageKind, RANGES};
use crate::format;
use crate::engine::{Millis, STEP_MS};
use crate::permalink;
use crate::ui::frame;
use crate::ui::widgets::narration::Narration;
use crate::scenario::{presets, System};
use crate::engine::{Simulation, Timeline};
use crate::engine::node::twin as twin_policy;
use crate::ui::twin::{self, Twin};
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
    TogglePlay,
    /// Advance exactly one engine step.
    Step,
    /// Drag the timeline: put the engine at this instant of the run so far (then play on).
    Rewind(Millis),
    /// Run on to the end of the preset's run (or the simulated day), then stop.
    RunToEnd,
    /// Run a twin with the other policy beside this run, or stop it.
    SetTwin(bool),
    SetSpeed(f64),
    Reset,
    LoadPreset(String),
    SetSeed(u64),
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
    /// Cumulative rows that have crossed each hop of export 1, last frame.
    crossed: Vec<u64>,
    /// Phase in [0, 1) of the particles on each hop.
    pub phases: Vec<f64>,
    /// Rows per simulated second on each hop, smoothed.
    pub rates: Vec<f64>,
}

#[derive(Clone)]
pub struct Playground {
    pub preset: String,
    /// The preset the parameters started from: a link names it and lists only the changes.
    base_preset: String,
    pub params: NodeParams,
    pub seed: u64,
    /// The engine with its history, so the timeline can rewind it exactly.
    pub sim: Timeline<NodeSim>,
    pub clock: Clock,
    /// A second run with one policy flipped, on the same clock (off until the reader asks).
    pub twin: Option<Twin<NodeSim, NodeParams>>,
    /// A moment the engine is being replayed to (a link's `t`), a frame's budget at a time.
    pub seek_to: Option<Millis>,
    pub flow: FlowView,
    /// A message for the reader about input that was refused or adjusted.
    pub notice: Option<String>,
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

impl Default for Playground {
    fn default() -> Self {
        let (params, seed) = node_preset(DEFAULT_PRESET).expect("the default preset is a Node preset");
        Self::with(DEFAULT_PRESET.to_string(), params, seed)
    }
}

/// A Node preset's parameters and seed.
fn node_preset(name: &str) -> Option<(NodeParams, u64)> {
    let scenario = presets::node::PRESETS.iter().find(|p| p.name == name)?.scenario();
    let System::NodeStream(params) = scenario.system else { return None };
    Some((params, scenario.seed))
}

impl Playground {
    /// The transport bar's status.
    pub fn status(&self) -> String {
        let ended = if self.sim.death().is_some() {
            Some("process died")
        } else {
            self.sim.is_finished().then_some("finished")
        };
        twin::transport_status(self.seek_to, ended, self.clock.playing, self.sim.now(), twin::run_end(&self.base_preset))
    }

    /// The state a link describes: its preset, the changes over it, the seed and the moment.
    /// Whatever the link gets wrong is reported in `notice`, never a failure.
    pub fn from_link(pairs: &[(String, String)]) -> Self {
        let opened = permalink::open(pairs, node_preset, DEFAULT_PRESET);
        let mut state = Self::with(opened.base_preset, opened.params, opened.seed);
        if node_preset(&state.base_preset).is_some_and(|(base, _)| base != state.params) {
            state.preset = "custom".into();
        }
        if let Some(at_ms) = opened.at_ms {
            // Replayed over the next frames, so a link to hour five never freezes the page.
            state.seek_to = Some(at_ms);
            state.clock.playing = false;
        }
        state.notice = opened.notice;
        state
    }

    /// The query pairs of a link to exactly this moment.
    pub fn link(&self) -> Vec<(String, String)> {
        let (base, _) = node_preset(&self.base_preset).expect("the base is a known preset");
        permalink::link_to("node", &self.base_preset, &base, &self.params, self.seed, self.sim.now())
    }

    fn with(preset: String, params: NodeParams, seed: u64) -> Self {
        Self {
            base_preset: preset.clone(),
            preset,
            sim: Timeline::new(NodeSim::new(params.clone(), seed), REWIND_SPACING_MS),
            params,
            seed,
            twin: None,
            clock: Clock::new(DEFAULT_SPEED, STEP_MS),
            seek_to: None,
            flow: FlowView::default(),
            notice: None,
            narration: Narration::default(),
            revision: 0,
        }
    }

    fn restart(&mut self) {
        self.sim = Timeline::new(NodeSim::new(self.params.clone(), self.seed), REWIND_SPACING_MS);
        if self.twin.is_some() {
            self.twin = Some(self.make_twin());
        }
        self.clock.settle();
        self.seek_to = None;
        self.flow = FlowView::default();
    }

    /// Applies a parameter change if the result is valid; otherwise explains why not.
    fn change(&mut self, edit: impl FnOnce(&mut NodeParams)) {
        let mut next = self.params.clone();
        edit(&mut next);
        match validate(&next) {
            Ok(()) => {
                self.params = next;
                self.preset = "custom".into();
                self.notice = None;
                self.restart();
            }
            Err(error) => self.notice = Some(format!("Not applied: {error}")),
        }
    }

    fn make_twin(&self) -> Twin<NodeSim, NodeParams> {
        let policy = twin_policy::policy(&self.params);
        let sim = NodeSim::new(policy.params_b.clone(), self.seed);
        Twin::new(policy, sim, REWIND_SPACING_MS, STEP_MS, twin::run_end(&self.base_preset))
    }

    fn advance(&mut self, steps: u64) {
        let before = self.sim.now();
        frame::run_steps(&mut self.sim, steps);
        self.update_flow(self.sim.now() - before);
    }

    /// Nothing for a frame to do: no re-render, so a half-typed number survives.
    fn idle(&self) -> bool {
        let twin_busy = self.twin.as_ref().is_some_and(|t| t.busy(self.clock.playing, self.sim.now()));
        self.seek_to.is_none() && !twin_busy && (!self.clock.playing || self.sim.is_finished())
    }

    fn frame(&mut self, real_ms: f64) {
        crate::ui::crash::drill("node");
        if let Some(target) = self.seek_to {
            if frame::seek(&mut self.sim, target) {
                self.seek_to = None;
            }
            self.update_flow(0);
            self.follow_twin(0);
            return;
        }
        let steps = self.clock.steps_for_frame(real_ms);
        if !self.sim.is_finished() {
            self.advance(steps);
            let (kind, text) = situation(&self.sim);
            self.narration.offer(kind, matches!(kind, Situation::Done | Situation::Dead), text, real_ms);
        }
        self.follow_twin(steps);
    }

    fn follow_twin(&mut self, steps: u64) {
        if let Some(twin) = &mut self.twin {
            twin.follow(&self.sim, steps);
        }
    }

    /// Rows that have crossed each hop of export 1: DB → Readable → stages… → response → client.
    fn hop_counts(&self) -> Vec<u64> {
        let Some(export) = self.sim.exports().first() else { return Vec::new() };
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

    fn update_flow(&mut self, elapsed_ms: Millis) {
        let crossed = self.hop_counts();
        let elapsed_ms = elapsed_ms.max(1) as f64;
        if self.flow.crossed.len() != crossed.len() {
            self.flow = FlowView { phases: vec![0.0; crossed.len()], rates: vec![0.0; crossed.len()], crossed };
            return;
        }
        for (hop, &now) in crossed.iter().enumerate() {
            let moved = now - self.flow.crossed[hop];
            // Particles speed up with the logarithm of the flow, so 10 rows/s and 60,000 rows/s both read.
            self.flow.phases[hop] = (self.flow.phases[hop] + (1.0 + moved as f64).log10() * 0.02).fract();
            self.flow.rates[hop] = 0.8 * self.flow.rates[hop] + 0.2 * moved as f64 * 1000.0 / elapsed_ms;
        }
        self.flow.crossed = crossed;
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
        if matches!(action, Action::Frame { .. }) && self.idle() {
            return self;
        }
        let mut next = Rc::unwrap_or_clone(self);
        next.revision += 1;
        match action {
            Action::Frame { real_ms } => next.frame(real_ms),
            Action::TogglePlay => twin::toggle_play(&mut next.clock, &mut next.seek_to, next.twin.as_mut()),
            Action::Step => {
                next.clock.playing = false;
                next.advance(1);
                next.follow_twin(1);
            }
            Action::Rewind(at_ms) => {
                next.seek_to = Some(twin::rewind(&mut next.clock, &mut next.sim, next.twin.as_mut(), at_ms));
            }
            Action::RunToEnd => next.seek_to = Some(twin::run_to_end(&mut next.clock, next.twin.as_mut(), &next.base_preset)),
            Action::SetTwin(on) => {
                next.twin = on.then(|| next.make_twin());
            }
            Action::SetSpeed(speed) => next.clock.speed = speed,
            Action::Reset => next.restart(),
            Action::LoadPreset(name) => match node_preset(&name) {
                Some((params, seed)) => {
                    next.base_preset = name.clone();
                    next.preset = name;
                    next.params = params;
                    next.seed = seed;
                    next.notice = None;
                    next.restart();
                }
                None => next.notice = Some(format!("No preset named “{name}”.")),
            },
            Action::SetSeed(seed) => {
                next.seed = seed;
                next.restart();
            }
            Action::SetMode(mode) => {
                // The mode switch is the comparison the page is about, not a departure from the preset.
                let preset = next.preset.clone();
                next.change(|p| p.mode = mode);
                next.preset = preset;
            }
            Action::SetRange(index, value) => {
                if let Some(range) = RANGES.get(index) {
                    let clamped = value.clamp(range.min, range.max);
                    next.change(|p| (range.set)(p, clamped));
                }
            }
            Action::SetHonoursRowLimit(on) => next.change(|p| p.cursor.honours_row_limit = on),
            Action::SetResponseHighWaterMark(hwm) => next.change(|p| p.response.high_water_mark = hwm),
            Action::SetContainerLimit(limit) => next.change(|p| p.memory.container_limit_mb = limit),
            Action::AddStage(kind) => next.change(|p| p.stages.push(Stage::new(kind))),
            Action::RemoveStage(index) => next.change(|p| {
                if index < p.stages.len() {
                    p.stages.remove(index);
                    // Stages that can no longer follow what is before them go too (gzip after csv).
                    if validate(p).is_err() {
                        p.stages.truncate(index);
                    }
                }
            }),
            Action::SetStage(index, field, value) => next.change(|p| {
                if let Some(stage) = p.stages.get_mut(index) {
                    match field {
                        StageField::HighWaterMark => stage.high_water_mark = Some(value),
                        StageField::RowsPerSecond => stage.rows_per_second = value,
                        StageField::CompressionPercent => stage.compression_percent = value,
                        StageField::RowsPerChunk => stage.rows_per_chunk = value,
                    }
                }
            }),
            Action::SetStageIgnoresHighWaterMark(index, on) => next.change(|p| {
                if let Some(stage) = p.stages.get_mut(index) {
                    stage.ignores_high_water_mark = on;
                }
            }),
        }
        Rc::new(next)
    }
}

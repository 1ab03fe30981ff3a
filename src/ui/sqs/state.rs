//! The SQS + Lambda widget's state and its reducer: every change the reader makes is an [`Action`].

use crate::clock::Clock;
use crate::engine::Millis;
use crate::permalink;
use crate::ui::frame;
use crate::ui::widgets::narration::Narration;
use crate::engine::sqs::{validate, RedrivePolicy, RetryPolicy, ScalingConfig, Spike, SqsParams, SqsSim, FunctionResponseType, RANGES, STEP_MS};
use crate::scenario::{presets, System};
use crate::engine::simulation::SqsIntervention;
use crate::engine::{Simulation, Timeline};
use crate::engine::sqs::twin as twin_policy;
use crate::ui::twin::{self, Twin};
use std::rc::Rc;
use yew::Reducible;

/// The preset the widget opens with: the campaign, uncapped.
pub const DEFAULT_PRESET: &str = "article-campaign";
/// Ten times real time: the campaign's first five minutes play in half a minute.
pub const DEFAULT_SPEED: f64 = 10.0;

/// Which part of the campaign spike a control edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpikeField {
    Start,
    Duration,
    Rate,
}

/// Snapshot spacing the timeline starts with (100 steps of 100 ms); it doubles as the run grows.
const REWIND_SPACING_MS: Millis = 10_000;

pub enum Action {
    Frame { real_ms: f64 },
    TogglePlay,
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
    /// An entry of [`RANGES`] by index, with its new value.
    SetRange(usize, u64),
    SetSpike(Option<Spike>),
    SetSpikeField(SpikeField, u64),
    SetMaxReceiveCount(Option<u64>),
    SetMaximumConcurrency(Option<u64>),
    SetReservedConcurrency(Option<u64>),
    SetReportBatchItemFailures(bool),
    SetLegacyScaling(bool),
    SetRdsProxy(bool),
    SetRetryPolicy(RetryPolicy),
    /// `UpdateFunctionConfiguration` while the run goes on: the mapping is not re-checked.
    RaiseTimeoutNow(u64),
    /// The campaign stops now: arrivals are back to normal from the next step.
    EndSpikeNow,
}

#[derive(Clone)]
pub struct SqsPlayground {
    pub preset: String,
    /// The preset the parameters started from: a link names it and lists only the changes.
    base_preset: String,
    pub params: SqsParams,
    pub seed: u64,
    /// The engine with its history, so the timeline can rewind it exactly.
    pub sim: Timeline<SqsSim>,
    pub clock: Clock,
    /// A second run with one policy flipped, on the same clock (off until the reader asks).
    pub twin: Option<Twin<SqsSim, SqsParams>>,
    /// A moment the engine is being replayed to (a link's `t`), a frame's budget at a time.
    pub seek_to: Option<Millis>,
    /// What the screen-reader live region says, changed at a readable pace.
    pub narration: Narration<bool>,
    /// A message for the reader about input that was refused or adjusted.
    pub notice: Option<String>,
    revision: u64,
}

impl PartialEq for SqsPlayground {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

impl Default for SqsPlayground {
    fn default() -> Self {
        let (params, seed) = sqs_preset(DEFAULT_PRESET).expect("the default preset is an SQS preset");
        Self::with(DEFAULT_PRESET.to_string(), params, seed)
    }
}

/// An SQS preset's parameters and seed.
pub fn sqs_preset(name: &str) -> Option<(SqsParams, u64)> {
    let scenario = presets::sqs::PRESETS.iter().find(|p| p.name == name)?.scenario();
    let System::SqsLambda(params) = scenario.system else { return None };
    Some((params, scenario.seed))
}

impl SqsPlayground {
    /// The transport bar's status.
    pub fn status(&self) -> String {
        let ended = self.sim.is_finished().then_some("finished");
        twin::transport_status(self.seek_to, ended, self.clock.playing, self.sim.now(), twin::run_end(&self.base_preset))
    }

    /// The state a link describes; whatever the link gets wrong is reported in `notice`.
    pub fn from_link(pairs: &[(String, String)]) -> Self {
        let opened = permalink::open(pairs, sqs_preset, DEFAULT_PRESET);
        let mut state = Self::with(opened.base_preset, opened.params, opened.seed);
        if sqs_preset(&state.base_preset).is_some_and(|(base, _)| base != state.params) {
            state.preset = "custom".into();
        }
        if let Some(at_ms) = opened.at_ms {
            state.seek_to = Some(at_ms);
            state.clock.playing = false;
        }
        state.notice = opened.notice;
        state
    }

    /// The query pairs of a link to exactly this moment.
    pub fn link(&self) -> Vec<(String, String)> {
        let (base, _) = sqs_preset(&self.base_preset).expect("the base is a known preset");
        permalink::link_to("sqs", &self.base_preset, &base, &self.params, self.seed, self.sim.now())
    }

    pub fn with(preset: String, params: SqsParams, seed: u64) -> Self {
        Self {
            base_preset: preset.clone(),
            preset,
            sim: Timeline::new(SqsSim::new(params.clone(), seed), REWIND_SPACING_MS),
            params,
            seed,
            twin: None,
            clock: Clock::new(DEFAULT_SPEED, STEP_MS),
            seek_to: None,
            narration: Narration::default(),
            notice: None,
            revision: 0,
        }
    }

    /// A preset by name (for tests and the preset menu).
    pub fn from_preset(name: &str) -> Option<Self> {
        let (params, seed) = sqs_preset(name)?;
        Some(Self::with(name.to_string(), params, seed))
    }

    fn restart(&mut self) {
        self.sim = Timeline::new(SqsSim::new(self.params.clone(), self.seed), REWIND_SPACING_MS);
        if self.twin.is_some() {
            self.twin = Some(self.make_twin());
        }
        self.clock.settle();
        self.seek_to = None;
    }

    /// Applies a parameter change if AWS would accept it; otherwise says why not.
    fn change(&mut self, edit: impl FnOnce(&mut SqsParams)) {
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

    /// Acts on the running engine and on its twin (which differs only in its policy); says
    /// whether it was taken.
    fn intervene(&mut self, intervention: SqsIntervention) -> bool {
        if let Some(twin) = &mut self.twin {
            // The twin's history is capped like the run's: a refusal there shows in its figures only.
            let _ = twin.sim.intervene(intervention.clone());
        }
        match self.sim.intervene(intervention) {
            Ok(()) => {
                self.preset = "custom".into();
                self.notice = None;
                true
            }
            Err(error) => {
                self.notice = Some(format!("Not applied: {error}"));
                false
            }
        }
    }

    fn make_twin(&self) -> Twin<SqsSim, SqsParams> {
        let policy = twin_policy::policy(&self.params);
        let sim = SqsSim::new(policy.params_b.clone(), self.seed);
        Twin::new(policy, sim, REWIND_SPACING_MS, STEP_MS, twin::run_end(&self.base_preset))
    }

    fn advance(&mut self, steps: u64) {
        frame::run_steps(&mut self.sim, steps);
        self.follow_twin(steps);
    }

    fn follow_twin(&mut self, steps: u64) {
        if let Some(twin) = &mut self.twin {
            twin.follow(&self.sim, steps);
        }
    }

    /// Nothing for a frame to do: no re-render, so a half-typed number survives.
    fn idle(&self) -> bool {
        let twin_busy = self.twin.as_ref().is_some_and(|t| t.busy(self.clock.playing, self.sim.now()));
        self.seek_to.is_none() && !twin_busy && (!self.clock.playing || self.sim.is_finished())
    }

    fn frame(&mut self, real_ms: f64) {
        crate::ui::crash::drill("sqs");
        if let Some(target) = self.seek_to {
            if frame::seek(&mut self.sim, target) {
                self.seek_to = None;
            }
            self.follow_twin(0);
            return;
        }
        let steps = self.clock.steps_for_frame(real_ms);
        if self.sim.is_finished() {
            self.follow_twin(steps);
            return;
        }
        self.advance(steps);
        let counters = self.sim.counters();
        let refusing = counters.connections_refused > 0;
        let text = format!(
            "{} running; {} messages waiting, {} in flight, {} in the dead-letter queue; Postgres refused {} connections so far.",
            crate::format::count(self.sim.concurrency()),
            crate::format::count(self.sim.visible()),
            crate::format::count(self.sim.in_flight()),
            crate::format::count(counters.dlq),
            crate::format::count(counters.connections_refused),
        );
        self.narration.offer(refusing, false, text, real_ms);
    }
}

impl Reducible for SqsPlayground {
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
            Action::LoadPreset(name) => match sqs_preset(&name) {
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
            Action::SetRange(index, value) => {
                if let Some(range) = RANGES.get(index) {
                    let clamped = value.clamp(range.min, range.max);
                    next.change(|p| (range.set)(p, clamped));
                    if range.field == "function.Timeout" && next.notice.is_some() {
                        next.notice = next.notice.take().map(|n| {
                            format!("{n}. AWS checks this only when the mapping is created: use “Raise Timeout now” to do what people do later.")
                        });
                    }
                }
            }
            Action::SetSpike(spike) => next.change(|p| p.arrivals.spike = spike),
            Action::SetSpikeField(field, value) => next.change(|p| {
                if let Some(spike) = p.arrivals.spike.as_mut() {
                    match field {
                        SpikeField::Start => spike.start_seconds = value,
                        SpikeField::Duration => spike.duration_seconds = value,
                        SpikeField::Rate => spike.messages_per_minute = value,
                    }
                }
            }),
            Action::SetMaxReceiveCount(count) => {
                next.change(|p| p.queue.redrive_policy = count.map(|max_receive_count| RedrivePolicy { max_receive_count }))
            }
            Action::SetMaximumConcurrency(max) => {
                next.change(|p| p.event_source_mapping.scaling_config = ScalingConfig { maximum_concurrency: max })
            }
            Action::SetReservedConcurrency(reserved) => next.change(|p| p.function.reserved_concurrent_executions = reserved),
            Action::SetReportBatchItemFailures(on) => next.change(|p| {
                p.event_source_mapping.function_response_types =
                    if on { vec![FunctionResponseType::ReportBatchItemFailures] } else { Vec::new() }
            }),
            Action::SetLegacyScaling(on) => next.change(|p| p.event_source_mapping.legacy_scaling = on),
            Action::SetRdsProxy(on) => next.change(|p| p.database.rds_proxy = on),
            Action::SetRetryPolicy(policy) => next.change(|p| p.database.retry_policy = policy),
            Action::RaiseTimeoutNow(timeout) => {
                let timeout = timeout.clamp(1, 900);
                // The running engine keeps going; the params record the change so Reset replays it.
                if next.intervene(SqsIntervention::RaiseTimeout(timeout)) {
                    next.params.function.timeout_change = next.sim.params().function.timeout_change.clone();
                }
            }
            Action::EndSpikeNow => {
                // As with the Timeout: the engine goes on, the params record it for Reset and links.
                if next.sim.spike_in_progress() && next.intervene(SqsIntervention::EndSpike) {
                    next.params.arrivals.spike = next.sim.params().arrivals.spike.clone();
                }
            }
        }
        Rc::new(next)
    }
}

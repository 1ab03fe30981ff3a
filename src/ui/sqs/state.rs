//! The SQS + Lambda widget's state and its reducer: every change the reader makes is an [`Action`].

use crate::engine::simulation::SqsIntervention;
use crate::engine::sqs::twin as twin_policy;
use crate::engine::sqs::{validate, FunctionResponseType, ParamError, RedrivePolicy, RetryPolicy, ScalingConfig, Spike, SqsParams, SqsSim, RANGES, STEP_MS};
use crate::engine::twin::TwinPolicy;
use crate::engine::{Millis, Simulation};
use crate::scenario::{presets, System};
use crate::ui::run::{Playable, Run, RunAction};
use crate::ui::widgets::narration::Narration;
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
    Run(RunAction),
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

impl Playable for SqsSim {
    type Params = SqsParams;
    type Invalid = ParamError;
    const WIDGET: &'static str = "sqs";
    const DEFAULT_PRESET: &'static str = DEFAULT_PRESET;
    const DEFAULT_SPEED: f64 = DEFAULT_SPEED;
    const STEP_MS: Millis = STEP_MS;
    const REWIND_SPACING_MS: Millis = REWIND_SPACING_MS;

    fn start(params: SqsParams, seed: u64) -> Self {
        SqsSim::new(params, seed)
    }
    fn preset(name: &str) -> Option<(SqsParams, u64)> {
        let scenario = presets::sqs::PRESETS.iter().find(|p| p.name == name)?.scenario();
        let System::SqsLambda(params) = scenario.system else { return None };
        Some((params, scenario.seed))
    }
    fn validate(params: &SqsParams) -> Result<(), ParamError> {
        validate(params)
    }
    fn twin_policy(params: &SqsParams) -> TwinPolicy<SqsParams> {
        twin_policy::policy(params)
    }
}

#[derive(Clone, Default)]
pub struct SqsPlayground {
    pub run: Run<SqsSim>,
    /// What the screen-reader live region says, changed at a readable pace.
    pub narration: Narration<bool>,
    /// Bumped on every action, so components can tell states apart cheaply.
    revision: u64,
}

impl PartialEq for SqsPlayground {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

impl SqsPlayground {
    /// The transport bar's status.
    pub fn status(&self) -> String {
        self.run.status(self.run.sim.is_finished().then_some("finished"))
    }

    /// The state a link describes; whatever the link gets wrong is reported in the run's notice.
    pub fn from_link(pairs: &[(String, String)]) -> Self {
        Self { run: Run::from_link(pairs), ..Self::default() }
    }

    /// A preset by name (for tests and the preset menu).
    pub fn from_preset(name: &str) -> Option<Self> {
        let (params, seed) = SqsSim::preset(name)?;
        Some(Self { run: Run::with(name.to_string(), params, seed), ..Self::default() })
    }

    /// Acts on the running engine and on its twin (which differs only in its policy); says
    /// whether it was taken.
    fn intervene(&mut self, intervention: SqsIntervention) -> bool {
        let run = &mut self.run;
        if let Some(twin) = &mut run.twin {
            // The twin's history is capped like the run's: a refusal there shows in its figures only.
            let _ = twin.sim.intervene(intervention.clone());
        }
        match run.sim.intervene(intervention) {
            Ok(()) => {
                run.preset = "custom".into();
                run.notice = None;
                true
            }
            Err(error) => {
                run.notice = Some(format!("Not applied: {error}"));
                false
            }
        }
    }

    fn frame(&mut self, real_ms: f64) {
        crate::ui::crash::drill("sqs");
        let run = &mut self.run;
        if run.replay_frame() {
            return;
        }
        let steps = run.clock.steps_for_frame(real_ms);
        if run.sim.is_finished() {
            run.follow_twin(steps);
            return;
        }
        run.advance(steps);
        let sim = &run.sim;
        let counters = sim.counters();
        let refusing = counters.connections_refused > 0;
        let text = format!(
            "{} running; {} messages waiting, {} in flight, {} in the dead-letter queue; Postgres refused {} connections so far.",
            crate::format::count(sim.concurrency()),
            crate::format::count(sim.visible()),
            crate::format::count(sim.in_flight()),
            crate::format::count(counters.dlq),
            crate::format::count(counters.connections_refused),
        );
        self.narration.offer(refusing, false, text, real_ms);
    }
}

impl Reducible for SqsPlayground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if matches!(action, Action::Frame { .. }) && self.run.idle() {
            return self;
        }
        let mut next = Rc::unwrap_or_clone(self);
        next.revision += 1;
        let run = &mut next.run;
        match action {
            Action::Frame { real_ms } => next.frame(real_ms),
            Action::Run(action) => run.act(action),
            Action::SetRange(index, value) => {
                if let Some(range) = RANGES.get(index) {
                    let clamped = value.clamp(range.min, range.max);
                    run.change(|p| (range.set)(p, clamped));
                    if range.field == "function.Timeout" && run.notice.is_some() {
                        run.notice = run.notice.take().map(|n| {
                            format!("{n}. AWS checks this only when the mapping is created: use “Raise Timeout now” to do what people do later.")
                        });
                    }
                }
            }
            Action::SetSpike(spike) => run.change(|p| p.arrivals.spike = spike),
            Action::SetSpikeField(field, value) => run.change(|p| {
                if let Some(spike) = p.arrivals.spike.as_mut() {
                    match field {
                        SpikeField::Start => spike.start_seconds = value,
                        SpikeField::Duration => spike.duration_seconds = value,
                        SpikeField::Rate => spike.messages_per_minute = value,
                    }
                }
            }),
            Action::SetMaxReceiveCount(count) => {
                run.change(|p| p.queue.redrive_policy = count.map(|max_receive_count| RedrivePolicy { max_receive_count }))
            }
            Action::SetMaximumConcurrency(max) => {
                run.change(|p| p.event_source_mapping.scaling_config = ScalingConfig { maximum_concurrency: max })
            }
            Action::SetReservedConcurrency(reserved) => run.change(|p| p.function.reserved_concurrent_executions = reserved),
            Action::SetReportBatchItemFailures(on) => run.change(|p| {
                p.event_source_mapping.function_response_types =
                    if on { vec![FunctionResponseType::ReportBatchItemFailures] } else { Vec::new() }
            }),
            Action::SetLegacyScaling(on) => run.change(|p| p.event_source_mapping.legacy_scaling = on),
            Action::SetRdsProxy(on) => run.change(|p| p.database.rds_proxy = on),
            Action::SetRetryPolicy(policy) => run.change(|p| p.database.retry_policy = policy),
            Action::RaiseTimeoutNow(timeout) => {
                let timeout = timeout.clamp(1, 900);
                // The running engine keeps going; the params record the change so Reset replays it.
                if !next.run.sim.timeout_changed() && next.intervene(SqsIntervention::RaiseTimeout(timeout)) {
                    next.run.params.function.timeout_change = next.run.sim.params().function.timeout_change.clone();
                }
            }
            Action::EndSpikeNow => {
                // As with the Timeout: the engine goes on, the params record it for Reset and links.
                if next.run.sim.spike_in_progress() && next.intervene(SqsIntervention::EndSpike) {
                    next.run.params.arrivals.spike = next.run.sim.params().arrivals.spike.clone();
                }
            }
        }
        Rc::new(next)
    }
}

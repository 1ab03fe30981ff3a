//! The Kafka widget's one state and its reducer: every change the reader makes is an [`Action`].

use crate::clock::Clock;
use crate::engine::Millis;
use crate::permalink;
use crate::ui::frame;
use crate::ui::widgets::narration::Narration;
use crate::engine::kafka::{
    self, validate, Assignor, Client, Distribution, Group, KafkaParams, KafkaSim, OffsetReset, Outage, GROUP_RANGES, RANGES,
};
use crate::scenario::{presets, System};
use crate::engine::{Simulation, Timeline};
use crate::engine::kafka::twin as twin_policy;
use crate::ui::twin::{self, Twin};
use std::rc::Rc;
use yew::Reducible;

/// The preset the widget opens with: the article's 10× peak.
pub const DEFAULT_PRESET: &str = "article-peak";
/// Ten times real time: the peak (at 60 s) arrives six seconds after the page opens.
pub const DEFAULT_SPEED: f64 = 10.0;

/// Snapshot spacing the timeline starts with (1,000 steps of 10 ms); it doubles as the run grows.
const REWIND_SPACING_MS: Millis = 10_000;

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
    /// An entry of [`RANGES`] by index, with its new value.
    SetRange(usize, u64),
    /// Group `g`, entry of [`GROUP_RANGES`] by index, new value.
    SetGroupRange(usize, usize, u64),
    SetKeyed(bool),
    SetRetentionBytes(Option<u64>),
    SetClient(usize, Client),
    SetAssignor(usize, Assignor),
    SetAutoCommit(usize, bool),
    SetHeartbeatInEachBatch(usize, bool),
    SetPauseBug(usize, bool),
    SetOffsetReset(usize, OffsetReset),
    SetDownstream(usize, Option<u64>),
    SetDb(usize, Option<u64>),
    SetDistribution(usize, Distribution),
    SetOutage(usize, Option<Outage>),
    SetMaxEvents(Option<u64>),
    AddGroup,
    RemoveGroup(usize),
}

#[derive(Clone)]
pub struct KafkaPlayground {
    pub preset: String,
    pub params: KafkaParams,
    pub seed: u64,
    /// The engine with its history, so the timeline can rewind it exactly.
    pub sim: Timeline<KafkaSim>,
    pub clock: Clock,
    /// A second run with one policy flipped, on the same clock (off until the reader asks).
    pub twin: Option<Twin<KafkaSim, KafkaParams>>,
    /// The preset the parameters started from: a link names it and lists only the changes.
    base_preset: String,
    /// A moment the engine is being replayed to (a link's `t`), a frame's budget at a time.
    pub seek_to: Option<Millis>,
    /// What the screen-reader live region says, changed at a readable pace.
    pub narration: Narration<u64>,
    /// A message for the reader about input that was refused or adjusted.
    pub notice: Option<String>,
    /// Bumped on every action, so components can tell states apart cheaply.
    revision: u64,
}

impl PartialEq for KafkaPlayground {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

impl Default for KafkaPlayground {
    fn default() -> Self {
        let (params, seed) = kafka_preset(DEFAULT_PRESET).expect("the default preset is a Kafka preset");
        Self::with(DEFAULT_PRESET.to_string(), params, seed)
    }
}

/// A Kafka preset's parameters and seed.
pub fn kafka_preset(name: &str) -> Option<(KafkaParams, u64)> {
    let scenario = presets::kafka::PRESETS.iter().find(|p| p.name == name)?.scenario();
    let System::Kafka(params) = scenario.system else { return None };
    Some((params, scenario.seed))
}

impl KafkaPlayground {
    /// The transport bar's status: a log never finishes, so only a replay, play and pause.
    pub fn status(&self) -> String {
        twin::transport_status(self.seek_to, None, self.clock.playing, self.sim.now(), twin::run_end(&self.base_preset))
    }

    /// The state a link describes; whatever the link gets wrong is reported in `notice`.
    pub fn from_link(pairs: &[(String, String)]) -> Self {
        let opened = permalink::open(pairs, kafka_preset, DEFAULT_PRESET);
        let mut state = Self::with(opened.base_preset, opened.params, opened.seed);
        if kafka_preset(&state.base_preset).is_some_and(|(base, _)| base != state.params) {
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
        let (base, _) = kafka_preset(&self.base_preset).expect("the base is a known preset");
        permalink::link_to("kafka", &self.base_preset, &base, &self.params, self.seed, self.sim.now())
    }

    pub fn with(preset: String, params: KafkaParams, seed: u64) -> Self {
        Self {
            base_preset: preset.clone(),
            seek_to: None,
            narration: Narration::default(),
            preset,
            sim: Timeline::new(KafkaSim::new(params.clone(), seed), REWIND_SPACING_MS),
            params,
            seed,
            twin: None,
            clock: Clock::new(DEFAULT_SPEED, kafka::STEP_MS),
            notice: None,
            revision: 0,
        }
    }

    fn restart(&mut self) {
        self.sim = Timeline::new(KafkaSim::new(self.params.clone(), self.seed), REWIND_SPACING_MS);
        if self.twin.is_some() {
            self.twin = Some(self.make_twin());
        }
        self.clock.settle();
        self.seek_to = None;
    }

    /// Applies a parameter change if the result is valid; otherwise explains why not.
    fn change(&mut self, edit: impl FnOnce(&mut KafkaParams)) {
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

    fn change_group(&mut self, g: usize, edit: impl FnOnce(&mut Group)) {
        self.change(|p| {
            if let Some(group) = p.groups.get_mut(g) {
                edit(group);
            }
        });
    }

    fn make_twin(&self) -> Twin<KafkaSim, KafkaParams> {
        let policy = twin_policy::policy(&self.params);
        let sim = KafkaSim::new(policy.params_b.clone(), self.seed);
        Twin::new(policy, sim, REWIND_SPACING_MS, kafka::STEP_MS, twin::run_end(&self.base_preset))
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
}

/// Each group's lag and whether it is paused, in a sentence; keyed by the rebalances so far, so a
/// rebalance counts as a new situation (still announced no faster than every 2 s).
fn situation(sim: &KafkaSim) -> (u64, String) {
    let logs = sim.logs();
    let now = sim.now();
    let parts: Vec<String> = sim
        .params()
        .groups
        .iter()
        .zip(sim.groups())
        .map(|(params, group)| {
            let paused = (0..logs.len()).any(|p| group.is_paused(p, now));
            format!(
                "{} lag {}{}{}",
                params.group_id,
                crate::format::count(group.lag(logs)),
                if paused { ", paused" } else { "" },
                match group.counters.rebalances {
                    0 => String::new(),
                    n => format!(", {n} rebalances, {} processed twice", crate::format::count(group.counters.duplicates)),
                }
            )
        })
        .collect();
    let rebalances = sim.groups().iter().map(|g| g.counters.rebalances).sum();
    (rebalances, format!("{}.", parts.join("; ")))
}

/// Names for groups added by the reader, in order.
const EXTRA_GROUPS: &[&str] = &["billing", "search"];

impl Reducible for KafkaPlayground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // Nothing for a frame to do: no re-render, so a half-typed number survives.
        let twin_busy = self.twin.as_ref().is_some_and(|t| t.busy(false, self.sim.now()));
        if matches!(action, Action::Frame { .. }) && !self.clock.playing && self.seek_to.is_none() && !twin_busy {
            return self;
        }
        let mut next = Rc::unwrap_or_clone(self);
        next.revision += 1;
        match action {
            Action::Frame { real_ms } => {
                crate::ui::crash::drill("kafka");
                match next.seek_to {
                    Some(target) => {
                        if frame::seek(&mut next.sim, target) {
                            next.seek_to = None;
                        }
                        next.follow_twin(0);
                    }
                    None => {
                        let steps = next.clock.steps_for_frame(real_ms);
                        next.advance(steps);
                        let (rebalances, text) = situation(&next.sim);
                        next.narration.offer(rebalances, false, text, real_ms);
                    }
                }
            }
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
            Action::LoadPreset(name) => match kafka_preset(&name) {
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
                }
            }
            Action::SetGroupRange(g, index, value) => {
                if let Some(range) = GROUP_RANGES.get(index) {
                    let clamped = value.clamp(range.min, range.max);
                    next.change_group(g, |group| (range.set)(group, clamped));
                }
            }
            Action::SetKeyed(on) => next.change(|p| p.producer.keyed = on),
            Action::SetRetentionBytes(bytes) => next.change(|p| p.topic.retention_bytes = bytes),
            Action::SetClient(g, client) => next.change_group(g, |group| group.client = client),
            Action::SetAssignor(g, assignor) => next.change_group(g, |group| group.assignor = assignor),
            Action::SetAutoCommit(g, on) => next.change_group(g, |group| group.enable_auto_commit = on),
            Action::SetHeartbeatInEachBatch(g, on) => next.change_group(g, |group| group.heartbeat_in_each_batch = on),
            Action::SetPauseBug(g, on) => next.change_group(g, |group| group.kafkajs2_pause_bug = on),
            Action::SetOffsetReset(g, reset) => next.change_group(g, |group| group.auto_offset_reset = reset),
            Action::SetDownstream(g, rate) => next.change_group(g, |group| group.downstream.records_per_second = rate),
            Action::SetDb(g, rate) => next.change_group(g, |group| group.processing.db_records_per_second = rate),
            Action::SetDistribution(g, distribution) => next.change_group(g, |group| group.processing.distribution = distribution),
            Action::SetOutage(g, outage) => next.change_group(g, |group| group.outage = outage),
            Action::SetMaxEvents(max) => next.change(|p| p.producer.max_events = max),
            Action::AddGroup => next.change(|p| {
                if let Some(name) = EXTRA_GROUPS.iter().find(|n| p.groups.iter().all(|g| g.group_id != **n)) {
                    p.groups.push(Group::named(name));
                }
            }),
            Action::RemoveGroup(g) => next.change(|p| {
                if g < p.groups.len() {
                    p.groups.remove(g);
                }
            }),
        }
        Rc::new(next)
    }
}

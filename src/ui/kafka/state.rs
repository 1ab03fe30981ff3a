//! The Kafka widget's one state and its reducer: every change the reader makes is an [`Action`].

use crate::engine::kafka::twin as twin_policy;
use crate::engine::kafka::{
    self, validate, Assignor, Client, Distribution, Group, KafkaParams, KafkaSim, OffsetReset, Outage, ParamError, GROUP_RANGES, RANGES,
};
use crate::engine::twin::TwinPolicy;
use crate::engine::Millis;
use crate::scenario::{presets, System};
use crate::ui::run::{Playable, Run, RunAction};
use crate::ui::widgets::narration::Narration;
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
    Run(RunAction),
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

impl Playable for KafkaSim {
    type Params = KafkaParams;
    type Invalid = ParamError;
    const WIDGET: &'static str = "kafka";
    const DEFAULT_PRESET: &'static str = DEFAULT_PRESET;
    const DEFAULT_SPEED: f64 = DEFAULT_SPEED;
    const STEP_MS: Millis = kafka::STEP_MS;
    const REWIND_SPACING_MS: Millis = REWIND_SPACING_MS;

    fn start(params: KafkaParams, seed: u64) -> Self {
        KafkaSim::new(params, seed)
    }
    fn preset(name: &str) -> Option<(KafkaParams, u64)> {
        let scenario = presets::kafka::PRESETS.iter().find(|p| p.name == name)?.scenario();
        let System::Kafka(params) = scenario.system else { return None };
        Some((params, scenario.seed))
    }
    fn validate(params: &KafkaParams) -> Result<(), ParamError> {
        validate(params)
    }
    fn twin_policy(params: &KafkaParams) -> TwinPolicy<KafkaParams> {
        twin_policy::policy(params)
    }
}

#[derive(Clone, Default)]
pub struct KafkaPlayground {
    pub run: Run<KafkaSim>,
    /// What the screen-reader live region says, changed at a readable pace.
    pub narration: Narration<u64>,
    /// Bumped on every action, so components can tell states apart cheaply.
    revision: u64,
}

impl PartialEq for KafkaPlayground {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

impl KafkaPlayground {
    /// The transport bar's status: a log never finishes, so only a replay, play and pause.
    pub fn status(&self) -> String {
        self.run.status(None)
    }

    /// The state a link describes; whatever the link gets wrong is reported in the run's notice.
    pub fn from_link(pairs: &[(String, String)]) -> Self {
        Self { run: Run::from_link(pairs), ..Self::default() }
    }

    fn change_group(&mut self, g: usize, edit: impl FnOnce(&mut Group)) {
        self.run.change(|p| {
            if let Some(group) = p.groups.get_mut(g) {
                edit(group);
            }
        });
    }

    fn frame(&mut self, real_ms: f64) {
        crate::ui::crash::drill("kafka");
        if self.run.replay_frame() {
            return;
        }
        let steps = self.run.clock.steps_for_frame(real_ms);
        self.run.advance(steps);
        let (rebalances, text) = situation(&self.run.sim);
        self.narration.offer(rebalances, false, text, real_ms);
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
        if matches!(action, Action::Frame { .. }) && self.run.idle() {
            return self;
        }
        let mut next = Rc::unwrap_or_clone(self);
        next.revision += 1;
        match action {
            Action::Frame { real_ms } => next.frame(real_ms),
            Action::Run(action) => next.run.act(action),
            Action::SetRange(index, value) => {
                if let Some(range) = RANGES.get(index) {
                    let clamped = value.clamp(range.min, range.max);
                    next.run.change(|p| (range.set)(p, clamped));
                }
            }
            Action::SetGroupRange(g, index, value) => {
                if let Some(range) = GROUP_RANGES.get(index) {
                    let clamped = value.clamp(range.min, range.max);
                    next.change_group(g, |group| (range.set)(group, clamped));
                }
            }
            Action::SetKeyed(on) => next.run.change(|p| p.producer.keyed = on),
            Action::SetRetentionBytes(bytes) => next.run.change(|p| p.topic.retention_bytes = bytes),
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
            Action::SetMaxEvents(max) => next.run.change(|p| p.producer.max_events = max),
            Action::AddGroup => next.run.change(|p| {
                if let Some(name) = EXTRA_GROUPS.iter().find(|n| p.groups.iter().all(|g| g.group_id != **n)) {
                    p.groups.push(Group::named(name));
                }
            }),
            Action::RemoveGroup(g) => next.run.change(|p| {
                if g < p.groups.len() {
                    p.groups.remove(g);
                }
            }),
        }
        Rc::new(next)
    }
}

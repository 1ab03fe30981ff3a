//! What the three widgets' states share: one run (preset, parameters, seed, the engine with its
//! timeline, the clock, the twin, a replay in progress, a notice) and the transport actions on it.
//! Each widget adds its own parameter actions, its narration and its drawings.

use crate::clock::Clock;
use crate::engine::twin::TwinPolicy;
use crate::engine::{Intervene, Millis, Simulation, Timeline};
use crate::permalink::{self, LinkParams};
use crate::scenario::{presets, MAX_SIM_MS};
use crate::ui::frame;
use crate::ui::twin::Twin;
use std::fmt::Display;

/// What a widget's run needs to know about its engine.
pub trait Playable: Intervene {
    type Params: LinkParams + PartialEq;
    type Invalid: Display;
    /// The widget's name in links (`w=`) and in the crash drill.
    const WIDGET: &'static str;
    const DEFAULT_PRESET: &'static str;
    const DEFAULT_SPEED: f64;
    const STEP_MS: Millis;
    /// Snapshot spacing the timeline starts with; it doubles as the run grows.
    const REWIND_SPACING_MS: Millis;

    fn start(params: Self::Params, seed: u64) -> Self;
    /// A preset's parameters and seed, if `name` is one of this system's presets.
    fn preset(name: &str) -> Option<(Self::Params, u64)>;
    fn validate(params: &Self::Params) -> Result<(), Self::Invalid>;
    /// The twin's flipped policy for these parameters.
    fn twin_policy(params: &Self::Params) -> TwinPolicy<Self::Params>;
}

/// The transport bar, the timeline and the preset menu: the same actions on every widget.
#[derive(Clone, Debug, PartialEq)]
pub enum RunAction {
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
    /// The reader has read the notice.
    DismissNotice,
}

#[derive(Clone)]
pub struct Run<S: Playable> {
    /// The preset shown in the menu: "custom" once a parameter departs from it.
    pub preset: String,
    /// The preset the parameters started from: a link names it and lists only the changes.
    base_preset: String,
    pub params: S::Params,
    pub seed: u64,
    /// The engine with its history, so the timeline can rewind it exactly.
    pub sim: Timeline<S>,
    pub clock: Clock,
    /// A second run with one policy flipped, on the same clock (off until the reader asks).
    pub twin: Option<Twin<S, S::Params>>,
    /// A moment the engine is being replayed to (a link's `t`, a drag, "To the end"), a frame's
    /// budget at a time.
    pub seek_to: Option<Millis>,
    /// A message for the reader about input that was refused or adjusted.
    pub notice: Option<String>,
}

impl<S: Playable> Default for Run<S> {
    fn default() -> Self {
        let (params, seed) = S::preset(S::DEFAULT_PRESET).expect("the default preset is one of the widget's own");
        Self::with(S::DEFAULT_PRESET.to_string(), params, seed)
    }
}

/// Where a preset's run ends: its `duration_ms`, else the simulated day every run stops at.
fn run_end(preset: &str) -> Millis {
    presets::preset(preset).and_then(|p| p.scenario().duration_ms).unwrap_or(MAX_SIM_MS)
}

impl<S: Playable> Run<S> {
    pub fn with(preset: String, params: S::Params, seed: u64) -> Self {
        Self {
            base_preset: preset.clone(),
            preset,
            sim: Timeline::new(S::start(params.clone(), seed), S::REWIND_SPACING_MS),
            params,
            seed,
            clock: Clock::new(S::DEFAULT_SPEED, S::STEP_MS),
            twin: None,
            seek_to: None,
            notice: None,
        }
    }

    /// The run a link describes: its preset, the changes over it, the seed and the moment.
    /// Whatever the link gets wrong is reported in `notice`, never a failure.
    pub fn from_link(pairs: &[(String, String)]) -> Self {
        let opened = permalink::open(pairs, S::preset, S::DEFAULT_PRESET);
        let mut run = Self::with(opened.base_preset, opened.params, opened.seed);
        if S::preset(&run.base_preset).is_some_and(|(base, _)| base != run.params) {
            run.preset = "custom".into();
        }
        if let Some(at_ms) = opened.at_ms {
            // Replayed over the next frames, so a link to hour five never freezes the page.
            run.seek_to = Some(at_ms);
            run.clock.playing = false;
        }
        run.notice = opened.notice;
        run
    }

    /// The query pairs of a link to exactly this moment.
    pub fn link(&self) -> Vec<(String, String)> {
        let (base, _) = S::preset(&self.base_preset).expect("the base is a known preset");
        permalink::link_to(S::WIDGET, &self.base_preset, &base, &self.params, self.seed, self.sim.now())
    }

    /// The transport bar's word on where the run is: a replay first, then how the run ended
    /// (`ended`, e.g. "process died"), then play or pause. Paused at or past the preset's end,
    /// it says so: Play would run on beyond it.
    pub fn status(&self, ended: Option<&'static str>) -> String {
        let end = run_end(&self.base_preset);
        match (self.seek_to, ended) {
            (Some(target), _) => format!("replaying to {}…", crate::format::sim_time(target)),
            (None, Some(how)) => how.to_string(),
            (None, None) if self.clock.playing => "running".to_string(),
            (None, None) if self.sim.now() == end => format!("paused at the preset's end ({}); Play runs on", crate::format::sim_time(end)),
            (None, None) if self.sim.now() > end => format!("paused past the preset's end ({}); Play runs on", crate::format::sim_time(end)),
            (None, None) => "paused".to_string(),
        }
    }

    /// Applies a parameter change if the engine accepts it and starts over; otherwise says why
    /// not in `notice`.
    pub fn change(&mut self, edit: impl FnOnce(&mut S::Params)) {
        let mut next = self.params.clone();
        edit(&mut next);
        match S::validate(&next) {
            Ok(()) => {
                self.params = next;
                self.preset = "custom".into();
                self.notice = None;
                self.restart();
            }
            Err(error) => self.notice = Some(format!("Not applied: {error}")),
        }
    }

    /// Steps the run (within the frame's budget) and keeps the twin with it.
    pub fn advance(&mut self, steps: u64) {
        frame::run_steps(&mut self.sim, steps);
        self.follow_twin(steps);
    }

    pub fn follow_twin(&mut self, steps: u64) {
        if let Some(twin) = &mut self.twin {
            twin.follow(&self.sim, steps);
        }
    }

    /// A frame of a replay in progress, if there is one: returns whether the frame went to it.
    pub fn replay_frame(&mut self) -> bool {
        let Some(target) = self.seek_to else { return false };
        if frame::seek(&mut self.sim, target) {
            self.seek_to = None;
        }
        self.follow_twin(0);
        true
    }

    /// Nothing for a frame to do: no re-render, so a half-typed number survives.
    pub fn idle(&self) -> bool {
        let twin_busy = self.twin.as_ref().is_some_and(|t| t.busy(self.clock.playing, self.sim.now()));
        self.seek_to.is_none() && !twin_busy && (!self.clock.playing || self.sim.is_finished())
    }

    pub fn act(&mut self, action: RunAction) {
        match action {
            RunAction::TogglePlay => {
                // Pressed during a replay or a run to the end, it stops that too: the reader
                // takes the run over from wherever it has got to.
                if self.seek_to.take().is_some() {
                    self.clock.settle();
                    if let Some(twin) = &mut self.twin {
                        twin.stop_seeking();
                    }
                }
                self.clock.playing = !self.clock.playing;
            }
            RunAction::Step => {
                self.clock.playing = false;
                self.advance(1);
            }
            RunAction::Rewind(at_ms) => {
                // Put the run (and its twin) back at the nearest snapshot before `at_ms`; the
                // frames step it on from there.
                self.pause();
                if let Some(twin) = &mut self.twin {
                    twin.rewind(at_ms);
                }
                self.seek_to = Some(self.sim.restore_before(at_ms));
            }
            RunAction::RunToEnd => {
                // The twin goes to the end too: it may outlive the main run (a piped export
                // beside one that died).
                self.pause();
                let end = run_end(&self.base_preset);
                if let Some(twin) = &mut self.twin {
                    twin.seek(end);
                }
                self.seek_to = Some(end);
            }
            RunAction::SetTwin(on) => self.twin = on.then(|| self.make_twin()),
            RunAction::SetSpeed(speed) => self.clock.speed = speed,
            RunAction::Reset => self.restart(),
            RunAction::LoadPreset(name) => match S::preset(&name) {
                Some((params, seed)) => {
                    self.base_preset = name.clone();
                    self.preset = name;
                    self.params = params;
                    self.seed = seed;
                    self.notice = None;
                    self.restart();
                }
                None => self.notice = Some(format!("No preset named “{name}”.")),
            },
            RunAction::SetSeed(seed) => {
                self.seed = seed;
                self.restart();
            }
            RunAction::DismissNotice => self.notice = None,
        }
    }

    fn pause(&mut self) {
        self.clock.playing = false;
        self.clock.settle();
    }

    fn restart(&mut self) {
        self.sim = Timeline::new(S::start(self.params.clone(), self.seed), S::REWIND_SPACING_MS);
        if self.twin.is_some() {
            self.twin = Some(self.make_twin());
        }
        self.clock.settle();
        self.seek_to = None;
    }

    fn make_twin(&self) -> Twin<S, S::Params> {
        let policy = S::twin_policy(&self.params);
        let sim = S::start(policy.params_b.clone(), self.seed);
        Twin::new(policy, sim, S::REWIND_SPACING_MS, S::STEP_MS, run_end(&self.base_preset))
    }
}

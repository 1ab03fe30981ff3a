//! A widget's twin run: a second engine on the widget's clock, with the same seed and arrivals and
//! one policy flipped (see `engine::twin`). It follows the main run step for step, goes on alone
//! once the main run has ended, and rewinds with it.

use crate::clock::Clock;
use crate::engine::twin::TwinPolicy;
use crate::engine::{Intervene, Millis, Simulation, Timeline};
use crate::scenario::{presets, MAX_SIM_MS};
use crate::ui::frame;

#[derive(Clone)]
pub struct Twin<S: Intervene, P> {
    pub policy: TwinPolicy<P>,
    pub sim: Timeline<S>,
    /// An instant the twin is being put at after a drag of the timeline.
    seek_to: Option<Millis>,
    step_ms: Millis,
    /// When the pair counts as over for the verdict: the preset's duration.
    pub ends_at: Millis,
}

impl<S: Intervene, P> Twin<S, P> {
    pub fn new(policy: TwinPolicy<P>, sim: S, spacing_ms: Millis, step_ms: Millis, ends_at: Millis) -> Self {
        Self { policy, sim: Timeline::new(sim, spacing_ms), seek_to: None, step_ms, ends_at }
    }

    /// Keeps pace with `main` within the frame's budget: the same instant while the main run
    /// goes on, `steps` more of its own once the main run has ended.
    pub fn follow(&mut self, main: &impl Simulation, steps: u64) {
        let target = match self.seek_to {
            Some(target) => target,
            None if main.is_finished() && main.now() <= self.sim.now() => self.sim.now() + steps * self.step_ms,
            None => main.now(),
        };
        if frame::seek(&mut self.sim, target) {
            self.seek_to = None;
        }
    }

    pub fn rewind(&mut self, at_ms: Millis) {
        self.seek_to = Some(self.sim.restore_before(at_ms));
    }

    /// Whether frames still have work for the twin: a drag to finish, the main run to catch up
    /// with (a twin started on a paused run), or, playing, a run to go on with.
    pub fn busy(&self, playing: bool, main_now: Millis) -> bool {
        let behind = self.sim.now() < main_now && !self.sim.is_finished();
        self.seek_to.is_some() || behind || (playing && !self.sim.is_finished())
    }
}

/// A drag of the timeline, the same for every widget: pause, put the run (and its twin) back at
/// the nearest snapshot before `at_ms`, and return the instant the frames must step the run to.
pub fn rewind<S: Intervene, P>(clock: &mut Clock, sim: &mut Timeline<S>, twin: Option<&mut Twin<S, P>>, at_ms: Millis) -> Millis {
    clock.playing = false;
    clock.settle();
    if let Some(twin) = twin {
        twin.rewind(at_ms);
    }
    sim.restore_before(at_ms)
}

/// "Run to the end", the same for every widget: pause, send the twin to the end too (it may
/// outlive the main run: a piped export beside one that died), and return the instant the frames
/// must step the run to (a frame's budget at a time, so the page stays responsive).
pub fn run_to_end<S: Intervene, P>(clock: &mut Clock, twin: Option<&mut Twin<S, P>>, preset: &str) -> Millis {
    clock.playing = false;
    clock.settle();
    let end = run_end(preset);
    if let Some(twin) = twin {
        twin.seek_to = Some(end);
    }
    end
}

/// Play or pause, the same for every widget. Pressed during a replay or a run to the end, it
/// stops that too: the reader takes the run over from wherever it has got to.
pub fn toggle_play<S: Intervene, P>(clock: &mut Clock, seek_to: &mut Option<Millis>, twin: Option<&mut Twin<S, P>>) {
    if seek_to.take().is_some() {
        clock.settle();
        if let Some(twin) = twin {
            twin.seek_to = None;
        }
    }
    clock.playing = !clock.playing;
}

/// Where a preset's run ends: its `duration_ms`, else the simulated day every run stops at.
pub fn run_end(preset: &str) -> Millis {
    presets::preset(preset).and_then(|p| p.scenario().duration_ms).unwrap_or(MAX_SIM_MS)
}

/// The transport bar's word on where a run is, by the same rules on every widget: a replay or a
/// run to the end first, then how the run ended (`ended`, e.g. "process died"), then play or
/// pause. Paused at or past the preset's end, it says so: Play would run on beyond it.
pub fn transport_status(seek_to: Option<Millis>, ended: Option<&'static str>, playing: bool, now: Millis, run_end: Millis) -> String {
    match (seek_to, ended) {
        (Some(target), _) => format!("replaying to {}…", crate::format::sim_time(target)),
        (None, Some(how)) => how.to_string(),
        (None, None) if playing => "running".to_string(),
        (None, None) if now >= run_end => format!("paused at the preset's end ({}); Play runs on", crate::format::sim_time(run_end)),
        (None, None) => "paused".to_string(),
    }
}

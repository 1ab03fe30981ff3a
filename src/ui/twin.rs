//! A widget's twin run: a second engine on the widget's clock, with the same seed and arrivals and
//! one policy flipped (see `engine::twin`). It follows the main run step for step, goes on alone
//! once the main run has ended, and rewinds with it.

use crate::engine::twin::TwinPolicy;
use crate::engine::{Intervene, Millis, Simulation, Timeline};
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

    /// Steps on to `at_ms` over the next frames (a run to the end).
    pub fn seek(&mut self, at_ms: Millis) {
        self.seek_to = Some(at_ms);
    }

    /// Stays wherever it has got to (the reader pressed Play or Pause during a seek).
    pub fn stop_seeking(&mut self) {
        self.seek_to = None;
    }

    /// Whether frames still have work for the twin: a drag to finish, the main run to catch up
    /// with (a twin started on a paused run), or, playing, a run to go on with.
    pub fn busy(&self, playing: bool, main_now: Millis) -> bool {
        let behind = self.sim.now() < main_now && !self.sim.is_finished();
        self.seek_to.is_some() || behind || (playing && !self.sim.is_finished())
    }
}

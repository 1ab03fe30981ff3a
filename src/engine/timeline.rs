//! Exact rewind: periodic snapshots plus deterministic re-simulation, never a recording of every
//! frame. To show instant T the timeline restores the last snapshot at or before T and steps it
//! on to T, replaying the reader's interventions (a button pressed mid-run) at the instants they
//! were made, so the state is the one a straight run to T reaches.

use super::simulation::Simulation;
use super::Millis;
use std::rc::Rc;

/// Snapshots kept at most. When full, every other one goes and the spacing doubles: memory stays
/// this many copies of the engine for a run of any length, and re-simulation costs at most one
/// spacing's worth of steps.
pub const MAX_SNAPSHOTS: usize = 32;
/// Interventions kept at most: each is a reader's click, so this is never reached by hand.
pub const MAX_INTERVENTIONS: usize = 1024;

/// Something done to a running engine from outside its parameters, at an instant.
pub trait Intervene: Simulation {
    type Intervention: Clone + std::fmt::Debug + PartialEq;
    fn intervene(&mut self, intervention: &Self::Intervention);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InterventionError {
    #[error("this run already holds {MAX_INTERVENTIONS} interventions; reset to make more")]
    TooMany,
}

/// An engine with its history. Interventions count as made at the end of their instant: the
/// state at T includes what was done at T. Snapshots never change once taken, so they are
/// shared: cloning a timeline (the page does it every frame) copies one engine, not 33.
#[derive(Clone, Debug)]
pub struct Timeline<S: Intervene> {
    sim: S,
    snapshots: Vec<Rc<S>>,
    spacing_ms: Millis,
    interventions: Vec<(Millis, S::Intervention)>,
    /// The furthest instant this history has reached: the timeline's right end.
    horizon_ms: Millis,
}

impl<S: Intervene> Timeline<S> {
    /// A timeline starting at `sim`'s present, with a snapshot every `spacing_ms` at first.
    pub fn new(sim: S, spacing_ms: Millis) -> Self {
        let spacing_ms = spacing_ms.max(1);
        Self { horizon_ms: sim.now(), snapshots: vec![Rc::new(sim.clone())], sim, spacing_ms, interventions: Vec::new() }
    }

    pub fn sim(&self) -> &S {
        &self.sim
    }

    pub fn horizon_ms(&self) -> Millis {
        self.horizon_ms
    }

    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }

    pub fn interventions(&self) -> &[(Millis, S::Intervention)] {
        &self.interventions
    }

    /// Acts on the engine now and remembers it, so re-simulation replays it. Done after a
    /// rewind, it starts a new history: what was recorded past now is forgotten.
    pub fn intervene(&mut self, intervention: S::Intervention) -> Result<(), InterventionError> {
        if self.interventions.len() >= MAX_INTERVENTIONS {
            return Err(InterventionError::TooMany);
        }
        let now = self.sim.now();
        self.snapshots.retain(|s| s.now() <= now);
        self.interventions.retain(|(at, _)| *at <= now);
        self.horizon_ms = now;
        self.sim.intervene(&intervention);
        self.interventions.push((now, intervention));
        if let Some(last) = self.snapshots.last_mut().filter(|s| s.now() == now) {
            *last = Rc::new(self.sim.clone());
        }
        Ok(())
    }

    /// Restores the last snapshot at or before `target_ms` (clamped to the horizon) when that
    /// is nearer than stepping on from here; then [`Simulation::step`] until `now() == target`.
    /// Returns the target to step to.
    pub fn restore_before(&mut self, target_ms: Millis) -> Millis {
        let target_ms = target_ms.min(self.horizon_ms);
        let index = self.snapshots.partition_point(|s| s.now() <= target_ms).saturating_sub(1);
        let snapshot = &self.snapshots[index];
        if target_ms < self.sim.now() || snapshot.now() > self.sim.now() {
            self.sim = S::clone(snapshot);
        }
        target_ms
    }

    /// Puts the engine at instant `target_ms` of this history in one go.
    pub fn rewind_to(&mut self, target_ms: Millis) -> Millis {
        let target_ms = self.restore_before(target_ms);
        while self.sim.now() < target_ms && !self.sim.is_finished() {
            self.step();
        }
        self.sim.now()
    }

    /// Keeps the snapshots on multiples of twice the spacing (and the first).
    fn thin(&mut self) {
        self.spacing_ms *= 2;
        let spacing = self.spacing_ms;
        let first = self.snapshots[0].now();
        self.snapshots.retain(|s| s.now() == first || s.now() % spacing == 0);
    }
}

impl<S: Intervene> Simulation for Timeline<S> {
    /// One step of the engine, replaying what was done at the instant it reaches (in a replay),
    /// and keeping a snapshot when one is due.
    fn step(&mut self) {
        self.sim.step();
        let now = self.sim.now();
        // Interventions are kept in time order (a new one forgets every later one), so the ones
        // made at this instant are found by bisection, not by a scan on every step.
        let first = self.interventions.partition_point(|(at, _)| *at < now);
        let end = self.interventions.partition_point(|(at, _)| *at <= now);
        for (_, intervention) in &self.interventions[first..end] {
            self.sim.intervene(intervention);
        }
        self.horizon_ms = self.horizon_ms.max(now);
        let last = self.snapshots.last().map_or(0, |s| s.now());
        if now >= last + self.spacing_ms && now % self.spacing_ms == 0 {
            self.snapshots.push(Rc::new(self.sim.clone()));
            if self.snapshots.len() > MAX_SNAPSHOTS {
                self.thin();
            }
        }
    }

    fn now(&self) -> Millis {
        self.sim.now()
    }

    fn is_finished(&self) -> bool {
        self.sim.is_finished()
    }

    /// The engine's state alone: two timelines at the same instant of the same history match.
    fn state_hash(&self) -> u64 {
        self.sim.state_hash()
    }
}

/// Reading the engine through its timeline; changing it goes through [`Simulation::step`] and
/// [`Timeline::intervene`] only, so the history always knows what happened.
impl<S: Intervene> std::ops::Deref for Timeline<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.sim
    }
}

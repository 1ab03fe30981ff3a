//! Turns real frame time into whole engine steps: the fixed-timestep accumulator every widget
//! shares. Pure, so it is tested natively.

use crate::engine::Millis;

/// A frame gap longer than this (a background tab, a debugger) counts as this long, so the
/// engine never tries to catch up minutes of real time in one frame.
pub const MAX_FRAME_MS: f64 = 250.0;
/// Upper bound on engine steps per frame, whatever the speed.
pub const MAX_STEPS_PER_FRAME: u64 = 20_000;
/// Speeds offered, as multiples of real time.
/// Playback speeds, each with how the page writes it (its option's value too), so the page
/// formats and parses no float for them.
pub const SPEEDS: &[(f64, &str)] = &[
    (0.25, "0.25"),
    (0.5, "0.5"),
    (1.0, "1"),
    (2.0, "2"),
    (5.0, "5"),
    (10.0, "10"),
    (25.0, "25"),
    (100.0, "100"),
    (1000.0, "1000"),
];

#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    pub playing: bool,
    /// Multiple of real time.
    pub speed: f64,
    /// The engine's fixed step, in simulated milliseconds.
    step_ms: Millis,
    /// Simulated milliseconds owed to the engine but smaller than one step.
    carry_ms: f64,
}

impl Clock {
    pub fn new(speed: f64, step_ms: Millis) -> Self {
        assert!(step_ms > 0, "an engine step takes time");
        Self { playing: true, speed, step_ms, carry_ms: 0.0 }
    }

    /// How many engine steps a frame `real_ms` after the previous one should run.
    pub fn steps_for_frame(&mut self, real_ms: f64) -> u64 {
        if !self.playing || !real_ms.is_finite() {
            return 0;
        }
        self.carry_ms += real_ms.clamp(0.0, MAX_FRAME_MS) * self.speed;
        let step = self.step_ms as f64;
        let steps = ((self.carry_ms / step).floor() as u64).min(MAX_STEPS_PER_FRAME);
        // Whatever the cap cut off is dropped, not owed: no catch-up spiral after a stall.
        self.carry_ms = (self.carry_ms - steps as f64 * step).clamp(0.0, step);
        steps
    }

    /// Forget any fraction owed (after a reset or a jump).
    pub fn settle(&mut self) {
        self.carry_ms = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_speed_is_written_as_its_value() {
        for &(speed, label) in SPEEDS {
            assert_eq!(label.parse::<f64>(), Ok(speed));
            assert_eq!(label, speed.to_string());
        }
    }

    const STEP_MS: Millis = 1;

    #[test]
    fn real_time_at_1x_becomes_the_same_simulated_time() {
        let mut clock = Clock::new(1.0, STEP_MS);
        let steps: u64 = (0..60).map(|_| clock.steps_for_frame(1000.0 / 60.0)).sum();
        assert!((999..=1000).contains(&(steps * STEP_MS)), "{steps}");
    }

    #[test]
    fn frame_rate_does_not_change_the_total() {
        let total = |fps: f64| {
            let mut clock = Clock::new(10.0, STEP_MS);
            let frames = (fps * 2.0) as usize;
            (0..frames).map(|_| clock.steps_for_frame(1000.0 / fps)).sum::<u64>()
        };
        let (at_30, at_144) = (total(30.0), total(144.0));
        assert!(at_30.abs_diff(at_144) <= 1, "{at_30} vs {at_144}");
        assert!(at_30.abs_diff(20_000) <= 1);
    }

    #[test]
    fn a_stall_is_capped_and_not_caught_up_later() {
        let mut clock = Clock::new(1.0, STEP_MS);
        assert_eq!(clock.steps_for_frame(600_000.0), (MAX_FRAME_MS as u64) / STEP_MS);
        assert_eq!(clock.steps_for_frame(16.0), 16 / STEP_MS);
    }

    #[test]
    fn huge_speeds_are_capped_per_frame() {
        let mut clock = Clock::new(1000.0, STEP_MS);
        assert_eq!(clock.steps_for_frame(100.0), MAX_STEPS_PER_FRAME);
        assert!(clock.steps_for_frame(16.0) <= MAX_STEPS_PER_FRAME);
    }

    #[test]
    fn coarser_steps_run_fewer_of_them() {
        let mut clock = Clock::new(1.0, 10);
        let steps: u64 = (0..100).map(|_| clock.steps_for_frame(10.0)).sum();
        assert_eq!(steps, 100);
    }

    #[test]
    fn paused_clocks_and_bad_input_run_nothing() {
        let mut clock = Clock::new(1.0, STEP_MS);
        assert_eq!(clock.steps_for_frame(f64::NAN), 0);
        assert_eq!(clock.steps_for_frame(-50.0), 0);
        clock.playing = false;
        assert_eq!(clock.steps_for_frame(100.0), 0);
    }
}

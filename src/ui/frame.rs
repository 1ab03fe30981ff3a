//! How much engine work one animation frame may do. The clock decides how many steps the speed
//! asks for; a real-time budget decides how many of them fit, so a heavy configuration runs
//! slower than asked instead of freezing the page. Jumps (opening a link to a moment) are spread
//! over frames the same way.

use crate::engine::{Millis, Simulation};

/// Real milliseconds of engine work per frame: half a 60 Hz frame, leaving room to draw.
const BUDGET_MS: f64 = 8.0;
/// Steps between looks at the clock.
const CHUNK: u64 = 64;

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Runs up to `steps` steps within the frame's budget; returns how many ran.
pub fn run_steps(sim: &mut impl Simulation, steps: u64) -> u64 {
    run_while(sim, |sim, done| done < steps && !sim.is_finished())
}

/// Steps towards `target` within the frame's budget; returns whether it got there.
pub fn seek(sim: &mut impl Simulation, target: Millis) -> bool {
    run_while(sim, |sim, _| sim.now() < target && !sim.is_finished());
    sim.now() >= target || sim.is_finished()
}

fn run_while<S: Simulation>(sim: &mut S, mut go_on: impl FnMut(&S, u64) -> bool) -> u64 {
    let start = now();
    let mut done = 0;
    while go_on(sim, done) {
        sim.step();
        done += 1;
        if done % CHUNK == 0 && now() - start > BUDGET_MS {
            break;
        }
    }
    done
}

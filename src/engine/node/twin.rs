//! The Node twin: the same export written with the naive loop and with `.pipe()`.

use super::{Mode, NodeParams, NodeSim};
use crate::engine::twin::{Comparison, Figure, TwinPolicy};
use crate::engine::Millis;
use crate::format;

fn mode_label(mode: Mode) -> String {
    match mode {
        Mode::Naive => "naive on('data')".into(),
        Mode::Pipe => ".pipe()".into(),
    }
}

fn other(mode: Mode) -> Mode {
    match mode {
        Mode::Naive => Mode::Pipe,
        Mode::Pipe => Mode::Naive,
    }
}

/// What this run and its twin are called (cheap: the page asks on every frame).
pub fn labels(params: &NodeParams) -> (String, String) {
    (mode_label(params.mode), mode_label(other(params.mode)))
}

/// The twin writes the other way; nothing else changes.
pub fn policy(params: &NodeParams) -> TwinPolicy<NodeParams> {
    let (label_a, label_b) = labels(params);
    TwinPolicy { label_a, label_b, params_b: NodeParams { mode: other(params.mode), ..params.clone() } }
}

fn outcome(sim: &NodeSim) -> String {
    if let Some(death) = sim.death() {
        format!("died at {} (exit {})", format::sim_time(death.at_ms), death.exit_code)
    } else if let Some(done) = sim.completed_at_ms() {
        format!("finished at {}", format::sim_time(done))
    } else {
        "running".into()
    }
}

fn delivered(sim: &NodeSim) -> u64 {
    sim.exports().iter().map(|e| e.counters.rows_delivered).sum()
}

/// The verdict comes once both runs have finished or died, or at `ends_at` (the run's duration).
pub fn compare(a: &NodeSim, b: &NodeSim, policy: &TwinPolicy<NodeParams>, ends_at: Millis) -> Comparison {
    let figure = |label, of: &dyn Fn(&NodeSim) -> String| Figure::new(label, of(a), of(b));
    let figures = vec![
        figure("outcome", &outcome),
        figure("heap now", &|s| format::bytes(s.heap_bytes())),
        figure("peak heap", &|s| format::bytes(s.peak_heap_bytes())),
        figure("rows delivered", &|s| format::count(delivered(s))),
    ];
    let ended = |sim: &NodeSim| sim.is_finished() || sim.now() >= ends_at;
    let verdict = (ended(a) && ended(b)).then(|| {
        let side = |label: &str, sim: &NodeSim| {
            format!("{label} {}, heap peaking at {}", outcome(sim), format::bytes(sim.peak_heap_bytes()))
        };
        format!("{}; {}.", side(&policy.label_a, a), side(&policy.label_b, b))
    });
    Comparison { figures, verdict }
}

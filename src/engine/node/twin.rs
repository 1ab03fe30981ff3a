//! The Node twin: the same export written with the naive loop and with `.pipe()`.

use super::{Mode, NodeParams, NodeSim};
use crate::engine::twin::{Comparison, Figure, TwinPolicy};
use crate::format;

fn mode_label(mode: Mode) -> String {
    match mode {
        Mode::Naive => "naive on('data')".into(),
        Mode::Pipe => ".pipe()".into(),
    }
}

/// The twin writes the other way; nothing else changes.
pub fn policy(params: &NodeParams) -> TwinPolicy<NodeParams> {
    let other = match params.mode {
        Mode::Naive => Mode::Pipe,
        Mode::Pipe => Mode::Naive,
    };
    TwinPolicy { label_a: mode_label(params.mode), label_b: mode_label(other), params_b: NodeParams { mode: other, ..params.clone() } }
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

pub fn compare(a: &NodeSim, b: &NodeSim, policy: &TwinPolicy<NodeParams>) -> Comparison {
    let figure = |label, of: &dyn Fn(&NodeSim) -> String| Figure::new(label, of(a), of(b));
    let figures = vec![
        figure("outcome", &outcome),
        figure("heap now", &|s| format::bytes(s.heap_bytes())),
        figure("peak heap", &|s| format::bytes(s.peak_heap_bytes())),
        figure("rows delivered", &|s| format::count(delivered(s))),
    ];
    let verdict = (a.is_finished() && b.is_finished()).then(|| {
        let side = |label: &str, sim: &NodeSim| {
            format!("{label} {}, heap peaking at {}", outcome(sim), format::bytes(sim.peak_heap_bytes()))
        };
        format!("{}; {}.", side(&policy.label_a, a), side(&policy.label_b, b))
    });
    Comparison { figures, verdict }
}

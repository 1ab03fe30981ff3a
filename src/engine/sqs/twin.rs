//! The SQS twin: the same queue and arrivals, with the event source's concurrency capped or not.

use super::{SqsParams, SqsSim, SqsSummary};
use crate::engine::twin::{Comparison, Figure, TwinPolicy};
use crate::engine::Millis;
use crate::format;

/// Headroom left under the pool when capping: a few connections for migrations and humans.
const CAP_HEADROOM: u64 = 7;

fn label(cap: Option<u64>) -> String {
    cap.map_or_else(|| "uncapped".into(), |cap| format!("MaximumConcurrency {cap}"))
}

/// Uncapped runs get a twin capped within the pool; capped runs a twin without the cap.
fn caps(params: &SqsParams) -> (Option<u64>, Option<u64>) {
    let current = params.event_source_mapping.scaling_config.maximum_concurrency;
    let other = match current {
        Some(_) => None,
        None => Some(params.database.available().saturating_sub(CAP_HEADROOM).clamp(2, 1_000)),
    };
    (current, other)
}

/// What this run and its twin are called (cheap: the page asks on every frame).
pub fn labels(params: &SqsParams) -> (String, String) {
    let (current, other) = caps(params);
    (label(current), label(other))
}

pub fn policy(params: &SqsParams) -> TwinPolicy<SqsParams> {
    let (_, other) = caps(params);
    let mut params_b = params.clone();
    params_b.event_source_mapping.scaling_config.maximum_concurrency = other;
    let (label_a, label_b) = labels(params);
    TwinPolicy { label_a, label_b, params_b }
}

pub fn compare(a: &SqsSim, b: &SqsSim, policy: &TwinPolicy<SqsParams>, ends_at: Millis) -> Comparison {
    let (sa, sb) = (SqsSummary::of(a), SqsSummary::of(b));
    let figure = |label, of: &dyn Fn(&SqsSummary) -> String| Figure::new(label, of(&sa), of(&sb));
    let figures = vec![
        figure("connections refused", &|s| format::count(s.connections_refused)),
        figure("messages in the dead-letter queue", &|s| format::count(s.dlq)),
        figure("messages processed more than once", &|s| format::count(s.processed_more_than_once)),
        figure("messages completed", &|s| format::count(s.completed)),
        figure("messages waiting (visible)", &|s| format::count(s.visible)),
        figure("longest wait of a message", &|s| format::sim_time(s.max_age_of_oldest_ms)),
    ];
    let ended = |sim: &SqsSim| sim.is_finished() || sim.now() >= ends_at;
    let verdict = (ended(a) && ended(b)).then(|| {
        let side = |label: &str, s: &SqsSummary| {
            format!("{label}: {} refused, {} in the DLQ, longest wait {}", format::count(s.connections_refused), format::count(s.dlq), format::sim_time(s.max_age_of_oldest_ms))
        };
        format!("{}; {}.", side(&policy.label_a, &sa), side(&policy.label_b, &sb))
    });
    Comparison { figures, verdict }
}

//! The Kafka twin: the same log and groups, polling a different `max.poll.records`.

use super::{KafkaParams, KafkaSim, KafkaSummary};
use crate::engine::twin::{Comparison, Figure, TwinPolicy};
use crate::engine::Millis;
use crate::format;

/// The twin's `max.poll.records` for every group: small batches if the run's are large, the
/// default 500 if they are small.
fn other_max_poll_records(current: u64) -> u64 {
    if current > 100 { 100 } else { 500 }
}

fn current_max_poll_records(params: &KafkaParams) -> u64 {
    params.groups.first().map_or(500, |g| g.max_poll_records)
}

/// What this run and its twin are called (cheap: the page asks on every frame).
pub fn labels(params: &KafkaParams) -> (String, String) {
    let current = current_max_poll_records(params);
    (format!("max.poll.records {current}"), format!("max.poll.records {}", other_max_poll_records(current)))
}

pub fn policy(params: &KafkaParams) -> TwinPolicy<KafkaParams> {
    let other = other_max_poll_records(current_max_poll_records(params));
    let mut params_b = params.clone();
    for group in &mut params_b.groups {
        group.max_poll_records = other;
    }
    let (label_a, label_b) = labels(params);
    TwinPolicy { label_a, label_b, params_b }
}

/// A log never ends by itself: the comparison's verdict comes at `ends_at` (the preset's duration).
pub fn compare(a: &KafkaSim, b: &KafkaSim, policy: &TwinPolicy<KafkaParams>, ends_at: Millis) -> Comparison {
    let (sa, sb) = (KafkaSummary::of(a), KafkaSummary::of(b));
    let lag = |s: &KafkaSummary| s.groups.iter().map(|g| g.lag).sum::<u64>();
    let max_lag = |s: &KafkaSummary| s.groups.iter().map(|g| g.max_lag).max().unwrap_or(0);
    let figure = |label, of: &dyn Fn(&KafkaSummary) -> u64| Figure::new(label, format::count(of(&sa)), format::count(of(&sb)));
    let figures = vec![
        figure("lag now, records (all groups)", &lag),
        figure("largest lag of a group, records", &max_lag),
        figure("records processed twice", &|s| s.duplicates),
        figure("rebalances", &|s| s.rebalances),
        figure("records lost to retention", &|s| s.lost),
    ];
    let verdict = (a.now() >= ends_at && b.now() >= ends_at).then(|| {
        let side = |label: &str, s: &KafkaSummary| {
            format!("{label}: {} rebalances, {} duplicates, lag peaking at {}", format::count(s.rebalances), format::count(s.duplicates), format::count(max_lag(s)))
        };
        format!("After {}: {}; {}.", format::sim_time(ends_at), side(&policy.label_a, &sa), side(&policy.label_b, &sb))
    });
    Comparison { figures, verdict }
}

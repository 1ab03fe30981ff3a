//! Exact rewind: a timeline restored to instant T is in the state a straight run to T reaches, for
//! random presets, parameters, seeds and instants of every system, with interventions replayed.

use backpressure_playground::engine::kafka::{self, KafkaSim};
use backpressure_playground::engine::node::{self, NodeSim};
use backpressure_playground::engine::range::Range;
use backpressure_playground::engine::simulation::SqsIntervention;
use backpressure_playground::engine::sqs::{self, SqsSim};
use backpressure_playground::engine::timeline::{Intervene, Timeline, MAX_SNAPSHOTS};
use backpressure_playground::engine::{Millis, Simulation};
use backpressure_playground::scenario::{presets, System};
use proptest::prelude::*;

fn straight_to<S: Simulation>(mut sim: S, until: Millis) -> S {
    while sim.now() < until && !sim.is_finished() {
        sim.step();
    }
    sim
}

/// Runs a timeline to `horizon`, rewinds to `target`, and compares with a straight run.
fn check_rewind<S: Intervene>(fresh: S, spacing_ms: Millis, horizon: Millis, target: Millis) -> Result<(), TestCaseError> {
    let mut timeline = Timeline::new(fresh.clone(), spacing_ms);
    while timeline.now() < horizon && !timeline.is_finished() {
        timeline.step();
    }
    let reached = timeline.rewind_to(target);
    let straight = straight_to(fresh, reached);
    prop_assert_eq!(timeline.now(), straight.now());
    prop_assert_eq!(timeline.state_hash(), straight.state_hash(), "rewound to {} ms", reached);
    prop_assert!(timeline.snapshot_count() <= MAX_SNAPSHOTS);
    Ok(())
}

/// A preset's params with one numeric parameter set to a random value in its range (when the
/// result is still valid: some combinations are refused, as in the page).
fn tweak<P: Clone>(params: &P, ranges: &[Range<P>], pick: usize, fraction: f64, valid: impl Fn(&P) -> bool) -> P {
    let range = &ranges[pick % ranges.len()];
    let mut tweaked = params.clone();
    (range.set)(&mut tweaked, range.min + ((range.max - range.min) as f64 * fraction) as u64);
    if valid(&tweaked) { tweaked } else { params.clone() }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn node_rewinds_exactly(preset in 0..presets::node::PRESETS.len(), pick in 0usize..64, fraction in 0.0..1.0f64,
                            seed in 0u64..1000, horizon_s in 1u64..60, at in 0.0..1.0f64) {
        let System::NodeStream(params) = presets::node::PRESETS[preset].scenario().system else { unreachable!() };
        let params = tweak(&params, node::RANGES, pick, fraction, |p| node::validate(p).is_ok());
        let horizon = horizon_s * 1000;
        check_rewind(NodeSim::new(params, seed), 500, horizon, (horizon as f64 * at) as Millis)?;
    }

    #[test]
    fn kafka_rewinds_exactly(preset in 0..presets::kafka::PRESETS.len(), pick in 0usize..64, fraction in 0.0..1.0f64,
                             seed in 0u64..1000, horizon_s in 1u64..240, at in 0.0..1.0f64) {
        let System::Kafka(params) = presets::kafka::PRESETS[preset].scenario().system else { unreachable!() };
        let params = tweak(&params, kafka::RANGES, pick, fraction, |p| kafka::validate(p).is_ok());
        let horizon = horizon_s * 1000;
        check_rewind(KafkaSim::new(params, seed), 2_000, horizon, (horizon as f64 * at) as Millis)?;
    }

    #[test]
    fn sqs_rewinds_exactly(preset in 0..presets::sqs::PRESETS.len(), pick in 0usize..64, fraction in 0.0..1.0f64,
                           seed in 0u64..1000, horizon_s in 1u64..900, at in 0.0..1.0f64) {
        let System::SqsLambda(params) = presets::sqs::PRESETS[preset].scenario().system else { unreachable!() };
        let params = tweak(&params, sqs::RANGES, pick, fraction, |p| sqs::validate(p).is_ok());
        let horizon = horizon_s * 1000;
        check_rewind(SqsSim::new(params, seed), 5_000, horizon, (horizon as f64 * at) as Millis)?;
    }
}

/// The article's campaign, for the tests of the raised-timeout button.
fn campaign() -> SqsSim {
    let System::SqsLambda(params) = presets::preset("article-campaign").unwrap().scenario().system else { unreachable!() };
    SqsSim::new(params, 1)
}

#[test]
fn an_intervention_is_replayed_when_the_timeline_steps_back_across_it() {
    let mut timeline = Timeline::new(campaign(), 5_000);
    timeline.rewind_to(0);
    // Pressed between two snapshots, so reaching 64 s from the one at 60 s must replay it.
    while timeline.now() < 62_300 {
        timeline.step();
    }
    timeline.intervene(SqsIntervention::RaiseTimeout(120)).unwrap();
    while timeline.now() < 180_000 {
        timeline.step();
    }
    let mut straight = straight_to(campaign(), 62_300);
    straight.intervene(&SqsIntervention::RaiseTimeout(120));
    let straight_at = |t| straight_to(straight.clone(), t).state_hash();
    for target in [150_000, 64_000, 62_300, 90_000, 179_900] {
        timeline.rewind_to(target);
        assert_eq!(timeline.state_hash(), straight_at(target), "at {target} ms");
    }
    // Before the press the history is the one without it.
    timeline.rewind_to(30_000);
    assert_eq!(timeline.state_hash(), straight_to(campaign(), 30_000).state_hash());
}

#[test]
fn an_intervention_after_a_rewind_starts_a_new_history() {
    let mut timeline = Timeline::new(campaign(), 5_000);
    while timeline.now() < 120_000 {
        timeline.step();
    }
    timeline.intervene(SqsIntervention::RaiseTimeout(120)).unwrap();
    timeline.rewind_to(40_000);
    timeline.intervene(SqsIntervention::RaiseTimeout(300)).unwrap();
    assert_eq!(timeline.horizon_ms(), 40_000, "what lay ahead is forgotten");
    assert_eq!(timeline.interventions(), &[(40_000, SqsIntervention::RaiseTimeout(300))]);
    while timeline.now() < 150_000 {
        timeline.step();
    }
    let mut straight = straight_to(campaign(), 40_000);
    straight.intervene(&SqsIntervention::RaiseTimeout(300));
    assert_eq!(timeline.state_hash(), straight_to(straight, 150_000).state_hash());
}

#[test]
fn snapshots_stay_bounded_over_a_simulated_day() {
    let System::SqsLambda(params) = presets::preset("article-campaign").unwrap().scenario().system else { unreachable!() };
    let mut timeline = Timeline::new(SqsSim::new(params, 3), 1_000);
    let day = 24 * 3600 * 1000;
    let mut most = 0;
    while timeline.now() < day && !timeline.is_finished() {
        timeline.step();
        most = most.max(timeline.snapshot_count());
    }
    assert!(most <= MAX_SNAPSHOTS, "{most} snapshots");
    assert!(timeline.snapshot_count() >= MAX_SNAPSHOTS / 2, "thinning keeps half: {}", timeline.snapshot_count());
}

//! Twin runs: the twin sees exactly the main run's arrivals, differs only in its policy, and its
//! verdict comes once both runs have ended.

use backpressure_playground::engine::kafka::{twin as kafka_twin, KafkaSim, KafkaSummary};
use backpressure_playground::engine::node::{twin as node_twin, Mode, NodeSim};
use backpressure_playground::engine::sqs::{twin as sqs_twin, SqsSim, SqsSummary};
use backpressure_playground::engine::Simulation;
use backpressure_playground::scenario::{presets, System};

fn system(name: &str) -> System {
    presets::preset(name).unwrap_or_else(|| panic!("no preset {name}")).scenario().system
}

fn run_to<S: Simulation>(sim: &mut S, until: u64) {
    while sim.now() < until && !sim.is_finished() {
        sim.step();
    }
}

#[test]
fn kafka_twins_share_the_producer_trace_exactly() {
    let System::Kafka(params) = system("article-peak") else { unreachable!() };
    let policy = kafka_twin::policy(&params);
    assert_ne!(policy.params_b, params, "the twin flips a policy");
    assert!(policy.params_b.groups.iter().all(|g| g.max_poll_records == 100), "500 → 100");
    let (mut a, mut b) = (KafkaSim::new(params, 1), KafkaSim::new(policy.params_b.clone(), 1));
    for second in 1..=300 {
        run_to(&mut a, second * 1000);
        run_to(&mut b, second * 1000);
        let (sa, sb) = (KafkaSummary::of(&a), KafkaSummary::of(&b));
        assert_eq!((sa.generated, sa.produced), (sb.generated, sb.produced), "at {second} s");
        assert_eq!(sa.partitions, sb.partitions, "the same log at {second} s");
    }
    let comparison = kafka_twin::compare(&a, &b, &policy, 600_000);
    assert!(comparison.verdict.is_none(), "no verdict before the run's end");
    run_to(&mut a, 600_000);
    run_to(&mut b, 600_000);
    let verdict = kafka_twin::compare(&a, &b, &policy, 600_000).verdict.expect("a verdict at the end");
    assert!(verdict.contains("max.poll.records 500") && verdict.contains("max.poll.records 100"), "{verdict}");
}

#[test]
fn sqs_twins_share_the_arrivals_and_only_the_capped_one_spares_postgres() {
    let System::SqsLambda(params) = system("article-campaign") else { unreachable!() };
    let policy = sqs_twin::policy(&params);
    assert_eq!(policy.label_a, "uncapped");
    let cap = policy.params_b.event_source_mapping.scaling_config.maximum_concurrency.expect("the twin is capped");
    assert!(cap < params.database.available(), "capped within the pool: {cap}");
    let (mut a, mut b) = (SqsSim::new(params, 1), SqsSim::new(policy.params_b.clone(), 1));
    for second in 1..=900 {
        run_to(&mut a, second * 1000);
        run_to(&mut b, second * 1000);
        assert_eq!(a.counters().sent, b.counters().sent, "the same arrivals at {second} s");
    }
    let (sa, sb) = (SqsSummary::of(&a), SqsSummary::of(&b));
    assert!(sa.connections_refused > 1_000, "uncapped: {}", sa.connections_refused);
    assert_eq!(sb.connections_refused, 0, "capped within the pool refuses nothing");
    let comparison = sqs_twin::compare(&a, &b, &policy, 900_000);
    let refused = comparison.figures.iter().find(|f| f.label == "connections refused").unwrap();
    assert!(refused.differs());
    assert!(comparison.verdict.is_some(), "both have reached the end");
}

#[test]
fn the_node_twin_writes_the_other_way_and_judges_when_both_have_ended() {
    let System::NodeStream(params) = system("article-export-x3") else { unreachable!() };
    assert_eq!(params.mode, Mode::Naive);
    let policy = node_twin::policy(&params);
    assert_eq!(policy.params_b.mode, Mode::Pipe);
    assert_eq!((policy.label_a.as_str(), policy.label_b.as_str()), ("naive on('data')", ".pipe()"));
    let (mut a, mut b) = (NodeSim::new(params, 1), NodeSim::new(policy.params_b.clone(), 1));
    run_to(&mut a, 60_000);
    run_to(&mut b, 60_000);
    assert!(a.death().is_some() && b.death().is_none(), "naive dies, .pipe() lives");
    assert!(node_twin::compare(&a, &b, &policy, u64::MAX).verdict.is_none(), "the piped export is still running");
    run_to(&mut b, 24 * 3600 * 1000);
    let verdict = node_twin::compare(&a, &b, &policy, u64::MAX).verdict.expect("both ended");
    assert!(verdict.contains("died at") && verdict.contains("finished at"), "{verdict}");
}

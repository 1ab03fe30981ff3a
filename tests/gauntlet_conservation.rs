#![cfg(not(target_arch = "wasm32"))]
//! Gauntlet, conservation: for each system, 10,000 random parameter sets (every control drawn
//! from its whole valid range) and seeds, each run for a bounded number of steps with every item
//! accounted for after every step. Each identity's terms must each be non-zero in enough cases,
//! so a term that never moves cannot hide a leak behind zeros.
//!
//! Optimised, so `cargo test` leaves it out: `cargo test --profile gauntlet --test
//! gauntlet_conservation` (about 50 s on 2 cores; many minutes in debug).

use backpressure_playground::engine::kafka::KafkaSim;
use backpressure_playground::engine::node::NodeSim;
use backpressure_playground::engine::sqs::SqsSim;
use backpressure_playground::engine::{kafka, node, sqs};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use std::cell::Cell;

mod common;

const CASES: u32 = 10_000;
/// A term of an identity must be non-zero in at least this many cases (0.2 %; the rarest, Kafka's
/// lost records, is non-zero in about 1 %).
const MIN_CASES_PER_TERM: u32 = CASES / 500;

/// Steps per case: a few simulated seconds of Node (1 ms steps), a minute and a half of Kafka
/// (10 ms) and SQS (100 ms), enough for deaths, retention, visibility timeouts and expiry.
const NODE_STEPS: u64 = 2_000;
const KAFKA_STEPS: u64 = 2_000;
const SQS_STEPS: u64 = 1_000;

/// Runs [`CASES`] cases of `strategy` through `case`, which checks one run and says which of the
/// identity's `terms` were non-zero in it; then checks the count and each term's coverage.
fn gauntlet<T: std::fmt::Debug, const N: usize>(
    system: &str,
    strategy: impl Strategy<Value = T>,
    terms: [&str; N],
    case: impl Fn(T) -> [bool; N],
) {
    let config = ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() };
    let ran = Cell::new(0u32);
    let covered = Cell::new([0u32; N]);
    let result = TestRunner::new(config).run(&strategy, |value| {
        let seen = case(value);
        let mut counts = covered.get();
        for (count, seen) in counts.iter_mut().zip(seen) {
            *count += u32::from(seen);
        }
        covered.set(counts);
        ran.set(ran.get() + 1);
        Ok(())
    });
    if let Err(error) = result {
        panic!("{system}: {error}");
    }
    assert_eq!(ran.get(), CASES, "{system}: every case ran");
    let coverage: Vec<String> = terms.iter().zip(covered.get()).map(|(term, count)| format!("{term} {count}")).collect();
    println!("{system}: {CASES} cases; cases with each term non-zero: {}", coverage.join(", "));
    for (term, count) in terms.iter().zip(covered.get()) {
        assert!(count >= MIN_CASES_PER_TERM, "{system}: only {count} of {CASES} cases had {term} non-zero");
    }
}

#[test]
fn node_accounts_for_every_row_at_every_step() {
    let strategy = (common::node::params(), any::<u64>());
    gauntlet("node", strategy, ["delivered", "buffered", "lost at death"], |(params, seed)| {
        assert_eq!(node::validate(&params), Ok(()));
        let mut sim = NodeSim::new(params, seed);
        common::node::assert_conserved(&sim, "start");
        let mut buffered = false;
        for _ in 0..NODE_STEPS {
            if sim.is_finished() {
                break;
            }
            sim.step();
            common::node::assert_conserved(&sim, "node");
            buffered |= sim.exports().iter().any(|e| e.rows_buffered() > 0);
        }
        let delivered = sim.exports().iter().any(|e| e.counters.rows_delivered > 0);
        let lost = sim.death().is_some() && sim.exports().iter().any(|e| e.rows_buffered() > 0);
        [delivered, buffered, lost]
    });
}

#[test]
fn kafka_accounts_for_every_record_at_every_step() {
    let strategy = (common::kafka::params(), any::<u64>());
    gauntlet("kafka", strategy, ["retained", "deleted", "distinct processed", "lag", "lost"], |(params, seed)| {
        assert_eq!(kafka::validate(&params), Ok(()));
        let mut sim = KafkaSim::new(params, seed);
        common::kafka::assert_conserved(&sim, "start");
        let mut lag = false;
        for _ in 0..KAFKA_STEPS {
            sim.step();
            common::kafka::assert_conserved(&sim, "kafka");
            lag |= (0..sim.groups().len()).any(|g| common::kafka::unprocessed(&sim, g) > 0);
        }
        let groups = sim.groups();
        [
            sim.retained() > 0,
            sim.deleted() > 0,
            groups.iter().any(|g| g.counters.distinct > 0),
            lag,
            groups.iter().any(|g| g.counters.lost > 0),
        ]
    });
}

#[test]
fn sqs_accounts_for_every_message_at_every_step() {
    let strategy = (common::sqs::params(), any::<u64>());
    gauntlet("sqs", strategy, ["completed", "visible", "in flight", "DLQ", "expired"], |(params, seed)| {
        assert_eq!(sqs::validate(&params), Ok(()));
        let mut sim = SqsSim::new(params, seed);
        common::sqs::assert_conserved(&sim, "start");
        let (mut visible, mut in_flight) = (false, false);
        for _ in 0..SQS_STEPS {
            if sim.is_finished() {
                break;
            }
            sim.step();
            common::sqs::assert_conserved(&sim, "sqs");
            visible |= sim.visible() > 0;
            in_flight |= sim.in_flight() > 0;
        }
        let c = sim.counters();
        [c.completed > 0, visible, in_flight, c.dlq > 0, c.expired > 0]
    });
}

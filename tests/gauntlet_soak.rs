#![cfg(not(target_arch = "wasm32"))]
//! Gauntlet, soak: each system for 24 simulated hours with its rate controls at the maximum the
//! ranges allow (`scenario::stress`, which bpbench measures too). No panic, every item still accounted for each hour, and no growth: the
//! entries the engine keeps (its `footprint()`) after hour 24 are within a small factor of
//! those after hour 1, and under a fixed ceiling.
//!
//! Optimised, so `cargo test` leaves it out: `cargo test --profile gauntlet --test gauntlet_soak`.

use backpressure_playground::engine::kafka::{self, KafkaSim};
use backpressure_playground::engine::node::{self, NodeSim};
use backpressure_playground::engine::sqs::{self, SqsSim};
use backpressure_playground::engine::Millis;
use backpressure_playground::scenario::{stress, MAX_SIM_MS};
use std::time::Instant;

mod common;

const HOUR_MS: Millis = 3_600_000;

/// Steps `sim` hour by hour to 24 h, checking `conserved` each hour; returns the footprints
/// after hour 1 and after hour 24, and the simulation.
fn soak<S>(
    system: &str,
    mut sim: S,
    step_to: impl Fn(&mut S, Millis),
    footprint: impl Fn(&S) -> usize,
    conserved: impl Fn(&S, &str),
) -> ((usize, usize), S) {
    let started = Instant::now();
    let mut after_hour_one = 0;
    for hour in 1..=MAX_SIM_MS / HOUR_MS {
        step_to(&mut sim, hour * HOUR_MS);
        conserved(&sim, &format!("{system}, hour {hour}"));
        if hour == 1 {
            after_hour_one = footprint(&sim);
        }
    }
    let after_day = footprint(&sim);
    println!("{system}: footprint {after_hour_one} after hour 1, {after_day} after hour 24; {:.1} s", started.elapsed().as_secs_f64());
    ((after_hour_one, after_day), sim)
}

/// The same order: at most twice the first hour's entries.
fn assert_no_growth(system: &str, (hour_one, day): (usize, usize), ceiling: usize) {
    assert!(day <= 2 * hour_one, "{system}: {day} entries after 24 h against {hour_one} after 1 h");
    assert!(day <= ceiling, "{system}: {day} entries, over the ceiling of {ceiling}");
}

#[test]
fn node_at_full_rate_for_a_day_keeps_its_memory() {
    let params = stress::node_params();
    assert_eq!(node::validate(&params), Ok(()));
    let sim = NodeSim::new(params, 1);
    let (footprints, sim) = soak("node", sim, |s, t| s.run_until(t), NodeSim::footprint, common::node::assert_conserved);
    assert!(!sim.is_finished() && sim.now() == MAX_SIM_MS, "the exports must still be running at hour 24");
    // Two chart series of at most 512 points, 32 events, an arrival curve of at most 256 points
    // per export, and each export itself.
    assert_no_growth("node", footprints, 2 * 512 + 32 + 2 * 256 + 2);
}

#[test]
fn kafka_at_full_rate_for_a_day_keeps_its_memory() {
    let params = stress::kafka_params();
    assert_eq!(kafka::validate(&params), Ok(()));
    let (footprints, sim) = soak("kafka", KafkaSim::new(params, 1), |s, t| s.run_until(t), KafkaSim::footprint, common::kafka::assert_conserved);
    let counters: Vec<_> = sim.groups().iter().map(|g| g.counters).collect();
    assert!(sim.deleted() > 0 && counters.iter().all(|c| c.lost > 0), "retention outruns the consumers: {} deleted, {counters:?}", sim.deleted());
    // Per partition: its segments (at most MAX_SEGMENTS + the log) and an arrival curve (256);
    // per group: a cursor per partition, members with their partitions, a 256-point chart.
    let partitions = kafka::validate::MAX_PARTITIONS as usize;
    let ceiling = partitions * (kafka::MAX_SEGMENTS + 1 + 256 + 2 * 2) + 2 * (2 * 16 + 256) + 2 * partitions + 64 + 256 + 61;
    assert_no_growth("kafka", footprints, ceiling);
}

#[test]
fn sqs_at_full_rate_for_a_day_keeps_its_memory() {
    let params = stress::sqs_params();
    assert_eq!(sqs::validate(&params), Ok(()));
    let (footprints, sim) = soak("sqs", SqsSim::new(params, 1), |s, t| s.run_until(t), SqsSim::footprint, common::sqs::assert_conserved);
    let c = sim.counters();
    assert!(c.completed > 0 && c.dlq > 0, "{c:?}");
    // Every poller's batch, each holding at most 8 cohorts (10,000 messages span 4 arrival steps
    // of 3,333, poison or not), the queue's cohorts within the shortest retention (600 steps),
    // six 400-point charts, the churn window and the events.
    let ceiling = sqs::MAX_POLLER_BATCHES as usize * (1 + 8) + 2 * 600 + 6 * 400 + 10 + 32;
    assert_no_growth("sqs", footprints, ceiling);
}

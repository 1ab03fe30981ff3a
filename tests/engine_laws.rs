#![cfg(not(target_arch = "wasm32"))]
//! The live laws (src/engine/laws.rs) checked against every engine: Little's law within
//! [`TOLERANCE_PERCENT`] over long windows of steady runs and of the headline presets once they
//! have settled, goodput never above throughput, attempts per item 1.0 without retries and above
//! 1 with them, the age of the oldest waiting item, and the in-system count against the engines'
//! own counters.
//!
//! L and W are measured independently (L from the in-system count, W from each departing item's
//! arrival time), so a wrong arrival time, a lost departure or a mis-thinned arrival curve shows
//! up as a gap.

use backpressure_playground::engine::kafka::{KafkaParams, KafkaSim, Peak};
use backpressure_playground::engine::laws::{Laws, LawsReadout, TOLERANCE_PERCENT};
use backpressure_playground::engine::node::{NodeParams, NodeSim};
use backpressure_playground::engine::sqs::{SqsParams, SqsSim};
use backpressure_playground::engine::Millis;
use backpressure_playground::scenario::{preset, System};

const MINUTE: Millis = 60_000;

fn scenario(name: &str) -> (System, u64, Option<Millis>) {
    let s = preset(name).unwrap_or_else(|| panic!("no preset {name}")).scenario();
    (s.system, s.seed, s.duration_ms)
}
fn node(name: &str) -> (NodeParams, u64) {
    match scenario(name) {
        (System::NodeStream(p), seed, _) => (p, seed),
        _ => panic!("{name} is not a Node preset"),
    }
}
fn kafka(name: &str) -> (KafkaParams, u64) {
    match scenario(name) {
        (System::Kafka(p), seed, _) => (p, seed),
        _ => panic!("{name} is not a Kafka preset"),
    }
}
fn sqs(name: &str) -> (SqsParams, u64) {
    match scenario(name) {
        (System::SqsLambda(p), seed, _) => (p, seed),
        _ => panic!("{name} is not an SQS preset"),
    }
}

fn assert_little(laws: &Laws, at_least_ms: Millis, context: &str) {
    assert!(laws.window_ms >= at_least_ms, "{context}: window {} ms is shorter than {at_least_ms} ms", laws.window_ms);
    assert!(laws.in_system_avg > 0.0, "{context}: an empty system proves nothing: {laws:?}");
    let gap = laws.gap_percent.unwrap_or_else(|| panic!("{context}: no departures: {laws:?}"));
    assert!(gap <= TOLERANCE_PERCENT, "{context}: L = {} but λW = {:?} (gap {gap:.3} %)", laws.in_system_avg, laws.littles_rhs);
}

fn assert_goodput_within_throughput(r: &LawsReadout, context: &str) {
    for (window, l) in [("trailing", &r.trailing), ("since start", &r.since_start)] {
        assert!(
            l.goodput_per_s <= l.throughput_per_s + 1e-9,
            "{context} ({window}): goodput {} above throughput {}",
            l.goodput_per_s,
            l.throughput_per_s
        );
        if let Some(a) = l.attempts_per_item {
            assert!(a >= 1.0 - 1e-12, "{context} ({window}): fewer attempts than items: {a}");
        }
    }
}

// ---- Little's law -------------------------------------------------------------------------------

#[test]
fn node_piped_export_in_steady_state_obeys_littles_law() {
    // .pipe() with an export far longer than the run: 10 minutes of steady flow at the client's rate.
    let (mut params, seed) = node("article-export-piped");
    params.total_rows = 100_000_000;
    let mut sim = NodeSim::new(params, seed);
    sim.run_until(10 * MINUTE);
    let laws = sim.laws();
    assert_little(&laws.since_start, 10 * MINUTE, "piped, since start");
    assert_little(&laws.trailing, 59_000, "piped, last minute");
    assert_eq!(laws.since_start.attempts_per_item, Some(1.0), "a row is sent once");
}

#[test]
fn node_naive_headline_export_obeys_littles_law_over_its_whole_run() {
    // ~950,000 rows wait in the heap on average; each row's wait comes from the arrival curve.
    let (params, seed) = node("article-export");
    let mut sim = NodeSim::new(params, seed);
    sim.run_until(20 * MINUTE);
    assert!(sim.completed_at_ms().is_some(), "the export completes (README: at 640 s)");
    let laws = sim.laws();
    assert!(laws.since_start.in_system_avg > 500_000.0, "{laws:?}");
    assert_little(&laws.since_start, 10 * MINUTE, "article-export, since start");
    assert_eq!(laws.since_start.attempts_per_item, Some(1.0));
}

#[test]
fn kafka_steady_state_and_the_settled_peak_obey_littles_law_per_group() {
    let (mut steady, seed) = kafka("article-peak");
    steady.producer.peak = Peak { multiplier: 1, ..steady.producer.peak };
    let mut sim = KafkaSim::new(steady, seed);
    sim.run_until(15 * MINUTE);
    for g in 0..sim.groups().len() {
        assert_little(&sim.laws(g).since_start, 15 * MINUTE, &format!("steady, group {g}, since start"));
        assert_little(&sim.laws(g).trailing, MINUTE, &format!("steady, group {g}, last minute"));
    }
    // The headline preset: lag climbs to ~940,000 and drains by 600 s.
    let (params, seed) = kafka("article-peak");
    let mut sim = KafkaSim::new(params, seed);
    sim.run_until(10 * MINUTE);
    for g in 0..sim.groups().len() {
        let laws = sim.laws(g);
        assert!(laws.since_start.in_system_avg > 100_000.0, "group {g} held a big backlog: {laws:?}");
        assert_little(&laws.since_start, 10 * MINUTE, &format!("article-peak, group {g}, since start"));
        assert_little(&laws.trailing, MINUTE, &format!("article-peak, group {g}, last minute"));
        assert_eq!(laws.since_start.attempts_per_item, Some(1.0), "no rebalance, no duplicate");
    }
}

#[test]
fn sqs_steady_state_and_the_settled_headline_presets_obey_littles_law() {
    let (params, seed) = sqs("normal-day");
    let mut sim = SqsSim::new(params, seed);
    sim.run_until(10 * MINUTE);
    assert_little(&sim.laws().since_start, 10 * MINUTE, "normal-day, since start");
    for name in ["article-capped", "article-campaign"] {
        let (params, seed) = sqs(name);
        let mut sim = SqsSim::new(params, seed);
        sim.run_until(15 * MINUTE);
        let laws = sim.laws();
        assert!(laws.since_start.in_system_avg > 1_000.0, "{name}: the spike waited in the queue: {laws:?}");
        assert_little(&laws.since_start, 15 * MINUTE, &format!("{name}, since start"));
    }
}

// ---- throughput, goodput, amplification ---------------------------------------------------------

#[test]
fn goodput_never_exceeds_throughput_in_any_preset() {
    for name in [
        "article-export-x3",
        "n4-ignoring-source",
        "article-peak",
        "k1-poll-interval-loop",
        "k6-batch-too-big",
        "k7-rebalance-storm",
        "article-campaign",
        "l2-reserved",
        "l5-sqs-burst",
        "timeout-raised-later",
    ] {
        let (system, seed, duration) = scenario(name);
        let until = duration.unwrap_or(20 * MINUTE).min(30 * MINUTE);
        match system {
            System::NodeStream(p) => {
                let mut sim = NodeSim::new(p, seed);
                while sim.now() < until && !sim.is_finished() {
                    sim.run_until(sim.now() + 1_000);
                    assert_goodput_within_throughput(&sim.laws(), &format!("{name} at {}", sim.now()));
                }
            }
            System::Kafka(p) => {
                let mut sim = KafkaSim::new(p, seed);
                while sim.now() < until {
                    sim.run_until(sim.now() + 5_000);
                    for g in 0..sim.groups().len() {
                        assert_goodput_within_throughput(&sim.laws(g), &format!("{name} group {g} at {}", sim.now()));
                    }
                }
            }
            System::SqsLambda(p) => {
                let mut sim = SqsSim::new(p, seed);
                while sim.now() < until && !sim.is_finished() {
                    sim.run_until(sim.now() + 1_000);
                    assert_goodput_within_throughput(&sim.laws(), &format!("{name} at {}", sim.now()));
                }
            }
        }
    }
}

#[test]
fn a_dead_process_has_no_goodput() {
    // Three exports SIGKILLed at ~26 s: rows reached the clients, but no export completed.
    let (params, seed) = node("article-export-x3");
    let mut sim = NodeSim::new(params, seed);
    sim.run_until(5 * MINUTE);
    assert!(sim.death().is_some());
    let laws = sim.laws().since_start;
    assert!(laws.throughput_per_s > 9_000.0, "three clients took ~3,125 rows/s each: {laws:?}");
    assert_eq!(laws.goodput_per_s, 0.0);
    assert_eq!(laws.attempts_per_item, None, "nothing completed");
}

#[test]
fn amplification_is_one_without_retries_and_above_one_with_redeliveries() {
    for name in ["article-capped", "l2-max-concurrency"] {
        let (params, seed) = sqs(name);
        let mut sim = SqsSim::new(params, seed);
        sim.run_until(15 * MINUTE);
        assert_eq!(sim.laws().since_start.attempts_per_item, Some(1.0), "{name}: every message handled once");
    }
    // Postgres refuses connections (53300): failed batches come back after the visibility timeout.
    for name in ["article-campaign", "l5-sqs-burst"] {
        let (params, seed) = sqs(name);
        let mut sim = SqsSim::new(params, seed);
        sim.run_until(15 * MINUTE);
        let a = sim.laws().since_start.attempts_per_item.expect("messages completed");
        assert!(a > 1.2, "{name}: refused batches are handed out again: {a}");
    }
    // Kafka: rebalances rewind to the committed offset and redo processed records.
    let (params, seed) = kafka("k6-batch-too-big");
    let mut sim = KafkaSim::new(params, seed);
    sim.run_until(30 * MINUTE);
    let laws = sim.laws(0).since_start;
    let g = &sim.groups()[0].counters;
    assert!(g.duplicates > 0);
    let a = laws.attempts_per_item.expect("records completed");
    assert!(a > 1.5, "k6 redoes records 0–299 after each eviction: {a}");
    assert!((a - g.processed as f64 / g.distinct as f64).abs() < 1e-9, "processed ÷ distinct");
    assert!(laws.goodput_per_s < laws.throughput_per_s);
}

// ---- oldest waiting item, in-system count -------------------------------------------------------

#[test]
fn the_oldest_buffered_row_of_a_naive_export_is_read_off_the_arrival_curve() {
    // At 30 s the client has ~94,000 rows (3,125/s); row 94,000 left Postgres at ~1.4 s
    // (66,700 rows/s), so the oldest row in the heap is ~28.6 s old.
    let (params, seed) = node("article-export");
    let mut sim = NodeSim::new(params, seed);
    sim.run_until(30_000);
    let age = sim.laws().trailing.oldest_age_ms;
    assert!((27_000..=30_000).contains(&age), "oldest row {age} ms");
    let buffered: u64 = sim.exports().iter().map(|e| e.rows_buffered()).sum();
    assert_eq!(sim.laws().trailing.in_system_now, buffered);
}

#[test]
fn a_group_that_is_down_sees_its_oldest_record_age_with_the_outage() {
    // falling-off-earliest: audit is down from 300 s; at 600 s its oldest unprocessed record was
    // appended just before 300 s.
    let (params, seed) = kafka("falling-off-earliest");
    let mut sim = KafkaSim::new(params, seed);
    sim.run_until(10 * MINUTE);
    let audit = sim.params().groups.iter().position(|g| g.group_id == "audit").expect("an audit group");
    let laws = sim.laws(audit).trailing;
    assert!((299_000..=306_000).contains(&laws.oldest_age_ms), "oldest {} ms", laws.oldest_age_ms);
    let unprocessed: u64 = sim.groups()[audit].cursors.iter().zip(sim.logs()).map(|(c, l)| l.end - c.frontier).sum();
    assert_eq!(laws.in_system_now, unprocessed);
    let analytics = 1 - audit;
    assert!(sim.laws(analytics).trailing.oldest_age_ms < 10_000, "analytics keeps up");
}

#[test]
fn sqs_in_system_is_visible_plus_in_flight_and_oldest_is_age_of_oldest() {
    let (params, seed) = sqs("l5-sqs-burst");
    let mut sim = SqsSim::new(params, seed);
    for _ in 0..30 {
        sim.run_until(sim.now() + 10_000);
        let laws = sim.laws();
        assert_eq!(laws.trailing.in_system_now, sim.visible() + sim.in_flight());
        assert_eq!(laws.trailing.oldest_age_ms, sim.age_of_oldest_ms());
    }
}

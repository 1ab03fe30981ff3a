#![cfg(not(target_arch = "wasm32"))]
//! Gauntlet, soak: each system for 24 simulated hours with its rate controls at the maximum the
//! ranges allow. No panic, every item still accounted for each hour, and no growth: the
//! entries the engine keeps (its `footprint()`) after hour 24 are within a small factor of
//! those after hour 1, and under a fixed ceiling.
//!
//! Optimised, so `cargo test` leaves it out: `cargo test --profile gauntlet --test gauntlet_soak`.

use backpressure_playground::engine::kafka::{self, KafkaSim};
use backpressure_playground::engine::node::{self, Mode, NodeSim};
use backpressure_playground::engine::sqs::{self, SqsSim};
use backpressure_playground::engine::Millis;
use backpressure_playground::scenario::MAX_SIM_MS;
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
    // Every rate at its maximum, two exports sharing the uplink; only the clients' bandwidth is set
    // so that the exports are still sending at hour 24 (10^8 rows × 100 kB at 1.25 GB/s would be
    // done in 2.2 h), and `.pipe()` so that the process does not die first.
    let mut params =
        node::NodeParams { mode: Mode::Pipe, total_rows: 100_000_000, row_bytes: 100_000, concurrent_exports: 2, ..Default::default() };
    params.cursor.batch_size = 100_000;
    params.cursor.round_trip_ms = 0;
    params.cursor.db_rows_per_second = 10_000_000;
    params.readable.high_water_mark = 100_000;
    params.network.uplink_bytes_per_second = 12_500_000_000;
    params.network.client_bytes_per_second = 100_000_000;
    params.memory.max_old_space_size_mb = 65_536;
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
    // 10^6 events/s × the largest peak, all day: 10^8 records/s of the smallest size into 64
    // partitions of the smallest segments, deleted after the shortest retention; the fastest
    // consumers fall behind, so lag, segments and retention all keep moving.
    let mut params = kafka::KafkaParams {
        topic: kafka::Topic {
            partitions: kafka::validate::MAX_PARTITIONS,
            record_bytes: 10,
            retention_ms: 60_000,
            retention_bytes: None,
            segment_bytes: 1_048_576,
            retention_check_interval_ms: 1_000,
        },
        producer: kafka::Producer {
            events_per_second: 1_000_000,
            peak: kafka::Peak { multiplier: 100, start_ms: 0, duration_ms: MAX_SIM_MS },
            broker_bytes_per_second: 10_000_000_000,
            ..Default::default()
        },
        ..Default::default()
    };
    for group in &mut params.groups {
        group.members = 16;
        group.max_poll_records = 10_000;
        group.processing.per_record_us = 1;
        group.downstream.records_per_second = Some(10_000_000);
    }
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
    // The campaign's rate all day on top of the normal rate's maximum, a million messages at the
    // start, the largest batches of the fastest handler, and every concurrency at its maximum.
    let mut params = sqs::SqsParams {
        arrivals: sqs::Arrivals {
            messages_per_minute: 1_000_000,
            initial_messages: 1_000_000,
            poison_percent: 1,
            spike: Some(sqs::Spike { start_seconds: 0, duration_seconds: MAX_SIM_MS / 1000, messages_per_minute: 1_000_000 }),
        },
        queue: sqs::Queue {
            visibility_timeout: 900,
            message_retention_period: 60,
            redrive_policy: Some(sqs::RedrivePolicy { max_receive_count: 1 }),
        },
        ..Default::default()
    };
    params.event_source_mapping.batch_size = 10_000;
    params.event_source_mapping.maximum_batching_window_in_seconds = 1;
    // Each batch of 10,000 holds poison: without partial responses every batch would fail whole.
    params.event_source_mapping.function_response_types = vec![sqs::FunctionResponseType::ReportBatchItemFailures];
    params.function.timeout = 900;
    params.function.handler_ms_per_message = 1;
    params.account.concurrent_executions = 10_000;
    params.database.max_connections = 5_000;
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

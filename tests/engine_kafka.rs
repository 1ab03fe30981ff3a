#![cfg(not(target_arch = "wasm32"))]
//! Engine tests of the Kafka model: determinism, step slicing, conservation at every step,
//! bounded memory, assignment, pause at the next fetch, eviction timing in both client models.

use backpressure_playground::engine::kafka::{
    assignment, Assignor, Client, EventSource, Group, GroupEvent, KafkaParams, KafkaSim, MemberState, OffsetReset, Outage, Processing,
    Producer, Topic, MAX_SEGMENTS, STEP_MS,
};
use backpressure_playground::engine::Millis;
use backpressure_playground::scenario::{preset, System};
use proptest::prelude::*;

mod common;
use common::kafka::assert_conserved;

fn preset_params(name: &str) -> (KafkaParams, u64) {
    let scenario = preset(name).unwrap_or_else(|| panic!("no preset {name}")).scenario();
    let System::Kafka(params) = scenario.system else { panic!("{name} is not a Kafka preset") };
    (params, scenario.seed)
}

fn run_checked(sim: &mut KafkaSim, steps: u64, context: &str) {
    for _ in 0..steps {
        sim.step();
        assert_conserved(sim, context);
    }
}

const PRESETS: &[&str] = &[
    "article-peak",
    "producer-blocked",
    "falling-off-latest",
    "falling-off-earliest",
    "k1-poll-interval-loop",
    "k3-kafkajs-slow-handler",
    "k6-batch-too-big",
    "k7-rebalance-storm",
];

#[test]
fn same_params_and_seed_give_the_same_run() {
    for name in ["article-peak", "k7-rebalance-storm", "falling-off-latest"] {
        let (params, seed) = preset_params(name);
        let mut a = KafkaSim::new(params.clone(), seed);
        let mut b = KafkaSim::new(params, seed);
        a.run_until(1_500_000);
        b.run_until(1_500_000);
        assert_eq!(a.groups(), b.groups(), "{name}");
        assert_eq!(a.logs(), b.logs(), "{name}");
        assert_eq!(a.producer(), b.producer(), "{name}");
    }
}

#[test]
fn the_seed_changes_drawn_processing_times() {
    let (params, _) = preset_params("article-peak");
    let mut a = KafkaSim::new(params.clone(), 1);
    let mut b = KafkaSim::new(params, 2);
    a.run_until(90_000);
    b.run_until(90_000);
    assert_ne!(a.groups()[0].counters.processed, b.groups()[0].counters.processed, "uniform spread is seeded");
}

#[test]
fn results_do_not_depend_on_how_the_caller_slices_time() {
    let (params, seed) = preset_params("article-peak");
    let mut whole = KafkaSim::new(params.clone(), seed);
    whole.run_until(200_000);
    let mut sliced = KafkaSim::new(params, seed);
    let mut t = 0;
    for slice in [7, 130, 1, 4_999, 60_003].iter().cycle() {
        t = (t + slice).min(200_000);
        sliced.run_until(t);
        if t == 200_000 {
            break;
        }
    }
    assert_eq!(whole.now(), sliced.now());
    assert_eq!(whole.groups(), sliced.groups());
    assert_eq!(whole.logs(), sliced.logs());
}

#[test]
fn every_preset_conserves_records_at_every_step() {
    for name in PRESETS {
        let (params, seed) = preset_params(name);
        let mut sim = KafkaSim::new(params, seed);
        // 20 simulated minutes covers each preset's peak, outage or first evictions.
        run_checked(&mut sim, 1_200_000 / STEP_MS, name);
    }
}

#[test]
fn memory_stays_bounded_at_100k_events_per_second_for_an_hour() {
    let params = KafkaParams {
        topic: Topic { partitions: 8, segment_bytes: 1_048_576, retention_ms: 600_000, ..Topic::default() },
        producer: Producer { events_per_second: 100_000, ..Producer::default() },
        groups: vec![Group { members: 4, processing: Processing { per_record_us: 20, ..Processing::default() }, ..Group::named("analytics") }],
    };
    let sizes = |sim: &KafkaSim| {
        (
            sim.logs().iter().map(|l| l.closed.len()).max().unwrap(),
            sim.recent_events().count(),
            sim.groups()[0].lag_series.points().len(),
            sim.producer().blocked.len(),
        )
    };
    let mut sim = KafkaSim::new(params, 1);
    sim.run_until(60_000);
    let minute = sizes(&sim);
    sim.run_until(3_600_000);
    let hour = sizes(&sim);
    // 100k/s for an hour = 360 M records, kept as offset ranges only.
    assert_eq!(sim.produced(), 360_000_000);
    // Segments: bounded by MAX_SEGMENTS (retention keeps ≈ 600 s × 12,500/s / 1,048 ≈ 7,200 per
    // partition without the cap).
    assert!(hour.0 <= MAX_SEGMENTS, "{hour:?}");
    assert!(hour.1 <= 64 && hour.2 <= 256 && hour.3 <= 61, "hour {hour:?} vs minute {minute:?}");
}

#[test]
fn assignment_follows_range_and_round_robin() {
    assert_eq!(assignment(Assignor::Range, 7, 3), vec![vec![0, 1, 2], vec![3, 4], vec![5, 6]]);
    assert_eq!(assignment(Assignor::Roundrobin, 7, 3), vec![vec![0, 3, 6], vec![1, 4], vec![2, 5]]);
    // In a running group: 6 partitions, 9 members → 3 idle, each partition owned once.
    let params = KafkaParams {
        topic: Topic { partitions: 6, ..Topic::default() },
        groups: vec![Group { members: 9, ..Group::named("g") }],
        ..KafkaParams::default()
    };
    let mut sim = KafkaSim::new(params, 1);
    sim.run_until(10_000);
    let group = &sim.groups()[0];
    assert_eq!(group.members.iter().filter(|m| m.assigned.is_empty()).count(), 3);
    assert_eq!(group.members.iter().filter(|m| m.processed > 0).count(), 6, "idle members process nothing");
    for (p, cursor) in group.cursors.iter().enumerate() {
        let owner = cursor.owner.expect("owned");
        assert!(group.members[owner].assigned.contains(&p));
    }
}

#[test]
fn pause_takes_effect_at_the_next_fetch_and_does_not_rewind() {
    // K4's documented semantics: records already fetched are still processed; nothing new is
    // fetched from paused partitions until resume(); committed offsets are not rewound.
    let (params, seed) = preset_params("article-peak");
    let mut sim = KafkaSim::new(params, seed);
    let mut checked = 0;
    while sim.now() < 200_000 && checked < 3 {
        sim.step();
        let now = sim.now();
        let paused: Vec<usize> = sim
            .recent_events()
            .rev()
            .take_while(|e| e.at_ms == now)
            .filter_map(|e| match e.source {
                EventSource::Group { group: 0, event: GroupEvent::Paused { member } } => Some(member),
                _ => None,
            })
            .collect();
        for member in paused {
            let group = &sim.groups()[0];
            let m = &group.members[member];
            let until = m.paused_until.expect("paused");
            assert_eq!(until, now + 30_000, "the article's 30 s cooldown");
            let in_hand = m.batch.as_ref().map(|b| b.total - b.done).unwrap_or(0);
            assert!(in_hand > 0, "the pause came while a batch was in hand");
            let partitions = m.assigned.clone();
            let positions: Vec<u64> = partitions.iter().map(|&p| group.cursors[p].position).collect();
            let committed: Vec<Option<u64>> = partitions.iter().map(|&p| group.cursors[p].committed).collect();
            let processed = m.processed;
            let mut probe = sim.clone();
            while probe.now() + STEP_MS < until {
                probe.step();
                let g = &probe.groups()[0];
                let now_positions: Vec<u64> = partitions.iter().map(|&p| g.cursors[p].position).collect();
                assert_eq!(now_positions, positions, "no fetch from paused partitions");
                for (&p, before) in partitions.iter().zip(&committed) {
                    assert!(g.cursors[p].committed >= *before, "pause never rewinds a commit");
                }
            }
            let after = &probe.groups()[0].members[member];
            assert_eq!(after.processed, processed + in_hand, "the fetched batch was still processed");
            probe.run_until(until + 2 * STEP_MS);
            let g = &probe.groups()[0];
            let resumed: Vec<u64> = partitions.iter().map(|&p| g.cursors[p].position).collect();
            assert!(resumed.iter().zip(&positions).any(|(a, b)| a > b), "resume() fetches again");
            checked += 1;
        }
    }
    assert!(checked >= 1, "the article preset pauses during its peak");
}

#[test]
fn the_kafkajs_2_pause_bug_replays_the_batch_once() {
    // K4 (tulios/kafkajs#1376), the optional toggle: with it, each pause() delivers the batch in
    // hand once more; without it (the documented semantics) nothing is processed twice.
    let run = |bug: bool| {
        let (mut params, seed) = preset_params("article-peak");
        params.groups[0].client = Client::Kafkajs;
        params.groups[0].kafkajs2_pause_bug = bug;
        let mut sim = KafkaSim::new(params, seed);
        run_checked(&mut sim, 200_000 / STEP_MS, "pause bug");
        sim.groups()[0].counters
    };
    let (fixed, buggy) = (run(false), run(true));
    assert_eq!(fixed.duplicates, 0);
    assert!(fixed.pauses > 0);
    // At most one replayed batch (≤ max.poll.records = 500) per pause, and at least one record.
    assert!(buggy.duplicates > 0 && buggy.duplicates <= 500 * buggy.pauses, "{buggy:?}");
}

/// Times of this group's evictions and the gaps that caused them.
fn evictions(sim: &KafkaSim) -> Vec<(Millis, Millis)> {
    sim.recent_events()
        .filter_map(|e| match e.source {
            EventSource::Group { event: GroupEvent::Evicted { gap_ms, .. }, .. } => Some((e.at_ms, gap_ms)),
            _ => None,
        })
        .collect()
}

#[test]
fn kafkajs_evicts_after_session_timeout_without_heartbeat() {
    let (params, seed) = preset_params("k3-kafkajs-slow-handler");
    let mut sim = KafkaSim::new(params, seed);
    sim.run_until(33_000);
    let evicted = evictions(&sim);
    // The one record arrives at 1 s and is fetched then; no heartbeat for 30 s → out at 31 s.
    assert_eq!(evicted.len(), 1);
    let (at, gap) = evicted[0];
    assert!((30_000..=30_000 + STEP_MS).contains(&gap), "gap {gap}");
    assert!((31_000..=31_000 + 2 * STEP_MS).contains(&at), "at {at}");
    assert_eq!(sim.groups()[0].members[0].state, MemberState::Zombie, "still inside its handler (until 36 s)");
}

#[test]
fn java_evicts_after_max_poll_interval_only() {
    let (params, seed) = preset_params("k6-batch-too-big");
    let mut sim = KafkaSim::new(params, seed);
    sim.run_until(1_000_000);
    let evicted = evictions(&sim);
    assert_eq!(evicted.len(), 1);
    let (at, gap) = evicted[0];
    // Joined at 600 s + rebalanceMs 3 s, polled 500 records, out when the gap passes 300 s.
    assert!((300_000..=300_000 + STEP_MS).contains(&gap), "gap {gap}");
    assert!((903_000..=903_000 + 3 * STEP_MS).contains(&at), "at {at}");
    // Records 0–299 were done by then (1 s each).
    let cursor = &sim.groups()[0].cursors[0];
    assert!(cursor.frontier >= 300, "{cursor:?}");
}

#[test]
fn a_rebalance_restarts_from_the_committed_offset_and_counts_duplicates() {
    let (params, seed) = preset_params("k6-batch-too-big");
    let mut sim = KafkaSim::new(params, seed);
    // The zombie finishes at ≈ 1,103 s (500 s after its poll), rejoins, and the batch starts over.
    sim.run_until(1_300_000);
    let group = &sim.groups()[0];
    assert_eq!(group.cursors[0].committed, Some(0));
    assert_eq!(group.counters.commit_failures, 1);
    // 500 distinct in the first pass; the second pass re-processes from 0: ≈ 194 by 1,300 s.
    assert_eq!(group.counters.distinct, 500);
    assert!((150..=200).contains(&group.counters.duplicates), "{:?}", group.counters);
}

#[test]
fn retention_reset_counts_lost_records_exactly() {
    // One partition, 100/s, segments of 100 records (100 kB / 1 kB), retention 60 s checked
    // every second; the group is down 10 s → 200 s.
    let params = KafkaParams {
        topic: Topic { partitions: 1, segment_bytes: 1_048_576, record_bytes: 10_486, retention_ms: 60_000, retention_check_interval_ms: 1_000, ..Topic::default() },
        producer: Producer { events_per_second: 100, ..Producer::default() },
        groups: vec![Group {
            members: 1,
            auto_offset_reset: OffsetReset::Earliest,
            outage: Some(Outage { start_ms: 10_000, duration_ms: 190_000 }),
            ..Group::named("g")
        }],
    };
    let mut sim = KafkaSim::new(params, 1);
    run_checked(&mut sim, 210_000 / STEP_MS, "retention");
    let group = &sim.groups()[0];
    let log = &sim.logs()[0];
    // Lost = what was deleted beyond what the group had processed before going down.
    assert!(group.counters.lost > 0);
    assert!(log.start > 0);
    assert_eq!(group.cursors[0].lost, group.counters.lost);
    assert!(group.counters.lost <= log.start, "earliest loses only deleted records");
}

#[test]
fn idle_members_without_partitions_are_never_evicted() {
    let (params, seed) = preset_params("k1-poll-interval-loop");
    let mut sim = KafkaSim::new(params, seed);
    sim.run_until(250_000);
    // Member 1 has no partition (1 partition, 2 members) but polls all the time.
    let idle = &sim.groups()[0].members[1];
    assert!(idle.assigned.is_empty());
    assert!(sim.now() - idle.last_poll <= STEP_MS);
}

// ---------------------------------------------------------------------------------------------
// Random parameters
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn conservation_holds_for_any_valid_params(params in common::kafka::params(), seed in any::<u64>()) {
        prop_assert!(backpressure_playground::engine::kafka::validate(&params).is_ok(), "{:?}", backpressure_playground::engine::kafka::validate(&params));
        let mut sim = KafkaSim::new(params, seed);
        run_checked(&mut sim, 9_000, "proptest");
    }
}

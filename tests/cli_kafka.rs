#![cfg(not(target_arch = "wasm32"))]
//! The Kafka cases, reproduced through the real `bpsim` binary: `bpsim preset NAME | (edit) |
//! bpsim run -`, with the JSON summary parsed back. Each numeric expectation says where it
//! comes from: the preset's arithmetic, or the source case in docs/semantics.md §4.

use serde_json::Value;

mod common;
use common::{bpsim, num, preset, run_preset};


/// The first (or only) group's settings in a scenario.
fn group0(scenario: &mut Value) -> &mut Value {
    &mut scenario["params"]["groups"][0]
}

fn group<'a>(summary: &'a Value, id: &str) -> &'a Value {
    summary["groups"].as_array().unwrap().iter().find(|g| g["group_id"] == id).unwrap_or_else(|| panic!("no group {id}"))
}

fn committed(group: &Value) -> Vec<f64> {
    group["committed"].as_array().unwrap().iter().map(|c| c.as_f64().unwrap_or(0.0)).collect()
}

fn assert_between(what: &str, value: f64, low: f64, high: f64) {
    assert!((low..=high).contains(&value), "{what} = {value} is outside {low}..={high}");
}

// ---------------------------------------------------------------------------------------------
// The summary's contract and errors
// ---------------------------------------------------------------------------------------------

#[test]
fn the_summary_has_the_promised_keys() {
    let summary = run_preset("article-peak", |s| s["duration_ms"] = 10_000.into());
    for key in ["sim_ms", "produced", "rebalances", "duplicates", "lost", "producer_blocked_ms", "send_failures", "groups"] {
        assert!(summary.get(key).is_some(), "{key} missing from {summary}");
    }
    for key in ["lag", "max_lag", "committed", "duplicates", "rebalances", "lost_to_retention", "processed"] {
        assert!(summary["groups"][0].get(key).is_some(), "groups[].{key} missing");
    }
    assert_eq!(summary["scenario"], "kafka");
    assert_eq!(num(&summary, "sim_ms"), 10_000.0);
}

#[test]
fn a_bad_kafka_field_is_named() {
    let mut scenario = preset("article-peak");
    scenario["params"]["groups"][1]["max.poll.records"] = 0.into();
    let out = bpsim(&["run", "-"], Some(&scenario.to_string()));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("params.groups[1].max.poll.records: 0 is out of range (1..=10000)"), "{stderr}");

    let mut scenario = preset("article-peak");
    scenario["params"]["topic"]["retention.msec"] = 1.into();
    let out = bpsim(&["run", "-"], Some(&scenario.to_string()));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("params.topic") && stderr.contains("retention.msec"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// The article's 10× peak (article-brief.md, Problem 2)
// ---------------------------------------------------------------------------------------------

#[test]
fn article_peak_lag_rises_during_the_peak_and_drains_after_it() {
    let summary = run_preset("article-peak", |_| {});
    // 2,000/s × 540 s + 20,000/s × 60 s = 2,280,000 events, all appended (20 MB/s < 100 MB/s brokers).
    assert_eq!(num(&summary, "produced"), 2_280_000.0);
    assert_eq!(num(&summary, "producer_blocked_ms"), 0.0);
    // The log absorbs the difference: nothing lost, nothing processed twice, no rebalance.
    assert_eq!(num(&summary, "lost"), 0.0);
    assert_eq!(num(&summary, "duplicates"), 0.0);
    assert_eq!(num(&summary, "rebalances"), 0.0);

    let analytics = group(&summary, "analytics");
    // Its database takes 5,000/s (+ 100,000 queued), so during 60 s at 20,000/s lag grows by
    // ≈ 15,000/s × 60 s − 100,000 ≈ 800,000; in between, pauses let a little more through.
    assert_between("analytics max lag", num(analytics, "max_lag"), 700_000.0, 1_000_000.0);
    // It paused: backlog reached 100,000 → pause() for 30 s, several times during the peak.
    assert!(num(analytics, "pauses") >= 4.0, "{analytics}");
    // After the peak it drains at 5,000 − 2,000 = 3,000/s: ≈ 270 s, done well before 600 s;
    // what is left is about one auto-commit interval (5 s × 2,000/s = 10,000).
    assert!(num(analytics, "lag") <= 12_000.0, "{analytics}");

    let audit = group(&summary, "audit");
    // 3 members × 2,500/s = 7,500/s: lag grows ≈ 12,500/s × 60 s = 750,000.
    assert_between("audit max lag", num(audit, "max_lag"), 650_000.0, 850_000.0);
    assert_eq!(num(audit, "pauses"), 0.0, "audit has no downstream limit");
    assert!(num(audit, "lag") <= 12_000.0, "{audit}");
    // Both groups read every record once.
    for g in [analytics, audit] {
        assert_eq!(num(g, "duplicates"), 0.0);
        assert!(num(g, "distinct") >= 2_280_000.0 - 100.0, "{g}");
    }
}

#[test]
fn a_slow_broker_blocks_send_and_then_send_throws() {
    let summary = run_preset("producer-blocked", |_| {});
    // 20,000/s × 1 kB offered to 5 MB/s brokers: buffer.memory (32 MiB ≈ 33,554 records) fills in
    // 33,554 / 15,000/s ≈ 2.2 s, then send() blocks for the rest of the 120 s peak and beyond.
    assert!(num(&summary, "producer_blocked_ms") >= 100_000.0, "{summary}");
    // Blocked longer than max.block.ms (60 s): roughly (20,000 − 5,000)/s × (120 − 60) s ≈ 900k+ throw.
    assert!(num(&summary, "send_failures") >= 500_000.0, "{summary}");
    // The brokers never take more than 5 MB/s = 5,000 records/s: 600 s × 5,000 = 3,000,000 at most.
    assert!(num(&summary, "produced") <= 3_000_000.0);
    // Every generated event is appended, still pending, or failed.
    assert_eq!(
        num(&summary, "generated"),
        num(&summary, "produced") + num(&summary, "send_failures") + num(&summary, "producer_pending")
    );
}

// ---------------------------------------------------------------------------------------------
// Falling off the end of retention (semantics.md §2.4)
// ---------------------------------------------------------------------------------------------

#[test]
fn falling_off_retention_loses_more_with_latest_than_with_earliest() {
    let latest = run_preset("falling-off-latest", |_| {});
    let earliest = run_preset("falling-off-earliest", |_| {});
    let (l, e) = (group(&latest, "audit"), group(&earliest, "audit"));
    // Retention (10 min, checked every 30 s, whole 1,048-record segments) deletes records
    // audit had not read during its 20-minute outage: both lose something.
    assert!(num(e, "lost_to_retention") > 0.0);
    // earliest loses only what was deleted: at most the deleted total.
    assert!(num(e, "lost_to_retention") <= num(&earliest, "deleted_by_retention"));
    // latest also skips the retained but unread records (≈ 10 min × 200/s = 120,000 more).
    assert!(num(l, "lost_to_retention") >= num(e, "lost_to_retention") + 100_000.0, "{l} vs {e}");
    // analytics never went away and lost nothing.
    assert_eq!(num(group(&latest, "analytics"), "lost_to_retention"), 0.0);
    // Retention is segment-granular: produced = retained + deleted.
    for s in [&latest, &earliest] {
        assert_eq!(num(s, "produced"), num(s, "retained") + num(s, "deleted_by_retention"));
    }
}

// ---------------------------------------------------------------------------------------------
// K1: aio-libs/aiokafka#848, processing > max.poll.interval.ms
// ---------------------------------------------------------------------------------------------

#[test]
fn k1_committed_offset_never_moves_and_redelivery_grows() {
    let summary = run_preset("k1-poll-interval-loop", |_| {});
    let worker = group(&summary, "worker");
    // The record takes 420 s > 300 s: no commit ever succeeds (semantics.md K1).
    assert_eq!(committed(worker), vec![0.0]);
    // Rebalances roughly every 300 s: 3,600 s / 300 s = 12 (each member's poll deadline).
    assert_between("rebalances", num(worker, "rebalances"), 10.0, 13.0);
    // The same record completes again and again: each thrown-out member finishes it 420 s after
    // its fetch (≈ 10 times in an hour), every completion after the first is a duplicate.
    assert_eq!(num(worker, "distinct"), 1.0);
    assert!(num(worker, "duplicates") >= 8.0, "{worker}");
    // Each late finisher's commit fails (CommitFailedException / UnknownMemberId).
    assert!(num(worker, "commit_failures") >= 8.0);
    // Lag grows with the producer: 1 record/s for an hour, nothing committed.
    assert_eq!(num(worker, "lag"), 3_600.0);

    // Shorter than an hour, fewer repeats: N grows with time, without bound.
    let half = run_preset("k1-poll-interval-loop", |s| s["duration_ms"] = 1_800_000.into());
    assert!(num(group(&half, "worker"), "duplicates") < num(worker, "duplicates"));
}

#[test]
fn k1_a_poll_interval_above_the_processing_time_ends_the_loop() {
    let summary = run_preset("k1-poll-interval-loop", |s| group0(s)["max.poll.interval.ms"] = 600_000.into());
    let worker = group(&summary, "worker");
    assert_eq!(num(worker, "rebalances"), 0.0);
    assert_eq!(num(worker, "duplicates"), 0.0);
    // One record per 420 s, committed as it goes: 3,600 / 420 = 8 records done in the hour.
    assert_between("committed", committed(worker)[0], 7.0, 9.0);
}

// ---------------------------------------------------------------------------------------------
// K3: tulios/kafkajs#447, a handler longer than sessionTimeout
// ---------------------------------------------------------------------------------------------

#[test]
fn k3_kafkajs_slow_handler_rebalances_and_redelivers() {
    let summary = run_preset("k3-kafkajs-slow-handler", |_| {});
    let handler = group(&summary, "handler");
    // No heartbeat for 35 s > sessionTimeout 30 s: thrown out, rebalance, processed again.
    assert!(num(handler, "rebalances") >= 1.0);
    assert!(num(handler, "evictions") >= 1.0);
    // The one message was processed at least twice although the handler succeeded each time.
    assert_eq!(num(handler, "distinct"), 1.0);
    assert!(num(handler, "duplicates") >= 1.0, "{handler}");
    assert_eq!(committed(handler), vec![0.0], "the commit is rejected");
}

#[test]
fn k3_heartbeat_inside_each_batch_prevents_the_rebalance() {
    let summary = run_preset("k3-kafkajs-slow-handler", |s| group0(s)["heartbeatInEachBatch"] = true.into());
    let handler = group(&summary, "handler");
    assert_eq!(num(handler, "rebalances"), 0.0);
    assert_eq!(num(handler, "duplicates"), 0.0);
    // Auto-commit (5 s) commits offset 1 after the handler returns.
    assert_eq!(committed(handler), vec![1.0]);
}

#[test]
fn k3_the_java_client_with_the_same_handler_does_not_rebalance() {
    let summary = run_preset("k3-kafkajs-slow-handler", |s| group0(s)["client"] = "java".into());
    let handler = group(&summary, "handler");
    // Background heartbeats; 35 s < max.poll.interval.ms 300 s.
    assert_eq!(num(handler, "rebalances"), 0.0);
    assert_eq!(num(handler, "duplicates"), 0.0);
    assert_eq!(committed(handler), vec![1.0]);
}

// ---------------------------------------------------------------------------------------------
// K6: spring-projects/spring-kafka#742, 500 × 1 s > 300 s
// ---------------------------------------------------------------------------------------------

#[test]
fn k6_a_batch_longer_than_the_poll_interval_starts_over_forever() {
    let summary = run_preset("k6-batch-too-big", |_| {});
    let listener = group(&summary, "listener");
    // The group joins at 600 s (one rebalance), polls 500 records at ≈ 603 s, is thrown out at
    // ≈ 903 s with records 0–299 done, rejoins after finishing at ≈ 1,103 s (second and third
    // rebalances), starts over from 0 and is thrown out again at ≈ 1,406 s.
    assert!(num(listener, "evictions") >= 2.0, "{listener}");
    assert!(num(listener, "rebalances") >= 3.0);
    // The committed offset does not move.
    assert_eq!(committed(listener), vec![0.0]);
    // Records 0–299 (and more) were processed again on the second pass: ≥ 300 duplicates.
    assert!(num(listener, "duplicates") >= 300.0, "{listener}");
    // Only the first batch's 500 records were ever seen.
    assert_eq!(num(listener, "distinct"), 500.0);
}

#[test]
fn k6_a_hundred_records_per_poll_runs_steadily() {
    let summary = run_preset("k6-batch-too-big", |s| group0(s)["max.poll.records"] = 100.into());
    let listener = group(&summary, "listener");
    // 100 × 1 s = 100 s < 300 s: only the join at 600 s, no duplicates.
    assert_eq!(num(listener, "rebalances"), 1.0);
    assert_eq!(num(listener, "evictions"), 0.0);
    assert_eq!(num(listener, "duplicates"), 0.0);
    // 1 record/s from ≈ 603 s to 1,800 s, committed per 100-record batch: ≈ 1,100.
    assert_between("committed", committed(listener)[0], 1_000.0, 1_200.0);
}

// ---------------------------------------------------------------------------------------------
// K7: rebalance storms when scaling out near the deadline
// ---------------------------------------------------------------------------------------------

#[test]
fn k7_more_members_near_the_deadline_mean_more_rebalances_and_more_lag() {
    let twenty = run_preset("k7-rebalance-storm", |_| {});
    let forty = run_preset("k7-rebalance-storm", |s| group0(s)["members"] = 40.into());
    let (a, b) = (group(&twenty, "enricher"), group(&forty, "enricher"));
    // 20 busy members share 36 DB records/s: 500 records take 250–306 s, a few miss 300 s.
    // 40 share it too: 500–611 s, every batch misses. More rebalances, more duplicates …
    assert!(num(b, "rebalances") > num(a, "rebalances"), "{a} vs {b}");
    assert!(num(b, "duplicates") > 5.0 * num(a, "duplicates"), "{a} vs {b}");
    // … and less committed work, so lag ends higher ("lag rise faster, throughput drops").
    let progress = |g: &Value| committed(g).iter().sum::<f64>();
    assert!(progress(b) < progress(a), "committed {} vs {}", progress(b), progress(a));
    assert!(num(b, "lag") > 3.0 * num(a, "lag"), "{a} vs {b}");
    // With 20, the group keeps up: the 36,000-record backlog (20 min × 30/s) is mostly gone.
    assert!(num(a, "lag") < 36_000.0);
}

#[test]
fn k7_members_beyond_the_partition_count_sit_idle() {
    let summary = run_preset("k7-rebalance-storm", |s| {
        s["duration_ms"] = 1_230_000.into();
        group0(s)["members"] = 48.into();
    });
    let g = group(&summary, "enricher");
    // 40 partitions, 48 members: after the join at 1,200 s only 40 hold partitions.
    assert_eq!(num(g, "members"), 48.0);
    assert_eq!(num(g, "members_with_partitions"), 40.0);
}

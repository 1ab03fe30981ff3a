#![cfg(not(target_arch = "wasm32"))]
//! The SQS + Lambda cases, reproduced through the CLI path a reader would use:
//! `bpsim preset NAME | (edit) | bpsim run -`, with the JSON summary parsed back.
//!
//! Every numeric expectation says where it comes from: the case in docs/semantics.md §4, the
//! article (docs/article-brief.md, Problem 3), or the model's arithmetic on the preset.

use serde_json::Value;

mod common;
use common::{bpsim, num, preset, run, run_preset};


fn assert_between(what: &str, value: f64, low: f64, high: f64) {
    assert!((low..=high).contains(&value), "{what} = {value} is outside {low}..={high}");
}

fn warnings(summary: &Value) -> Vec<String> {
    summary["warnings"].as_array().expect("warnings is a list").iter().map(|w| w.as_str().unwrap().to_string()).collect()
}

/// sent = completed + visible + in flight + DLQ + expired, from the printed summary.
fn assert_conserved(s: &Value) {
    let total = ["completed", "visible", "in_flight", "dlq", "expired"].iter().map(|k| num(s, k)).sum::<f64>();
    assert_eq!(num(s, "sent"), total, "{s}");
}

#[test]
fn the_summary_has_every_key_the_cli_promises() {
    let s = run_preset("normal-day", |s| s["duration_ms"] = 60_000.into());
    for key in [
        "sim_ms", "sent", "completed", "dlq", "visible", "in_flight", "peak_concurrency", "throttles", "invocations",
        "handler_errors", "peak_connections", "connections_refused", "processed_more_than_once", "max_age_of_oldest_ms",
        "warnings",
    ] {
        assert!(!s[key].is_null(), "{key} missing from {s}");
    }
    assert_eq!(s["scenario"], "sqs-lambda");
    // 50 messages a minute for a minute (the first step's share arrives at 100 ms… 60 s).
    assert_between("sent", num(&s, "sent"), 49.0, 50.0);
    assert_conserved(&s);
}

// ---------------------------------------------------------------------------------------------
// L2: AWS's demo, reserved concurrency 5 against MaximumConcurrency 5
// ---------------------------------------------------------------------------------------------

#[test]
fn l2_reserved_concurrency_throttles_and_fills_the_dlq() {
    let s = run_preset("l2-reserved", |_| {});
    // L2: "the same concurrent invocations fixed at 5".
    assert_eq!(num(&s, "peak_concurrency"), 5.0);
    // L2: "the ReservedConcurrencyFunction experienced throttling, and messages were sent to the DLQ".
    assert!(num(&s, "throttles") > 0.0, "{s}");
    assert!(num(&s, "dlq") > 0.0, "{s}");
    // The handler itself never failed: the DLQ holds messages that were throttled, not broken.
    assert_eq!(num(&s, "handler_errors"), 0.0);
    assert_eq!(num(&s, "sent"), 25.0); // template: 25 messages sent
    assert_conserved(&s);
}

#[test]
fn l2_maximum_concurrency_processes_all_25_without_throttles() {
    let s = run_preset("l2-max-concurrency", |_| {});
    // L2: peak ConcurrentExecutions = 5 here too.
    assert_eq!(num(&s, "peak_concurrency"), 5.0);
    // L2: "whereas MaxConcurrencyFunction did not": no throttles, no DLQ, all 25 processed.
    assert_eq!(num(&s, "throttles"), 0.0);
    assert_eq!(num(&s, "dlq"), 0.0);
    assert_eq!(num(&s, "completed"), 25.0);
    // L2: 25 / 5 × 10 s = 50 s at least; the first batches start at the first 100 ms step.
    assert_between("last completion (ms)", num(&s, "last_completed_at_ms"), 50_000.0, 50_200.0);
}

// ---------------------------------------------------------------------------------------------
// L4: a burst, connections follow concurrency, 53300 at max_connections − reserved
// ---------------------------------------------------------------------------------------------

#[test]
fn l4_connections_track_concurrency_until_the_server_is_full() {
    let s = run_preset("l4-burst-connections", |_| {});
    // L4: ConcurrentExecutions reached 110 (the preset's MaximumConcurrency stands in for the burst).
    assert_eq!(num(&s, "peak_concurrency"), 110.0);
    // L4: connections follow 1:1, but stop at max_connections 100 − superuser_reserved_connections 3.
    assert_eq!(num(&s, "peak_connections"), 97.0);
    // …so the rest are refused with 53300.
    assert!(num(&s, "connections_refused") > 0.0);
    assert!(num(&s, "handler_errors") > 0.0);
    // The pollers ramp 5 → +5 a second: the 98th concurrent invocation arrives after (98 − 5) / 5 ≈ 18.6 s.
    assert_between("first refusal (ms)", num(&s, "first_refusal_at_ms"), 18_000.0, 19_500.0);
    assert_conserved(&s);
}

#[test]
fn l4_capping_concurrency_within_the_pool_removes_connection_errors() {
    // L4's fix: reserved concurrency 33 × one connection per warm container ≤ 97 available.
    let fixed = run_preset("l4-reserved-fix", |_| {});
    assert_eq!(num(&fixed, "connections_refused"), 0.0);
    assert_eq!(num(&fixed, "handler_errors"), 0.0);
    assert_eq!(num(&fixed, "peak_connections"), 33.0);
    assert_eq!(num(&fixed, "completed"), 2_200.0); // every request of the burst is served
    // The same cap as MaximumConcurrency: no errors and, unlike the reservation, no throttles either.
    let capped = run_preset("l4-burst-connections", |s| {
        s["params"]["eventSourceMapping"]["ScalingConfig"]["MaximumConcurrency"] = 33.into();
    });
    assert_eq!(num(&capped, "connections_refused"), 0.0);
    assert_eq!(num(&capped, "throttles"), 0.0);
    assert_eq!(num(&capped, "completed"), 2_200.0);
    // Exactly at the limit still works: 97 concurrent invocations, 97 connections.
    let at_limit = run_preset("l4-burst-connections", |s| {
        s["params"]["eventSourceMapping"]["ScalingConfig"]["MaximumConcurrency"] = 97.into();
    });
    assert_eq!(num(&at_limit, "connections_refused"), 0.0);
    assert_eq!(num(&at_limit, "peak_connections"), 97.0);
}

// ---------------------------------------------------------------------------------------------
// L5: an SQS spike, MaximumConcurrency unset, "remaining connection slots are reserved"
// ---------------------------------------------------------------------------------------------

#[test]
fn l5_concurrency_climbs_until_postgres_refuses_then_messages_return_and_reach_the_dlq() {
    let s = run_preset("l5-sqs-burst", |_| {});
    // L5: climbs from 5 at +300/min (5 a second) past the 97 connections…
    assert!(num(&s, "peak_concurrency") > 97.0, "{s}");
    // …so the first refusal comes after (98 − 5) / 5 ≈ 18.6 s of ramp.
    assert_between("first refusal (ms)", num(&s, "first_refusal_at_ms"), 18_000.0, 19_500.0);
    assert!(num(&s, "connections_refused") > 0.0);
    // Failed invocations return their messages: more receives than messages…
    assert!(num(&s, "receives") > num(&s, "sent"), "{s}");
    // …and after maxReceiveCount 3 failures some land in the DLQ.
    assert!(num(&s, "dlq") > 0.0, "{s}");
    assert_conserved(&s);
}

#[test]
fn l5_rds_proxy_turns_refusals_into_waiting() {
    let direct = run_preset("l5-rds-proxy", |s| s["params"]["database"]["rdsProxy"] = false.into());
    let proxied = run_preset("l5-rds-proxy", |_| {});
    // L5: "RDS Proxy queues … application connections that can't be served immediately".
    assert_eq!(num(&proxied, "connections_refused"), 0.0);
    assert_eq!(num(&proxied, "handler_errors"), 0.0);
    assert_eq!(num(&proxied, "dlq"), 0.0);
    assert_eq!(num(&proxied, "completed"), num(&proxied, "sent"));
    // The price is latency: handlers wait for a connection (the queue holds ~900 invocations
    // served 97 per 5 s batch, so tens of seconds at the worst).
    assert!(num(&proxied, "max_connection_wait_ms") >= 10_000.0, "{proxied}");
    assert_eq!(num(&direct, "max_connection_wait_ms"), 0.0);
    assert!(num(&direct, "connections_refused") > 0.0);
}

// ---------------------------------------------------------------------------------------------
// The article (Problem 3)
// ---------------------------------------------------------------------------------------------

#[test]
fn article_campaign_scales_to_about_800_with_about_700_refused() {
    let s = run_preset("article-campaign", |_| {});
    // Problem 3: "Lambda scales fast to about 800 concurrent executions".
    assert_between("peak concurrency", num(&s, "peak_concurrency"), 750.0, 850.0);
    // "the database allows 100": 97 for ordinary clients (superuser_reserved_connections 3).
    assert_eq!(num(&s, "peak_connections"), 97.0);
    // "about 700 connections are refused": invocations without a connection at the peak.
    assert_between("refused at the peak", num(&s, "refused_at_peak"), 650.0, 750.0);
    // "Lambda retries, SQS re-delivers": failed batches come back, so receives exceed messages.
    assert!(num(&s, "receives") > num(&s, "sent") * 1.1, "{s}");
    assert!(num(&s, "handler_errors") > 1_000.0, "{s}");
    assert!(warnings(&s).iter().any(|w| w.starts_with("database.max_connections")), "{s}");
    assert_conserved(&s);
}

#[test]
fn article_capped_refuses_nothing_and_the_queue_absorbs_the_spike() {
    let s = run_preset("article-capped", |_| {});
    // The article's fix: "only 50 run at once".
    assert_eq!(num(&s, "peak_concurrency"), 50.0);
    assert_eq!(num(&s, "connections_refused"), 0.0);
    assert_eq!(num(&s, "handler_errors"), 0.0);
    assert_eq!(num(&s, "throttles"), 0.0); // MaximumConcurrency 50 = reserved 50
    assert_eq!(num(&s, "dlq"), 0.0);
    // "messages wait in the queue for a free slot": 2 min × 50,000/min arrive, 50 × 10 / 2 s = 250/s
    // are done, so tens of thousands wait and the oldest waits minutes.
    assert!(num(&s, "peak_visible") > 50_000.0, "{s}");
    assert!(num(&s, "max_age_of_oldest_ms") > 120_000.0, "{s}");
    // AWS: VisibilityTimeout should be ≥ 6 × Timeout = 180 s; the article's 60 s draws the warning.
    let warnings = warnings(&s);
    assert!(warnings[0].starts_with("queue.VisibilityTimeout") && warnings[0].contains("six times"), "{warnings:?}");
    assert_conserved(&s);
}

#[test]
fn visibility_below_the_function_timeout_is_refused_naming_the_field() {
    let mut scenario = preset("article-capped");
    scenario["params"]["queue"]["VisibilityTimeout"] = 20.into();
    let out = bpsim(&["run", "-"], Some(&scenario.to_string()));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("params.queue.VisibilityTimeout"), "{stderr}");
    assert!(stderr.contains("Queue visibility timeout: 20 seconds is less than Function timeout: 30 seconds"), "{stderr}");
}

#[test]
fn bad_fields_are_refused_with_their_path() {
    let mut scenario = preset("normal-day");
    scenario["params"]["eventSourceMapping"]["ScalingConfig"]["MaximumConcurrency"] = 1001.into();
    let out = bpsim(&["run", "-"], Some(&scenario.to_string()));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("params.eventSourceMapping.ScalingConfig.MaximumConcurrency: 1001"));
    let mut scenario = preset("normal-day");
    scenario["params"]["queue"]["visibilityTimeout"] = 60.into();
    let out = bpsim(&["run", "-"], Some(&scenario.to_string()));
    assert!(String::from_utf8_lossy(&out.stderr).contains("params.queue.visibilityTimeout"), "unknown fields are named");
}

#[test]
fn raising_the_timeout_after_the_mapping_exists_redelivers_running_messages() {
    let raised = run_preset("timeout-raised-later", |_| {});
    let never = run_preset("timeout-raised-later", |s| s["params"]["function"]["timeoutChange"] = Value::Null);
    // 40 s batches against a 30 s VisibilityTimeout: only once the 120 s Timeout lets them run do
    // their messages come back while the first copy still runs, and get processed twice.
    assert!(num(&raised, "redelivered_while_running") > 0.0);
    assert!(num(&raised, "processed_more_than_once") > 0.0);
    assert_eq!(num(&never, "redelivered_while_running"), 0.0);
    assert!(warnings(&raised).iter().any(|w| w.starts_with("function.timeoutChange")));
}

// ---------------------------------------------------------------------------------------------
// Failures that outlast their trigger: a retry storm after the campaign (issue 6)
// ---------------------------------------------------------------------------------------------

/// The metastable presets' campaign: 50,000/min from 60 s for 120 s.
const CAMPAIGN_ENDS_MS: f64 = 180_000.0;

#[test]
fn metastable_retry_storm_is_still_overloaded_ten_minutes_after_the_campaign() {
    // Cut the run at the campaign's end + 10 minutes.
    let s = run_preset("metastable-retry-storm", |s| s["duration_ms"] = (CAMPAIGN_ENDS_MS as u64 + 600_000).into());
    assert_eq!(num(&s, "spike_ended_at_ms"), CAMPAIGN_ENDS_MS);
    assert!(s["recovered_at_ms"].is_null() && s["recovery_ms"].is_null(), "{s}");
    assert!(num(&s, "visible") + num(&s, "in_flight") > 30_000.0, "{s}");
    // The retries are the load: hundreds of thousands of attempts a minute, tens per message.
    assert!(num(&s, "connection_attempts_per_message") > 20.0, "{s}");
    assert_eq!(num(&s, "peak_connections"), 97.0);
    assert_conserved(&s);
}

#[test]
fn metastable_retry_storm_ends_only_when_the_dlq_has_swallowed_the_campaign() {
    let s = run_preset("metastable-retry-storm", |_| {});
    // It does end (maxReceiveCount 5 drains the queue into the DLQ), twenty minutes later.
    assert_between("recovery (ms)", num(&s, "recovery_ms"), 900_000.0, 1_500_000.0);
    assert!(num(&s, "dlq") > num(&s, "completed"), "most of the campaign is in the DLQ: {s}");
    // Without a DLQ nothing ends it within the half hour.
    let forever = run_preset("metastable-retry-storm", |s| s["params"]["queue"]["RedrivePolicy"] = Value::Null);
    assert!(forever["recovery_ms"].is_null(), "{forever}");
}

#[test]
fn a_concurrency_cap_below_the_pool_or_jittered_backoff_recovers_within_five_minutes() {
    let capped = run_preset("metastable-capped", |_| {});
    assert_eq!(num(&capped, "connections_refused"), 0.0);
    assert_eq!(num(&capped, "dlq"), 0.0);
    assert_between("capped recovery (ms)", num(&capped, "recovery_ms"), 0.0, 300_000.0);
    assert_eq!(num(&capped, "recovered_at_ms"), CAMPAIGN_ENDS_MS + num(&capped, "recovery_ms"));
    let jittered = run_preset("metastable-jittered", |_| {});
    assert!(num(&jittered, "connections_refused") > 0.0, "it is refused, but retries rarely: {jittered}");
    assert_eq!(num(&jittered, "dlq"), 0.0);
    assert_between("jittered recovery (ms)", num(&jittered, "recovery_ms"), 0.0, 300_000.0);
    assert!(num(&jittered, "connection_attempts_per_message") < 2.0, "{jittered}");
}

#[test]
fn scenarios_written_before_retry_policies_still_run() {
    // A link or file from before: connectRetries and retryBackoffMs only, doubling.
    let mut scenario = preset("article-campaign");
    let db = scenario["params"]["database"].as_object_mut().expect("database is an object");
    for key in ["retryPolicy", "retryMaxBackoffMs", "connectCpuMicros", "vCpus"] {
        db.remove(key);
    }
    assert_eq!(run(&scenario), run(&preset("article-campaign")));
    let mut bad = preset("metastable-jittered");
    bad["params"]["database"]["retryPolicy"] = "linear".into();
    let out = bpsim(&["run", "-"], Some(&bad.to_string()));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("retryPolicy"), "{}", String::from_utf8_lossy(&out.stderr));
}

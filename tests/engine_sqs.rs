#![cfg(not(target_arch = "wasm32"))]
//! The SQS + Lambda engine's semantics (docs/semantics.md §3), checked through the library API.
//!
//! Every numeric expectation carries a comment saying where it comes from: the model's arithmetic
//! or the AWS / PostgreSQL rules as stated in semantics.md.

use backpressure_playground::engine::sqs::{
    validate, Arrivals, Database, EventSourceMapping, Function, FunctionResponseType, Queue, RedrivePolicy, ScalingConfig, SqsParams,
    SqsSim, SqsSummary, TimeoutChange, STEP_MS,
};
use backpressure_playground::engine::{Millis, Simulation};
use backpressure_playground::scenario::{preset, System};
use proptest::prelude::*;

mod common;
use common::sqs::assert_conserved;

fn sim(params: SqsParams, seed: u64) -> SqsSim {
    validate(&params).expect("test params are valid");
    SqsSim::new(params, seed)
}

fn preset_params(name: &str) -> SqsParams {
    match preset(name).expect("preset exists").scenario().system {
        System::SqsLambda(p) => p,
        other => panic!("{name} is not an SQS preset: {other:?}"),
    }
}

fn run_checked(s: &mut SqsSim, until: Millis, context: &str) {
    while s.now() < until {
        s.step();
        assert_conserved(s, context);
    }
}

/// Messages that always fail, so they must go round maxReceiveCount times.
fn all_poison(max_receive_count: u64) -> SqsParams {
    SqsParams {
        arrivals: Arrivals { messages_per_minute: 0, initial_messages: 100, poison_percent: 100, spike: None },
        queue: Queue { visibility_timeout: 10, redrive_policy: Some(RedrivePolicy { max_receive_count }), ..Queue::default() },
        function: Function { timeout: 1, jitter_percent: 0, ..Function::default() },
        ..SqsParams::default()
    }
}

#[test]
fn same_seed_same_run_and_the_seed_matters() {
    let mut params = preset_params("article-campaign");
    params.arrivals.poison_percent = 3;
    let run = |seed| {
        let mut s = sim(params.clone(), seed);
        s.run_until(240_000);
        SqsSummary::of(&s)
    };
    assert_eq!(run(7), run(7));
    // Poison split and handler jitter both draw from the seed.
    assert_ne!(run(7), run(8));
}

#[test]
fn the_consumer_policy_does_not_change_the_arrivals() {
    // Arrivals and service draw from separate streams of the one seed: capping the consumer
    // changes how many jitter draws it makes, and must not change what arrives.
    let mut params = preset_params("article-campaign");
    params.arrivals.poison_percent = 3;
    let mut capped_params = params.clone();
    capped_params.event_source_mapping.scaling_config = ScalingConfig { maximum_concurrency: Some(50) };
    let (mut uncapped, mut capped) = (sim(params, 11), sim(capped_params, 11));
    let arrived = |s: &SqsSim| (s.counters().sent, s.counters().poison_sent);
    let mut steps_with_poison = 0;
    while uncapped.now() < 3_600_000 {
        let before = arrived(&uncapped);
        uncapped.step();
        capped.step();
        assert_eq!(arrived(&uncapped), arrived(&capped), "at {} ms", uncapped.now());
        steps_with_poison += u64::from(arrived(&uncapped).1 > before.1);
    }
    // The two consumers really did differ (the capped one never reached the pool's limit)…
    assert!(uncapped.counters().connections_refused > 0);
    assert_eq!(capped.counters().connections_refused, 0);
    // …and the poison share was drawn many times (3 % of 0.83 messages a step off-peak).
    assert!(steps_with_poison > 100, "{steps_with_poison}");
}

#[test]
fn results_do_not_depend_on_how_the_caller_slices_time() {
    let params = preset_params("l5-sqs-burst");
    let mut whole = sim(params.clone(), 3);
    whole.run_until(200_000);
    let mut sliced = sim(params, 3);
    let mut until = 0;
    for slice in [1, 17, 250, 999, 3_333, 40_000].iter().cycle() {
        until = (until + slice).min(200_000);
        sliced.run_until(until);
        if until == 200_000 {
            break;
        }
    }
    assert_eq!(SqsSummary::of(&whole), SqsSummary::of(&sliced));
}

#[test]
fn conservation_holds_at_every_step_in_every_preset() {
    for name in ["normal-day", "article-campaign", "article-capped", "l2-reserved", "l2-max-concurrency", "l4-burst-connections", "l5-sqs-burst", "l5-rds-proxy", "timeout-raised-later", "metastable-retry-storm", "metastable-capped", "metastable-jittered"] {
        let mut s = sim(preset_params(name), 1);
        run_checked(&mut s, 300_000, name);
    }
}

#[test]
fn conservation_holds_with_poison_partial_batches_and_retention() {
    let mut params = preset_params("article-campaign");
    params.arrivals.poison_percent = 5;
    params.queue.message_retention_period = 60;
    for partial in [false, true] {
        params.event_source_mapping.function_response_types =
            if partial { vec![FunctionResponseType::ReportBatchItemFailures] } else { Vec::new() };
        let mut s = sim(params.clone(), 5);
        run_checked(&mut s, 240_000, &format!("poison, partial={partial}"));
        // Messages older than the 60 s retention period do expire during the campaign's backlog.
        assert!(s.counters().expired > 0);
    }
}

#[test]
fn receive_counts_are_exact_poison_goes_round_max_receive_count_times() {
    let mut s = sim(all_poison(4), 1);
    run_checked(&mut s, 120_000, "all poison");
    let c = s.counters();
    // Every message fails every time: each is received exactly maxReceiveCount = 4 times, then DLQ.
    assert_eq!(c.dlq, 100);
    assert_eq!(c.receives, 400);
    assert_eq!(c.completed, 0);
}

#[test]
fn without_a_redrive_policy_poison_never_leaves() {
    let mut params = all_poison(4);
    params.queue.redrive_policy = None;
    let mut s = sim(params, 1);
    run_checked(&mut s, 100_000, "no DLQ");
    assert_eq!(s.counters().dlq, 0);
    // Received every 10 s (the visibility timeout) for 100 s: ~10 receives each.
    assert!((900..=1_000).contains(&s.counters().receives), "{}", s.counters().receives);
}

#[test]
fn a_failed_batch_stays_invisible_until_its_visibility_timeout() {
    let mut s = sim(all_poison(5), 1);
    s.step();
    // Five pollers × BatchSize 10 take 50 of the 100 at 100 ms; each batch fails at 1.1 s (10 × 100 ms).
    assert_eq!(s.counters().receives, 50);
    run_checked(&mut s, 10_000, "waiting out the VT");
    // The other 50 are received as pollers free up; none of the first 50 is received again before
    // received_at + VisibilityTimeout = 100 ms + 10 s.
    assert_eq!(s.counters().receives, 100);
    s.step();
    assert_eq!(s.now(), 10_100);
    // At exactly 10.1 s the first failed batches are visible again and pollers take them at once.
    assert_eq!(s.counters().receives, 150);
}

#[test]
fn throttled_batches_return_after_the_visibility_timeout_and_reach_the_dlq_unrun() {
    let mut s = sim(preset_params("l2-reserved"), 1);
    run_checked(&mut s, 120_000, "l2-reserved");
    let c = s.counters();
    // L2: reserved concurrency 5 caps the function at 5, yet pollers receive all 25 at once.
    assert_eq!(c.peak_concurrency, 5);
    assert!(c.throttles > 0);
    // maxReceiveCount 1: a message whose one receive was throttled until the 20 s VT goes to the DLQ.
    assert!(c.dlq > 0);
    // Each of the 25 was received exactly once: the DLQ took them without a second delivery.
    assert_eq!(c.receives, 25);
    assert_eq!(c.completed + c.dlq, 25);
    assert_eq!(c.handler_errors, 0, "the handler never failed");
}

#[test]
fn partial_batch_responses_stop_healthy_messages_being_redone() {
    let mut params = preset_params("normal-day");
    params.arrivals = Arrivals { messages_per_minute: 0, initial_messages: 1_000, poison_percent: 10, spike: None };
    params.queue.redrive_policy = Some(RedrivePolicy { max_receive_count: 3 });
    let run = |partial: bool| {
        let mut p = params.clone();
        p.event_source_mapping.function_response_types =
            if partial { vec![FunctionResponseType::ReportBatchItemFailures] } else { Vec::new() };
        let mut s = sim(p, 2);
        run_checked(&mut s, 600_000, "partial");
        *s.counters()
    };
    let (whole, partial) = (run(false), run(true));
    // With ReportBatchItemFailures only the ~100 poison messages return; the 900 healthy ones are done once.
    assert_eq!(partial.processed_more_than_once, 0);
    assert_eq!(partial.completed + partial.dlq, 1_000);
    assert!((90..=110).contains(&partial.dlq), "{partial:?}");
    // Without it a batch holding one poison message fails whole: its healthy messages are redone.
    assert!(whole.processed_more_than_once > 0, "{whole:?}");
    assert!(whole.dlq > partial.dlq, "healthy messages sharing batches with poison reach the DLQ too");
}

/// A backlog nothing can drain quickly and a database too big to refuse.
fn ramp(legacy: bool) -> SqsParams {
    SqsParams {
        arrivals: Arrivals { messages_per_minute: 0, initial_messages: 1_000_000, poison_percent: 0, spike: None },
        queue: Queue { visibility_timeout: 900, ..Queue::default() },
        event_source_mapping: EventSourceMapping { legacy_scaling: legacy, ..EventSourceMapping::default() },
        function: Function { timeout: 900, handler_ms_per_message: 60_000, ..Function::default() },
        database: Database { max_connections: 5_000, ..Database::default() },
        ..SqsParams::default()
    }
}

#[test]
fn pollers_start_at_five_and_add_300_a_minute_up_to_1000() {
    let mut s = sim(ramp(false), 1);
    assert_eq!(s.poller_batches(), 5); // "starts processing five batches at a time"
    s.run_until(60_000);
    // +300 per minute from 5: 305 after one minute (the first step only notices the backlog).
    assert!((300..=305).contains(&s.poller_batches()), "{}", s.poller_batches());
    assert_eq!(s.concurrency(), s.poller_batches(), "every poller holds a running invocation");
    s.run_until(240_000);
    // 5 + 300 × 4 > 1,000: capped at the 1,000 concurrent batches of the docs.
    assert_eq!(s.poller_batches(), 1_000);
    let mut legacy = sim(ramp(true), 1);
    legacy.run_until(60_000);
    // The pre-2023 ramp: +60 per minute.
    assert!((60..=65).contains(&legacy.poller_batches()), "{}", legacy.poller_batches());
}

#[test]
fn maximum_concurrency_caps_the_pollers_and_throttles_nothing() {
    let mut params = ramp(false);
    params.event_source_mapping.scaling_config = ScalingConfig { maximum_concurrency: Some(50) };
    params.function.reserved_concurrent_executions = Some(50);
    let mut s = sim(params, 1);
    run_checked(&mut s, 120_000, "max concurrency");
    // ScalingConfig.MaximumConcurrency 50 stops the +300/min ramp at 50 batches…
    assert_eq!(s.poller_batches(), 50);
    // …so with a reservation of 50 no invoke ever finds the function full (semantics.md §3.5).
    assert_eq!(s.counters().throttles, 0);
}

#[test]
fn connections_follow_concurrency_one_to_one_until_postgres_refuses() {
    let mut s = sim(preset_params("l4-burst-connections"), 1);
    while s.counters().connections_refused == 0 && s.now() < 120_000 {
        s.step();
        if s.counters().connections_refused == 0 {
            // L4: "DatabaseConnections followed it": one connection per running invocation.
            assert_eq!(s.connections_in_use(), s.concurrency(), "at {} ms", s.now());
        }
    }
    // The first refusal comes when all max_connections − superuser_reserved_connections = 97 are taken.
    assert_eq!(s.connections_in_use(), 97);
    assert!(s.recent_events().any(|e| e.event.describe().contains("53300")));
}

#[test]
fn rds_proxy_queues_instead_of_refusing() {
    let mut s = sim(preset_params("l5-rds-proxy"), 1);
    run_checked(&mut s, 600_000, "proxy");
    let c = s.counters();
    // L5: RDS Proxy "queues … application connections that can't be served immediately": none refused…
    assert_eq!(c.connections_refused, 0);
    // …and the 120 s Timeout outlasts the queue, so no handler fails either.
    assert_eq!(c.handler_errors, 0);
    // Waiting for a connection is the price: at least one handler waited seconds.
    assert!(c.max_connection_wait_ms >= 1_000, "{c:?}");
    // Every one of the spike's messages is done once.
    assert_eq!(c.completed, c.sent);
}

#[test]
fn raising_the_timeout_later_delivers_messages_again_while_they_run() {
    let params = preset_params("timeout-raised-later");
    let change = params.function.timeout_change.clone().expect("the preset raises the timeout");
    let mut s = sim(params.clone(), 1);
    run_checked(&mut s, change.at_seconds * 1000 - STEP_MS, "before");
    // Before the change every 40 s batch hits the 30 s Timeout first: no copy outlives its VT.
    assert_eq!(s.counters().redelivered_while_running, 0);
    assert_eq!(s.timeout_s(), 30);
    run_checked(&mut s, 600_000, "after");
    assert_eq!(s.timeout_s(), 120); // the preset's timeoutChange
    // After it the 40 s batches outlive the 30 s visibility timeout and their messages are redone.
    assert!(s.counters().redelivered_while_running > 0);
    assert!(s.counters().processed_more_than_once > 0);

    // The same thing done live (the UI's button) gives the same run.
    let mut live_params = params;
    live_params.function.timeout_change = None;
    let mut live = sim(live_params, 1);
    live.run_until(change.at_seconds * 1000 - STEP_MS);
    live.change_timeout_now(change.timeout);
    // Pressed at 119.9 s, it takes effect at the next whole second, which the params record, so
    // the live run, a Reset and a link are one and the same run.
    assert_eq!(live.params().function.timeout_change, Some(TimeoutChange { at_seconds: 120, timeout: 120 }));
    assert_eq!(live.timeout_s(), 30);
    live.run_until(600_000);
    assert_eq!(live.state_hash(), s.state_hash());
    // One change per run: a second would overwrite the first in the params, which a link or a
    // Reset could then not replay, so it is refused.
    assert!(live.timeout_changed());
    live.change_timeout_now(200);
    assert_eq!(live.params().function.timeout_change, Some(TimeoutChange { at_seconds: 120, timeout: 120 }));
    live.run_until(660_000);
    assert_eq!(live.timeout_s(), 120);
}

#[test]
fn a_button_pressed_between_whole_seconds_replays_exactly_from_its_params() {
    for pressed_at in [62_300, 65_000, 135_800] {
        let mut live = sim(preset_params("article-campaign"), 3);
        live.run_until(pressed_at);
        live.end_spike_now();
        live.change_timeout_now(200);
        live.run_until(400_000);
        let mut replay = sim(live.params().clone(), 3);
        replay.run_until(400_000);
        assert_eq!(replay.state_hash(), live.state_hash(), "pressed at {pressed_at} ms");
        let ended = live.spike_ended_at().expect("ended by hand");
        assert!(ended > pressed_at && ended <= pressed_at + 1_000 && ended % 1_000 == 0, "pressed at {pressed_at}: ended at {ended}");
    }
}

#[test]
fn an_hour_at_50000_a_minute_stays_small() {
    let mut params = preset_params("article-capped");
    params.arrivals = Arrivals { messages_per_minute: 50_000, spike: None, initial_messages: 0, poison_percent: 0 };
    let mut s = sim(params, 1);
    s.run_until(3_600_000);
    // 50,000/min × 60 min = 3,000,000 sent (less the first step's share).
    assert!(s.counters().sent >= 2_999_000);
    // The capped consumer does 50 × 10 / 2 s = 250/s: ~2.1 M wait in the queue.
    assert!(s.visible() > 2_000_000);
    // One cohort per arrival step at most (36,000 steps), plus the ≤ 50 batches in flight.
    assert!(s.cohort_count() <= 36_000 + 50 * 10, "{}", s.cohort_count());
    assert_conserved(&s, "an hour");
    assert!(s.series().visible.points().len() < 400, "the chart series stays bounded");
    assert!(s.recent_events().count() <= 32);
}

#[test]
fn the_uncapped_campaign_scales_past_the_pool_and_the_cap_keeps_it_inside() {
    let mut uncapped = sim(preset_params("article-campaign"), 1);
    uncapped.run_until(300_000);
    let c = *uncapped.counters();
    // (Both runs: the article-campaign / article-capped presets, first 5 minutes.)
    // Problem 3: "Lambda scales fast to about 800 concurrent executions … the database allows 100".
    assert!((750..=850).contains(&c.peak_concurrency), "{c:?}");
    // max_connections 100 − superuser_reserved_connections 3.
    assert_eq!(c.peak_connections, 97);
    let mut capped = sim(preset_params("article-capped"), 1);
    capped.run_until(300_000);
    // The fix: "only 50 run at once", 50 ≤ 97 connections, so nothing is refused.
    assert_eq!(capped.counters().peak_concurrency, 50);
    assert_eq!(capped.counters().connections_refused, 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_valid_configuration_conserves_messages_and_replays(params in common::sqs::params(), seed in 0u64..1_000) {
        prop_assert_eq!(validate(&params), Ok(()));
        let mut a = SqsSim::new(params.clone(), seed);
        let mut b = SqsSim::new(params, seed);
        for _ in 0..1_500 {
            a.step();
            b.step();
            assert_conserved(&a, "proptest");
        }
        prop_assert_eq!(SqsSummary::of(&a), SqsSummary::of(&b));
    }
}


// ---------------------------------------------------------------------------------------------
// Failures that outlast their trigger (issue 6)
// ---------------------------------------------------------------------------------------------

/// The campaign of the metastable presets ends at 180 s (60 s + 120 s).
const CAMPAIGN_ENDS_MS: Millis = 180_000;

#[test]
fn immediate_retries_keep_the_overload_going_ten_minutes_after_the_campaign() {
    let mut s = sim(preset_params("metastable-retry-storm"), 1);
    s.run_until(CAMPAIGN_ENDS_MS);
    assert_eq!(s.spike_ended_at(), Some(CAMPAIGN_ENDS_MS));
    // Minute by minute for ten minutes after the traffic is back to 50 a minute: Postgres keeps
    // refusing, the pool stays full, and the handlers finish fewer messages than even the normal
    // traffic brings, so the backlog cannot shrink by work (only by the DLQ).
    for minute in 1..=10 {
        let before = *s.counters();
        s.run_until(CAMPAIGN_ENDS_MS + minute * 60_000);
        let c = s.counters();
        let context = format!("minute {minute} after the campaign");
        assert!(c.connections_refused - before.connections_refused > 100_000, "{context}: {c:?}");
        assert!(c.completed - before.completed < 50, "{context}: {} completed", c.completed - before.completed);
        assert_eq!(s.connections_in_use(), s.params().database.available(), "{context}");
        assert!(s.visible() + s.in_flight() > 30_000, "{context}: backlog {}", s.visible() + s.in_flight());
        assert_eq!(s.recovered_at(), None, "{context}");
    }
}

#[test]
fn the_storm_is_the_connection_churn_without_it_the_same_retries_recover() {
    // The mechanism, isolated: free connection attempts leave the queries their CPU.
    let mut params = preset_params("metastable-retry-storm");
    params.database.connect_cpu_micros = 0;
    let mut s = sim(params, 1);
    s.run_until(CAMPAIGN_ENDS_MS + 300_000);
    assert!(s.counters().connections_refused > 0);
    assert!(s.recovery_ms().is_some_and(|ms| ms <= 300_000), "{:?}", s.recovery_ms());
    // With the churn, Postgres's CPU goes to forking backends: 903 waiters × 10 attempts a second
    // × 500 µs is more than 2 vCPUs have, so the queries get the 5 % floor.
    let mut storm = sim(preset_params("metastable-retry-storm"), 1);
    storm.run_until(CAMPAIGN_ENDS_MS + 60_000);
    assert_eq!(storm.churn_cpu_permille(), 950);
}

#[test]
fn a_cap_below_the_pool_or_jittered_backoff_recovers_within_five_minutes() {
    for name in ["metastable-capped", "metastable-jittered"] {
        let mut s = sim(preset_params(name), 1);
        s.run_until(CAMPAIGN_ENDS_MS + 300_000);
        let recovery = s.recovery_ms();
        assert!(recovery.is_some_and(|ms| ms <= 300_000), "{name}: recovery {recovery:?}");
        assert_eq!(s.counters().dlq, 0, "{name}");
        assert!(s.visible() + s.in_flight() <= backpressure_playground::engine::sqs::RECOVERED_BACKLOG, "{name}");
    }
}

#[test]
fn ending_the_spike_by_hand_brings_back_the_normal_rate_at_the_next_whole_second() {
    let mut s = sim(preset_params("metastable-capped"), 1);
    s.run_until(120_000);
    assert!(s.spike_in_progress());
    assert_eq!(s.spike_ended_at(), None);
    s.end_spike_now();
    // Recorded in whole seconds for a replay: 121 s − the 60 s start; until then it is still on.
    assert_eq!(s.params().arrivals.spike.as_ref().map(|spike| spike.duration_seconds), Some(61));
    assert!(s.spike_in_progress());
    s.run_until(121_000);
    assert_eq!(s.spike_ended_at(), Some(121_000));
    assert!(!s.spike_in_progress());
    // 50 a minute is 5 every 6 s: a minute of steps brings exactly 50, not 50,000.
    let sent = s.counters().sent;
    s.run_until(181_000);
    assert_eq!(s.counters().sent - sent, 50);
    // A second press changes nothing.
    s.end_spike_now();
    assert_eq!(s.spike_ended_at(), Some(121_000));
    s.run_until(600_000);
    // Recovery is measured from the hand-made end.
    assert_eq!(s.recovery_ms(), s.recovered_at().map(|at| at - 121_000));
    assert!(s.recovery_ms().is_some());
}

#[test]
fn recovery_waits_for_a_quiet_minute_after_the_last_refusal() {
    let mut s = sim(preset_params("metastable-jittered"), 1);
    s.run_until(1_200_000);
    let (recovered, last_refusal) = (s.recovered_at().expect("recovers"), s.counters().last_refusal_at_ms.expect("refused"));
    assert!(recovered >= last_refusal + backpressure_playground::engine::sqs::RECOVERED_QUIET_MS);
    assert!(recovered > CAMPAIGN_ENDS_MS);
}

#[test]
fn every_attempt_counts_first_tries_and_retries() {
    // Without refusals each invocation makes exactly one attempt; with immediate retries until the
    // Timeout, the attempts per message run into the tens by 10 min.
    let mut capped = sim(preset_params("metastable-capped"), 1);
    capped.run_until(600_000);
    assert_eq!(capped.counters().connection_attempts, capped.counters().invocations);
    let mut storm = sim(preset_params("metastable-retry-storm"), 1);
    storm.run_until(600_000);
    let c = storm.counters();
    // An invocation gets a connection at most once: the rest of its attempts were refused.
    assert!(c.connection_attempts - c.connections_refused <= c.invocations, "{c:?}");
    assert!(c.connection_attempts > 20 * c.sent, "{c:?}");
}

#[test]
fn postgres_refuses_with_the_reserved_slots_text_while_slots_are_reserved() {
    let mut database = SqsParams::default().database;
    assert_eq!(database.superuser_reserved_connections, 3);
    assert!(database.refusal_message().contains("remaining connection slots are reserved"));
    database.superuser_reserved_connections = 0;
    assert_eq!(database.refusal_message(), "FATAL: sorry, too many clients already");
}

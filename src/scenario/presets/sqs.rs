//! SQS + Lambda presets: a normal day, the article's campaign with and without caps, and the
//! incidents L2, L4 and L5 (docs/semantics.md §4).

use super::Preset;
use crate::engine::sqs::{
    Arrivals, Database, EventSourceMapping, Function, Queue, RedrivePolicy, RetryPolicy, ScalingConfig, Spike, SqsParams,
    TimeoutChange,
};
use crate::scenario::{Scenario, System, FORMAT_VERSION};

pub static PRESETS: &[Preset] = &[
    Preset {
        name: "normal-day",
        description: "50 messages a minute into the image pipeline: five pollers are plenty, a handful of \
                      connections, nothing waits.",
        build: || sqs(SqsParams { arrivals: Arrivals { spike: None, ..campaign_arrivals() }, ..article_uncapped() }, 600_000),
    },
    Preset {
        name: "article-campaign",
        description: "The campaign: 50 → 50,000 messages/min with no caps. Lambda scales toward ~800 concurrent \
                      invocations against a 100-connection Postgres; ~700 are refused (53300), messages come back \
                      after the visibility timeout and the herd hits the database again.",
        build: || sqs(article_uncapped(), 900_000),
    },
    Preset {
        name: "article-capped",
        description: "The article's fix: VisibilityTimeout 60 s, Timeout 30 s, ReservedConcurrentExecutions 50, \
                      BatchSize 10, MaximumConcurrency 50. No refused connections; the queue absorbs the spike \
                      (and 60 s < 6 × 30 s raises AWS's six-times warning).",
        build: || sqs(article_capped(), 900_000),
    },
    Preset {
        name: "metastable-retry-storm",
        description: "The campaign again, but the handler retries a refused connection at once until its Timeout, \
                      and every attempt costs Postgres a forked backend (500 µs of CPU on 2 vCPUs). The storm of \
                      attempts starves the queries, every invocation times out, its messages come back: the \
                      overload outlasts the campaign by tens of minutes.",
        build: || sqs(metastable(RetryPolicy::Immediate, None), 1_800_000),
    },
    Preset {
        name: "metastable-capped",
        description: "The same storm-prone handler behind ScalingConfig.MaximumConcurrency 90, below the 97 free \
                      connections: nothing is refused, so nothing retries, and the backlog drains minutes after \
                      the campaign.",
        build: || sqs(metastable(RetryPolicy::Immediate, Some(90)), 1_800_000),
    },
    Preset {
        name: "metastable-jittered",
        description: "The same, uncapped, with exponential backoff and full jitter (100 ms doubling to 5 s): the \
                      refused handlers ask rarely, Postgres keeps its CPU for the queries, and it recovers.",
        build: || sqs(metastable(RetryPolicy::ExponentialJitter, None), 1_800_000),
    },
    Preset {
        name: "l2-reserved",
        description: "aws-samples max-concurrency demo, first function: reserved concurrency 5, 25 messages, \
                      BatchSize 1, handler 10 s, VisibilityTimeout 20, maxReceiveCount 1. Pollers outrun the \
                      reservation: throttles, and messages land in the DLQ though the handler never failed.",
        build: || sqs(l2(Some(5), None), 120_000),
    },
    Preset {
        name: "l2-max-concurrency",
        description: "The same demo's second function: ScalingConfig.MaximumConcurrency 5 instead. Peak \
                      concurrency is 5 again, but no throttles, no DLQ, all 25 done after 50 s.",
        build: || sqs(l2(None, Some(5)), 120_000),
    },
    Preset {
        name: "l4-burst-connections",
        description: "kirill-markin/flashcards-open-source-app#1635: a burst drives ConcurrentExecutions to 110; \
                      DatabaseConnections follow 1:1 until max_connections − reserved, then 53300 for the rest.",
        build: || sqs(l4(None), 180_000),
    },
    Preset {
        name: "l4-reserved-fix",
        description: "The PR's fix: reserved concurrency so that containers × connections ≤ the 97 available \
                      (here 33 × 1 connection each): no connection errors.",
        build: || sqs(l4(Some(33)), 180_000),
    },
    Preset {
        name: "l5-sqs-burst",
        description: "spreaker/poduptime#20: an SQS spike, MaximumConcurrency unset: concurrency climbs 5 → \
                      +300/min until Postgres refuses; failed batches return after the visibility timeout and \
                      reach the DLQ after maxReceiveCount.",
        build: || sqs(l5(false), 600_000),
    },
    Preset {
        name: "l5-rds-proxy",
        description: "The same spike behind RDS Proxy: connection requests queue instead of failing, so the \
                      errors become waiting time.",
        build: || sqs(l5(true), 600_000),
    },
    Preset {
        name: "timeout-raised-later",
        description: "The mapping was created with Timeout 30 ≤ VisibilityTimeout 30; a batch needs 40 s and times \
                      out, so at 120 s someone raises Timeout to 120. Now the visibility timeout runs out under \
                      running invocations: the same messages are delivered and processed again.",
        build: timeout_raised_later,
    },
];

fn sqs(params: SqsParams, duration_ms: u64) -> Scenario {
    Scenario { version: FORMAT_VERSION, seed: 1, duration_ms: Some(duration_ms), system: System::SqsLambda(params) }
}

/// 50 messages/min, then 50,000/min from 60 s for the campaign's first minutes, then 50/min again.
fn campaign_arrivals() -> Arrivals {
    Arrivals {
        messages_per_minute: 50,
        spike: Some(Spike { start_seconds: 60, duration_seconds: 120, messages_per_minute: 50_000 }),
        initial_messages: 0,
        poison_percent: 0,
    }
}

/// The image pipeline before the fix: no reserved concurrency, no MaximumConcurrency. The handler
/// resizes, watermarks and stores an image (200 ms each, a 10-message batch takes 2 s) and retries a
/// refused connection three times (1 s, 2 s, 4 s) before it throws.
fn article_uncapped() -> SqsParams {
    SqsParams {
        arrivals: campaign_arrivals(),
        queue: Queue {
            visibility_timeout: 60,
            redrive_policy: Some(RedrivePolicy { max_receive_count: 5 }),
            ..Queue::default()
        },
        event_source_mapping: EventSourceMapping { batch_size: 10, ..EventSourceMapping::default() },
        function: Function { timeout: 30, handler_ms_per_message: 200, ..Function::default() },
        database: Database { connect_retries: 3, retry_backoff_ms: 1_000, ..Database::default() },
        ..SqsParams::default()
    }
}

fn article_capped() -> SqsParams {
    let mut p = article_uncapped();
    p.function.reserved_concurrent_executions = Some(50);
    p.event_source_mapping.scaling_config = ScalingConfig { maximum_concurrency: Some(50) };
    p
}

/// The campaign against a handler that retries a refused connection until its 30 s Timeout
/// (300 retries at 100 ms steps, or jittered), with connection attempts costing Postgres CPU.
fn metastable(retry_policy: RetryPolicy, maximum_concurrency: Option<u64>) -> SqsParams {
    let mut p = article_uncapped();
    p.event_source_mapping.scaling_config = ScalingConfig { maximum_concurrency };
    p.database = Database {
        connect_retries: 300,
        retry_policy,
        retry_backoff_ms: 100,
        retry_max_backoff_ms: 5_000,
        connect_cpu_micros: 500,
        v_cpus: 2,
        ..Database::default()
    };
    p
}

/// aws-samples/aws-lambda-amazon-sqs-max-concurrency: template.yaml's settings.
fn l2(reserved: Option<u64>, maximum_concurrency: Option<u64>) -> SqsParams {
    SqsParams {
        arrivals: Arrivals { messages_per_minute: 0, spike: None, initial_messages: 25, poison_percent: 0 },
        queue: Queue { visibility_timeout: 20, redrive_policy: Some(RedrivePolicy { max_receive_count: 1 }), ..Queue::default() },
        event_source_mapping: EventSourceMapping {
            batch_size: 1,
            scaling_config: ScalingConfig { maximum_concurrency },
            ..EventSourceMapping::default()
        },
        function: Function {
            timeout: 15,
            reserved_concurrent_executions: reserved,
            handler_ms_per_message: 10_000,
            jitter_percent: 0,
            timeout_change: None,
        },
        ..SqsParams::default()
    }
}

/// A burst of 110 × 20 = 2,200 requests at once, each a one-message batch holding its
/// connection for 20 s: concurrency climbs past 97 within a minute.
fn l4(reserved: Option<u64>) -> SqsParams {
    SqsParams {
        arrivals: Arrivals { messages_per_minute: 0, spike: None, initial_messages: 2_200, poison_percent: 0 },
        queue: Queue { visibility_timeout: 120, redrive_policy: Some(RedrivePolicy { max_receive_count: 5 }), ..Queue::default() },
        event_source_mapping: EventSourceMapping {
            batch_size: 1,
            scaling_config: ScalingConfig { maximum_concurrency: Some(110) },
            ..EventSourceMapping::default()
        },
        function: Function {
            timeout: 20,
            reserved_concurrent_executions: reserved,
            handler_ms_per_message: 2_000,
            jitter_percent: 0,
            timeout_change: None,
        },
        ..SqsParams::default()
    }
}

/// An SQS spike with nothing capped: 20,000 messages in the first minute, 500 ms of work per
/// message (5 s a batch), Timeout = VisibilityTimeout = 120 s, maxReceiveCount 3, no retry in the handler.
fn l5(rds_proxy: bool) -> SqsParams {
    SqsParams {
        arrivals: Arrivals {
            messages_per_minute: 0,
            spike: Some(Spike { start_seconds: 0, duration_seconds: 60, messages_per_minute: 20_000 }),
            initial_messages: 0,
            poison_percent: 0,
        },
        queue: Queue { visibility_timeout: 120, redrive_policy: Some(RedrivePolicy { max_receive_count: 3 }), ..Queue::default() },
        event_source_mapping: EventSourceMapping::default(),
        function: Function { timeout: 120, handler_ms_per_message: 500, ..Function::default() },
        database: Database { rds_proxy, ..Database::default() },
        ..SqsParams::default()
    }
}

/// One message a second, gathered five at a time (window 5 s); 8 s of work each, so a batch needs
/// 40 s: more than the 30 s Timeout it was created with, and more than the 30 s visibility timeout.
fn timeout_raised_later() -> Scenario {
    let params = SqsParams {
        arrivals: Arrivals { messages_per_minute: 60, ..Arrivals::default() },
        queue: Queue { visibility_timeout: 30, redrive_policy: Some(RedrivePolicy { max_receive_count: 5 }), ..Queue::default() },
        event_source_mapping: EventSourceMapping {
            batch_size: 5,
            maximum_batching_window_in_seconds: 5,
            ..EventSourceMapping::default()
        },
        function: Function {
            timeout: 30,
            handler_ms_per_message: 8_000,
            jitter_percent: 0,
            timeout_change: Some(TimeoutChange { at_seconds: 120, timeout: 120 }),
            ..Function::default()
        },
        ..SqsParams::default()
    };
    sqs(params, 600_000)
}

//! SQS + Lambda: random valid parameters over every control's whole range, and what conservation
//! of messages means.

use super::{anywhere_in, maybe_in, ranged};
use backpressure_playground::engine::sqs::validate::{
    MAXIMUM_CONCURRENCY, MAX_RECEIVE_COUNT, RESERVED_CONCURRENCY, SPIKE_RATE, SPIKE_SECONDS,
};
use backpressure_playground::engine::sqs::{
    FunctionResponseType, RedrivePolicy, RetryPolicy, Spike, SqsParams, SqsSim, TimeoutChange, RANGES,
};
use proptest::prelude::*;

/// Valid parameters with every control anywhere in its range. A draw AWS would refuse is moved to
/// the nearest accepted value (raising the lower of two ordered settings to meet the other), so
/// every case runs and the boundaries themselves are drawn often.
pub fn params() -> impl Strategy<Value = SqsParams> {
    (
        ranged(SqsParams::default(), RANGES),
        proptest::option::of((
            anywhere_in(SPIKE_SECONDS.0, SPIKE_SECONDS.1),
            anywhere_in(1, SPIKE_SECONDS.1),
            anywhere_in(SPIKE_RATE.0, SPIKE_RATE.1),
        )),
        maybe_in(MAX_RECEIVE_COUNT.0, MAX_RECEIVE_COUNT.1),
        maybe_in(MAXIMUM_CONCURRENCY.0, MAXIMUM_CONCURRENCY.1),
        maybe_in(RESERVED_CONCURRENCY.0, RESERVED_CONCURRENCY.1),
        proptest::option::of((anywhere_in(0, 86_400), anywhere_in(1, 900))),
        (any::<bool>(), any::<bool>(), any::<bool>(), proptest::sample::select(RetryPolicy::ALL.to_vec())),
    )
        .prop_map(|(mut p, spike, max_receive_count, maximum_concurrency, reserved, timeout_change, switches)| {
            let (reports_item_failures, legacy_scaling, rds_proxy, retry_policy) = switches;
            p.arrivals.spike =
                spike.map(|(start_seconds, duration_seconds, messages_per_minute)| Spike { start_seconds, duration_seconds, messages_per_minute });
            p.queue.redrive_policy = max_receive_count.map(|max_receive_count| RedrivePolicy { max_receive_count });
            let esm = &mut p.event_source_mapping;
            esm.scaling_config.maximum_concurrency = maximum_concurrency;
            esm.function_response_types = if reports_item_failures { vec![FunctionResponseType::ReportBatchItemFailures] } else { vec![] };
            esm.legacy_scaling = legacy_scaling;
            if esm.batch_size > 10 {
                esm.maximum_batching_window_in_seconds = esm.maximum_batching_window_in_seconds.max(1);
            }
            p.function.reserved_concurrent_executions = reserved.map(|r| r.min(p.account.concurrent_executions - 100));
            p.function.timeout_change = timeout_change.map(|(at_seconds, timeout)| TimeoutChange { at_seconds, timeout });
            p.queue.visibility_timeout = p.queue.visibility_timeout.max(p.function.timeout);
            let db = &mut p.database;
            db.rds_proxy = rds_proxy;
            db.retry_policy = retry_policy;
            db.superuser_reserved_connections = db.superuser_reserved_connections.min(db.max_connections - 1);
            db.retry_max_backoff_ms = db.retry_max_backoff_ms.max(db.retry_backoff_ms);
            p
        })
}

/// Every message is in exactly one place (sent = completed + visible + in flight + DLQ +
/// expired), and the running counts agree with the cohorts they summarise.
pub fn assert_conserved(s: &SqsSim, context: &str) {
    let c = s.counters();
    assert_eq!(
        c.sent,
        c.completed + s.visible() + s.in_flight() + c.dlq + c.expired,
        "{context}: at {} ms messages were lost or invented: {c:?}",
        s.now()
    );
    assert_eq!(s.recount(), (s.visible(), s.in_flight()), "{context}: counters disagree with the cohorts at {} ms", s.now());
    let p = s.params();
    assert!(s.connections_in_use() <= p.database.available(), "{context}: more connections than Postgres allows");
    assert!(s.concurrency() <= p.function_concurrency_cap(), "{context}: concurrency above the function's cap");
    assert!(s.poller_batches() <= p.mapping_concurrency_cap(), "{context}: pollers above the mapping's cap");
}

//! The allowed range of every SQS + Lambda parameter (one table read by validation and the UI),
//! the combinations AWS refuses, and the ones it accepts but warns about.

use super::params::SqsParams;
use serde::Serialize;

pub use crate::engine::range::ParamError;
use crate::engine::range::{check, incompatible, range};

/// An SQS + Lambda parameter's range.
pub type Range = crate::engine::range::Range<SqsParams>;

pub static RANGES: &[Range] = &[
    range!("arrivals.messagesPerMinute", 0, 1_000_000, |p| p.arrivals.messages_per_minute),
    range!("arrivals.initialMessages", 0, 1_000_000, |p| p.arrivals.initial_messages),
    range!("arrivals.poisonPercent", 0, 100, |p| p.arrivals.poison_percent),
    range!("queue.VisibilityTimeout", 0, 43_200, |p| p.queue.visibility_timeout),
    range!("queue.MessageRetentionPeriod", 60, 1_209_600, |p| p.queue.message_retention_period),
    range!("eventSourceMapping.BatchSize", 1, 10_000, |p| p.event_source_mapping.batch_size),
    range!("eventSourceMapping.MaximumBatchingWindowInSeconds", 0, 300, |p| p
        .event_source_mapping
        .maximum_batching_window_in_seconds),
    range!("function.Timeout", 1, 900, |p| p.function.timeout),
    range!("function.handlerMsPerMessage", 1, 900_000, |p| p.function.handler_ms_per_message),
    range!("function.jitterPercent", 0, 90, |p| p.function.jitter_percent),
    range!("account.ConcurrentExecutions", 100, 10_000, |p| p.account.concurrent_executions),
    range!("database.max_connections", 5, 5_000, |p| p.database.max_connections),
    range!("database.superuser_reserved_connections", 0, 100, |p| p.database.superuser_reserved_connections),
    range!("database.connectRetries", 0, 1_000, |p| p.database.connect_retries),
    range!("database.retryBackoffMs", 1, 60_000, |p| p.database.retry_backoff_ms),
    range!("database.retryMaxBackoffMs", 1, 900_000, |p| p.database.retry_max_backoff_ms),
    range!("database.connectCpuMicros", 0, 100_000, |p| p.database.connect_cpu_micros),
    range!("database.vCpus", 1, 128, |p| p.database.v_cpus),
];

/// Bounds of the optional settings.
pub const MAXIMUM_CONCURRENCY: (u64, u64) = (2, 1_000);
pub const RESERVED_CONCURRENCY: (u64, u64) = (0, 1_000);
pub const MAX_RECEIVE_COUNT: (u64, u64) = (1, 1_000);
pub const SPIKE_SECONDS: (u64, u64) = (0, 86_400);
pub const SPIKE_RATE: (u64, u64) = (0, 1_000_000);
/// "Set the queue's visibility timeout to at least six times the function timeout."
pub const SIX_TIMES: u64 = 6;

/// Checks every bound and what AWS refuses when the mapping is created.
pub fn validate(p: &SqsParams) -> Result<(), ParamError> {
    for range in RANGES {
        range.check((range.get)(p))?;
    }
    if let Some(spike) = &p.arrivals.spike {
        check("arrivals.spike.startSeconds", spike.start_seconds, SPIKE_SECONDS.0, SPIKE_SECONDS.1)?;
        check("arrivals.spike.durationSeconds", spike.duration_seconds, 1, SPIKE_SECONDS.1)?;
        check("arrivals.spike.messagesPerMinute", spike.messages_per_minute, SPIKE_RATE.0, SPIKE_RATE.1)?;
    }
    if let Some(policy) = &p.queue.redrive_policy {
        check("queue.RedrivePolicy.maxReceiveCount", policy.max_receive_count, MAX_RECEIVE_COUNT.0, MAX_RECEIVE_COUNT.1)?;
    }
    if let Some(max) = p.event_source_mapping.scaling_config.maximum_concurrency {
        check("eventSourceMapping.ScalingConfig.MaximumConcurrency", max, MAXIMUM_CONCURRENCY.0, MAXIMUM_CONCURRENCY.1)?;
    }
    if let Some(reserved) = p.function.reserved_concurrent_executions {
        check("function.ReservedConcurrentExecutions", reserved, RESERVED_CONCURRENCY.0, RESERVED_CONCURRENCY.1)?;
        // "You can reserve up to the Unreserved account concurrency value minus 100."
        let most = p.account.concurrent_executions.saturating_sub(100);
        if reserved > most {
            return Err(incompatible(
                "function.ReservedConcurrentExecutions",
                format!("{reserved} leaves less than 100 unreserved of the account's {}: at most {most}", p.account.concurrent_executions),
            ));
        }
    }
    if let Some(change) = &p.function.timeout_change {
        check("function.timeoutChange.Timeout", change.timeout, 1, 900)?;
        check("function.timeoutChange.atSeconds", change.at_seconds, 0, 86_400)?;
    }
    let esm = &p.event_source_mapping;
    if esm.batch_size > 10 && esm.maximum_batching_window_in_seconds < 1 {
        return Err(incompatible(
            "eventSourceMapping.MaximumBatchingWindowInSeconds",
            format!("a BatchSize of {} (more than 10) needs MaximumBatchingWindowInSeconds of at least 1", esm.batch_size),
        ));
    }
    if p.database.superuser_reserved_connections >= p.database.max_connections {
        return Err(incompatible(
            "database.superuser_reserved_connections",
            format!("must be less than max_connections ({})", p.database.max_connections),
        ));
    }
    if p.database.retry_max_backoff_ms < p.database.retry_backoff_ms {
        return Err(incompatible(
            "database.retryMaxBackoffMs",
            format!("must be at least retryBackoffMs ({})", p.database.retry_backoff_ms),
        ));
    }
    // Lambda's own message when the mapping is created (getlift/lift#388).
    if p.queue.visibility_timeout < p.function.timeout {
        return Err(incompatible(
            "queue.VisibilityTimeout",
            format!(
                "Invalid request provided: Queue visibility timeout: {} seconds is less than Function timeout: {} seconds",
                p.queue.visibility_timeout, p.function.timeout
            ),
        ));
    }
    Ok(())
}

/// A configuration AWS accepts but that invites trouble: shown to the reader, never refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub field: &'static str,
    pub message: String,
}

/// Every warning a valid configuration deserves, most important first.
pub fn warnings(p: &SqsParams) -> Vec<Warning> {
    let mut out = Vec::new();
    let (vt, timeout) = (p.queue.visibility_timeout, p.function.timeout);
    if vt < SIX_TIMES * timeout {
        out.push(Warning {
            field: "queue.VisibilityTimeout",
            message: format!(
                "VisibilityTimeout {vt} s is less than six times the function Timeout ({timeout} s × 6 = {} s), as AWS \
                 recommends: a batch throttled while an earlier one runs may come back before Lambda can retry it",
                SIX_TIMES * timeout
            ),
        });
    }
    if let Some(change) = &p.function.timeout_change {
        if change.timeout > vt {
            out.push(Warning {
                field: "function.timeoutChange",
                message: format!(
                    "at {} s the function Timeout is raised to {} s, above the queue's VisibilityTimeout of {vt} s: \
                     AWS checked only when the mapping was created, so long invocations will see their messages \
                     delivered again while the first copy still runs",
                    change.at_seconds, change.timeout
                ),
            });
        }
    }
    if let (Some(max), Some(reserved)) =
        (p.event_source_mapping.scaling_config.maximum_concurrency, p.function.reserved_concurrent_executions)
    {
        if max > reserved {
            out.push(Warning {
                field: "eventSourceMapping.ScalingConfig.MaximumConcurrency",
                message: format!("MaximumConcurrency {max} is above ReservedConcurrentExecutions {reserved}: the surplus batches are throttled"),
            });
        }
    }
    if let Some(policy) = &p.queue.redrive_policy {
        if policy.max_receive_count < 5 {
            out.push(Warning {
                field: "queue.RedrivePolicy.maxReceiveCount",
                message: format!(
                    "maxReceiveCount {} is below 5: throttled messages can reach the DLQ without the handler failing",
                    policy.max_receive_count
                ),
            });
        }
    }
    let cap = p.function_concurrency_cap().min(p.mapping_concurrency_cap());
    let available = p.database.available();
    if cap > available && !p.database.rds_proxy {
        out.push(Warning {
            field: "database.max_connections",
            message: format!(
                "up to {cap} concurrent invocations can ask for a connection, but Postgres accepts {available} \
                 (max_connections {} − {} reserved): the rest fail with 53300",
                p.database.max_connections, p.database.superuser_reserved_connections
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_quiet() {
        let p = SqsParams::default();
        assert_eq!(validate(&p), Ok(()));
        // Default: 30 s ≥ 6 × 3 s; but 1,000 possible invocations against 97 connections.
        let fields: Vec<_> = warnings(&p).iter().map(|w| w.field).collect();
        assert_eq!(fields, vec!["database.max_connections"]);
    }

    #[test]
    fn every_range_setter_writes_what_its_getter_reads() {
        for range in RANGES {
            let mut p = SqsParams::default();
            (range.set)(&mut p, range.max);
            assert_eq!((range.get)(&p), range.max, "{}", range.field);
            (range.set)(&mut p, range.min);
            assert_eq!((range.get)(&p), range.min, "{}", range.field);
        }
    }

    #[test]
    fn visibility_below_timeout_is_refused_like_aws() {
        let mut p = SqsParams::default();
        p.function.timeout = 450;
        p.queue.visibility_timeout = 36;
        let error = validate(&p).unwrap_err().to_string();
        assert!(error.starts_with("queue.VisibilityTimeout:"), "{error}");
        assert!(error.contains("Queue visibility timeout: 36 seconds is less than Function timeout: 450 seconds"), "{error}");
    }

    #[test]
    fn big_batches_need_a_window() {
        let mut p = SqsParams::default();
        p.event_source_mapping.batch_size = 11;
        assert!(validate(&p).unwrap_err().to_string().starts_with("eventSourceMapping.MaximumBatchingWindowInSeconds"));
        p.event_source_mapping.maximum_batching_window_in_seconds = 1;
        assert_eq!(validate(&p), Ok(()));
    }

    #[test]
    fn the_articles_sixty_seconds_raise_the_six_times_warning() {
        let mut p = SqsParams::default();
        p.queue.visibility_timeout = 60;
        p.function.timeout = 30;
        assert_eq!(validate(&p), Ok(()));
        assert_eq!(warnings(&p)[0].field, "queue.VisibilityTimeout");
        p.queue.visibility_timeout = 180;
        assert!(warnings(&p).iter().all(|w| w.field != "queue.VisibilityTimeout"));
    }

    #[test]
    fn optional_bounds_name_their_field() {
        let mut p = SqsParams::default();
        p.event_source_mapping.scaling_config.maximum_concurrency = Some(1);
        assert_eq!(
            validate(&p).unwrap_err().to_string(),
            "eventSourceMapping.ScalingConfig.MaximumConcurrency: 1 is out of range (2..=1000)"
        );
    }
}

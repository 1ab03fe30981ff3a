//! Parameters of the SQS + Lambda scenario, with the real AWS and PostgreSQL names and defaults
//! (SQS CreateQueue, Lambda CreateEventSourceMapping / CreateFunction, postgresql.conf).
//! AWS settings keep AWS's PascalCase; Postgres settings keep their snake_case; settings of the
//! model itself (arrivals, handler time) are camelCase.

use crate::engine::{Millis, SimRng};
use serde::{Deserialize, Serialize};

/// Messages arriving: a steady rate, an optional campaign spike, an optional share of poison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Arrivals {
    /// The normal rate, in messages per minute.
    pub messages_per_minute: u64,
    /// A campaign: a different rate for a while, then back to normal.
    pub spike: Option<Spike>,
    /// Messages already waiting in the queue at t = 0 (a burst sent at once).
    pub initial_messages: u64,
    /// Share of messages that make the handler fail every time (a bad payload).
    pub poison_percent: u64,
}

impl Default for Arrivals {
    fn default() -> Self {
        Self { messages_per_minute: 50, spike: None, initial_messages: 0, poison_percent: 0 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spike {
    pub start_seconds: u64,
    pub duration_seconds: u64,
    pub messages_per_minute: u64,
}

/// The redrive policy: after `maxReceiveCount` receives a message goes to the dead-letter queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedrivePolicy {
    #[serde(rename = "maxReceiveCount")]
    pub max_receive_count: u64,
}

/// SQS standard queue attributes (seconds, as in CreateQueue).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct Queue {
    /// Default 30 s, 0 s..12 h.
    pub visibility_timeout: u64,
    /// Default 345,600 s (4 days), 60 s..14 days.
    pub message_retention_period: u64,
    /// `null`: no dead-letter queue, messages are retried until they expire.
    pub redrive_policy: Option<RedrivePolicy>,
}

impl Default for Queue {
    fn default() -> Self {
        Self { visibility_timeout: 30, message_retention_period: 345_600, redrive_policy: None }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct ScalingConfig {
    /// 2..1,000, or `null` (unset: the mapping may scale to the account's concurrency).
    pub maximum_concurrency: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FunctionResponseType {
    ReportBatchItemFailures,
}

names!(FunctionResponseType { ReportBatchItemFailures => "ReportBatchItemFailures" });

/// The Lambda event source mapping from the queue to the function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct EventSourceMapping {
    /// Default 10, 1..10,000; above 10 needs a batching window of at least 1 s.
    pub batch_size: u64,
    /// Default 0, 0..300 s.
    pub maximum_batching_window_in_seconds: u64,
    pub scaling_config: ScalingConfig,
    /// `["ReportBatchItemFailures"]` turns on partial batch responses.
    pub function_response_types: Vec<FunctionResponseType>,
    /// The pre-November-2023 poller ramp: +60 concurrent batches a minute instead of +300.
    #[serde(rename = "legacyScaling")]
    pub legacy_scaling: bool,
}

impl Default for EventSourceMapping {
    fn default() -> Self {
        Self {
            batch_size: 10,
            maximum_batching_window_in_seconds: 0,
            scaling_config: ScalingConfig::default(),
            function_response_types: Vec::new(),
            legacy_scaling: false,
        }
    }
}

impl EventSourceMapping {
    pub fn reports_batch_item_failures(&self) -> bool {
        self.function_response_types.contains(&FunctionResponseType::ReportBatchItemFailures)
    }
}

/// `UpdateFunctionConfiguration` after the mapping exists: AWS checks the visibility timeout only
/// when the mapping is created, so this is how the function timeout overtakes it in practice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeoutChange {
    #[serde(rename = "atSeconds")]
    pub at_seconds: u64,
    #[serde(rename = "Timeout")]
    pub timeout: u64,
}

/// The Lambda function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct Function {
    /// Seconds; default 3, 1..900.
    pub timeout: u64,
    /// 0..1,000 or `null` (unreserved: the function shares the account's pool).
    pub reserved_concurrent_executions: Option<u64>,
    /// Handler time for one message once it holds a database connection.
    #[serde(rename = "handlerMsPerMessage")]
    pub handler_ms_per_message: u64,
    /// Random spread of each invocation's duration, in percent either side.
    #[serde(rename = "jitterPercent")]
    pub jitter_percent: u64,
    #[serde(rename = "timeoutChange")]
    pub timeout_change: Option<TimeoutChange>,
}

impl Default for Function {
    fn default() -> Self {
        Self {
            timeout: 3,
            reserved_concurrent_executions: None,
            handler_ms_per_message: 100,
            jitter_percent: 10,
            timeout_change: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct Account {
    /// Lambda's concurrent executions per account and Region; default 1,000.
    pub concurrent_executions: u64,
}

impl Default for Account {
    fn default() -> Self {
        Self { concurrent_executions: 1_000 }
    }
}

/// How the handler waits between attempts at a refused connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetryPolicy {
    /// Again at once: the next step.
    Immediate,
    /// Every `retryBackoffMs`.
    Fixed,
    /// `retryBackoffMs`, doubling each time, at most `retryMaxBackoffMs`.
    #[default]
    Exponential,
    /// "Full jitter": a uniform draw in 0..=the exponential delay.
    ExponentialJitter,
}

impl RetryPolicy {
    pub const ALL: [RetryPolicy; 4] =
        [RetryPolicy::Immediate, RetryPolicy::Fixed, RetryPolicy::Exponential, RetryPolicy::ExponentialJitter];

    /// The name in the scenario format.
    pub fn name(self) -> &'static str {
        match self {
            RetryPolicy::Immediate => "immediate",
            RetryPolicy::Fixed => "fixed",
            RetryPolicy::Exponential => "exponential",
            RetryPolicy::ExponentialJitter => "exponential-jitter",
        }
    }

    /// Whether each wait is drawn at random (otherwise every handler waits alike).
    pub fn draws(self) -> bool {
        matches!(self, RetryPolicy::ExponentialJitter)
    }

    /// The wait before retry number `retry` (0 for the first retry), in ms.
    pub fn delay_ms(self, retry: u32, base_ms: Millis, max_ms: Millis, rng: &mut SimRng) -> Millis {
        let doubled = || base_ms.saturating_mul(1u64 << retry.min(40)).min(max_ms);
        match self {
            RetryPolicy::Immediate => 0,
            RetryPolicy::Fixed => base_ms,
            RetryPolicy::Exponential => doubled(),
            RetryPolicy::ExponentialJitter => rng.between(0, doubled()),
        }
    }
}

/// The PostgreSQL server behind the handler, and how the handler connects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Database {
    /// Default 100.
    pub max_connections: u64,
    /// Default 3: slots ordinary clients can never take.
    pub superuser_reserved_connections: u64,
    /// RDS Proxy in front: connection requests wait in a queue instead of being refused.
    #[serde(rename = "rdsProxy")]
    pub rds_proxy: bool,
    /// How many times the handler retries a refused connection before throwing.
    #[serde(rename = "connectRetries")]
    pub connect_retries: u64,
    #[serde(rename = "retryPolicy")]
    pub retry_policy: RetryPolicy,
    /// The fixed wait, or the first exponential one.
    #[serde(rename = "retryBackoffMs")]
    pub retry_backoff_ms: u64,
    /// The longest exponential wait.
    #[serde(rename = "retryMaxBackoffMs")]
    pub retry_max_backoff_ms: u64,
    /// Server CPU each connection attempt costs, refused ones included (a backend is forked,
    /// reads the startup packet, answers or refuses, exits). 0 leaves connection churn free.
    #[serde(rename = "connectCpuMicros")]
    pub connect_cpu_micros: u64,
    /// The server's CPUs, which connection churn takes from the handlers' queries.
    #[serde(rename = "vCpus")]
    pub v_cpus: u64,
}

impl Default for Database {
    fn default() -> Self {
        Self {
            max_connections: 100,
            superuser_reserved_connections: 3,
            rds_proxy: false,
            connect_retries: 0,
            retry_policy: RetryPolicy::Exponential,
            retry_backoff_ms: 1_000,
            retry_max_backoff_ms: 60_000,
            connect_cpu_micros: 0,
            v_cpus: 2,
        }
    }
}

impl Database {
    /// Connections ordinary clients (the Lambda handlers) can hold.
    pub fn available(&self) -> u64 {
        self.max_connections.saturating_sub(self.superuser_reserved_connections)
    }

    /// What PostgreSQL says to a handler it refuses (SQLSTATE 53300 either way). With slots kept
    /// for superusers an ordinary role is turned away once only those are left, with the reserved
    /// text (PostgreSQL 15's; 16 says "…for roles with the SUPERUSER attribute", RDS adds
    /// rds_superuser); "too many clients" comes only when no slot is reserved.
    pub fn refusal_message(&self) -> &'static str {
        if self.superuser_reserved_connections > 0 {
            "FATAL: remaining connection slots are reserved for non-replication superuser connections"
        } else {
            "FATAL: sorry, too many clients already"
        }
    }

    /// The wait before retry number `retry` (0 for the first) under this database's policy.
    pub fn retry_delay_ms(&self, retry: u32, rng: &mut SimRng) -> Millis {
        self.retry_policy.delay_ms(retry, self.retry_backoff_ms, self.retry_max_backoff_ms, rng)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SqsParams {
    pub arrivals: Arrivals,
    pub queue: Queue,
    pub event_source_mapping: EventSourceMapping,
    pub function: Function,
    pub account: Account,
    pub database: Database,
}

impl SqsParams {
    /// The most invocations the function may run at once: its reservation, else the account pool.
    pub fn function_concurrency_cap(&self) -> u64 {
        self.function.reserved_concurrent_executions.unwrap_or(self.account.concurrent_executions)
    }

    /// The most batches the mapping may process at once: 1,000, or `MaximumConcurrency`.
    pub fn mapping_concurrency_cap(&self) -> u64 {
        self.event_source_mapping.scaling_config.maximum_concurrency.unwrap_or(MAX_POLLER_BATCHES).min(MAX_POLLER_BATCHES)
    }

}

impl Spike {
    /// When the campaign's schedule ends it, in ms.
    pub fn scheduled_end_ms(&self) -> Millis {
        (self.start_seconds + self.duration_seconds) * 1000
    }
}

/// "The maximum number of batches that an event source mapping can process simultaneously is 1,000."
pub const MAX_POLLER_BATCHES: u64 = 1_000;
/// "Lambda starts processing five batches at a time."
pub const INITIAL_POLLER_BATCHES: u64 = 5;
/// Scale-up per minute while messages wait: 300 today, 60 before November 2023.
pub const SCALE_UP_PER_MINUTE: u64 = 300;
pub const LEGACY_SCALE_UP_PER_MINUTE: u64 = 60;

#[cfg(test)]
mod tests {
    use super::*;

    fn delays(policy: RetryPolicy, rng: &mut SimRng) -> Vec<Millis> {
        (0..8).map(|retry| policy.delay_ms(retry, 100, 2_000, rng)).collect()
    }

    #[test]
    fn each_retry_policy_waits_as_documented() {
        let mut rng = SimRng::new(1);
        assert_eq!(delays(RetryPolicy::Immediate, &mut rng), vec![0; 8]);
        assert_eq!(delays(RetryPolicy::Fixed, &mut rng), vec![100; 8]);
        // Doubling from retryBackoffMs, held at retryMaxBackoffMs.
        assert_eq!(delays(RetryPolicy::Exponential, &mut rng), vec![100, 200, 400, 800, 1_600, 2_000, 2_000, 2_000]);
        // A huge retry number neither overflows nor passes the cap.
        assert_eq!(RetryPolicy::Exponential.delay_ms(u32::MAX, 60_000, 900_000, &mut rng), 900_000);
    }

    #[test]
    fn full_jitter_draws_uniformly_below_the_exponential_delay() {
        let mut rng = SimRng::new(7);
        for (retry, ceiling) in [(0u32, 100u64), (3, 800), (10, 2_000)] {
            let draws: Vec<Millis> =
                (0..4_000).map(|_| RetryPolicy::ExponentialJitter.delay_ms(retry, 100, 2_000, &mut rng)).collect();
            assert!(draws.iter().all(|&d| d <= ceiling), "retry {retry}: a draw above {ceiling}");
            let mean = draws.iter().sum::<u64>() as f64 / draws.len() as f64;
            // Uniform in 0..=ceiling: the mean is half the ceiling, and both ends are reached.
            assert!((mean - ceiling as f64 / 2.0).abs() < ceiling as f64 * 0.03, "retry {retry}: mean {mean}");
            assert!(draws.iter().any(|&d| d < ceiling / 20) && draws.iter().any(|&d| d > ceiling - ceiling / 20));
        }
    }

    #[test]
    fn retry_policies_keep_their_json_names_and_old_scenarios_parse() {
        for policy in RetryPolicy::ALL {
            assert_eq!(serde_json::to_value(policy).unwrap(), serde_json::Value::from(policy.name()));
        }
        let old: Database = serde_json::from_str(r#"{ "connectRetries": 3, "retryBackoffMs": 1000 }"#).unwrap();
        assert_eq!(old.retry_policy, RetryPolicy::Exponential);
        assert_eq!(old.connect_cpu_micros, 0);
    }
}

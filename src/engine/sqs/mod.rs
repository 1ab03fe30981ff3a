//! Scenario 3: an SQS queue feeding a Lambda function through an event source mapping, every
//! invocation holding a connection to a Postgres server with a fixed `max_connections`.

mod batches;
mod params;
mod sim;
mod summary;
pub mod twin;
pub mod validate;

pub use params::{
    Account, Arrivals, Database, EventSourceMapping, Function, FunctionResponseType, Queue, RedrivePolicy, RetryPolicy, ScalingConfig,
    Spike, SqsParams, TimeoutChange, INITIAL_POLLER_BATCHES, LEGACY_SCALE_UP_PER_MINUTE, MAX_POLLER_BATCHES,
    SCALE_UP_PER_MINUTE,
};
pub use sim::{
    Batch, Counters, Msg, Outcome, Phase, Series, SqsEvent, SqsSim, StepActivity, TimedEvent, RECOVERED_BACKLOG, RECOVERED_QUIET_MS, STEP_MS,
    THROTTLE_RETRY_MS,
};
pub use summary::SqsSummary;
pub use validate::{validate, warnings, ParamError, Warning, RANGES};

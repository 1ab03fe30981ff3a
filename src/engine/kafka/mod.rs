//! Scenario 2: a partitioned log between producers and consumer groups (Kafka, with the Java
//! client's and KafkaJS's liveness rules).

mod group;
mod log;
mod params;
mod producer;
mod sim;
mod summary;
pub mod twin;
pub mod validate;

pub use group::{assignment, Batch, BatchPart, Cursor, GroupCounters, GroupEvent, GroupState, Member, MemberState};
pub use log::{PartitionLog, Segment, MAX_SEGMENTS};
pub use params::{Assignor, Client, Distribution, Downstream, Group, KafkaParams, OffsetReset, Outage, Peak, Processing, Producer, Topic};
pub use producer::ProducerState;
pub use sim::{EventSource, KafkaSim, TimedEvent, EVENT_LOG_CAPACITY};
pub use summary::{GroupSummary, KafkaSummary, PartitionSummary};
pub use validate::{validate, ParamError, GROUP_RANGES, MAX_GROUPS, RANGES};

/// Kafka's engine step. The shortest times that matter here are a rebalance (seconds), a poll
/// gap (≥ 1 s) and `fetch.max.wait.ms` (500 ms); processing is counted per batch in microseconds,
/// so 10 ms loses nothing visible and keeps an hour at 360,000 steps.
pub const STEP_MS: crate::engine::Millis = 10;

//! The SQS queue, the event source mapping's pollers, the Lambda function and the Postgres
//! connection limit, advanced together in fixed steps of [`STEP_MS`].
//!
//! Step order (each step, after time advances):
//! 1. a raised function `Timeout` takes effect for invocations that start from now on;
//! 2. arrivals join the queue (one cohort per step, split into poison / healthy);
//! 3. visible messages older than `MessageRetentionPeriod` expire;
//! 4. invocations that end now release their connection; successes delete their messages,
//!    failures leave them in flight until the visibility timeout;
//! 5. visibility timeouts that expire now return messages to the queue (or to the DLQ once
//!    received `maxReceiveCount` times), also when their invocation is still running;
//! 6. handlers waiting for a connection (in-handler retry, or the RDS Proxy queue) try again;
//! 7. throttled batches retry their invoke;
//! 8. the mapping scales its concurrent batches (+300/min while messages wait, down when idle);
//! 9. free pollers receive batches (oldest messages first) and invoke the function;
//! 10. metrics are recorded.

use super::batches::{Batches, Handle};
use super::params::{Spike, SqsParams, INITIAL_POLLER_BATCHES, LEGACY_SCALE_UP_PER_MINUTE, SCALE_UP_PER_MINUTE};
use crate::engine::laws::{LawsMeter, LawsReadout};
use crate::engine::series::BoundedSeries;
use crate::engine::{Millis, SimRng};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

/// 100 ms: everything this system does is measured in seconds (visibility timeouts and function
/// timeouts are whole seconds, pollers scale per minute, a handler that resizes an image and
/// writes to Postgres runs for hundreds of ms). An hour is 36,000 steps.
pub const STEP_MS: Millis = 100;
/// A throttled invoke is retried after this long (Lambda backs off; the exact schedule is not public).
pub const THROTTLE_RETRY_MS: Millis = 1_000;

/// Fixed odd constants mixed into the seed, one per random stream.
const ARRIVALS_STREAM: u64 = 0x9E37_79B9_7F4A_7C15;
const SERVICE_STREAM: u64 = 0xD1B5_4A32_D192_ED03;

/// The system counts as recovered once at most this many messages are left (visible or in
/// flight): two minutes of the normal 50 a minute…
pub const RECOVERED_BACKLOG: u64 = 100;
/// …and Postgres has refused no connection for this long.
pub const RECOVERED_QUIET_MS: Millis = 60_000;
/// Connection churn is measured over the last second.
const CHURN_WINDOW_STEPS: usize = (1_000 / STEP_MS) as usize;
/// Churn never takes more than this share (‰) of the server's CPU from the queries: the
/// scheduler still runs them, 20× slower at worst.
const MAX_CHURN_PERMILLE: u64 = 950;

const EVENT_LOG_CAPACITY: usize = 32;

/// The first whole second after `now`, in seconds. The step that reaches it has not run yet, so
/// a change recorded there in whole seconds (as the params keep it) takes effect at that same
/// step live, after a Reset and from a link.
fn next_whole_second(now: Millis) -> u64 {
    now / 1000 + 1
}
const SERIES_CAPACITY: usize = 400;
const SERIES_INTERVAL_MS: Millis = 1_000;

/// A group of messages that share everything the model distinguishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Msg {
    /// When they were sent; the queue hands out the oldest first.
    pub arrived_at: Millis,
    /// SQS's ApproximateReceiveCount, exact here.
    pub receives: u32,
    /// They make the handler fail every time.
    pub poison: bool,
    /// An earlier copy already did their work (a redelivery after a batch failure or after the
    /// visibility timeout ran out under a running invocation).
    pub handled: bool,
}

/// How an invocation ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    /// The batch held poison messages: an error, or a partial batch response.
    Poison,
    /// The function `Timeout` ran out.
    Timeout,
    /// No connection: SQLSTATE 53300 ([`Database::refusal_message`](super::params::Database::refusal_message)).
    Refused,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// Received, but the function is at its concurrency limit: the invoke is retried.
    Throttled { retry_at: Millis },
    /// Running, waiting to retry a refused connection (the handler's own backoff).
    Connecting { retry_at: Millis, attempt: u32 },
    /// Running, waiting in the RDS Proxy queue for a connection.
    ProxyQueued,
    /// Running with its outcome decided; `holds_connection` is false for one that failed to connect.
    Working { ends_at: Millis, outcome: Outcome, holds_connection: bool },
}

/// One batch a poller received, or several alike: their messages stay in flight until they are
/// deleted or their visibility timeout runs out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Batch {
    /// The first of its invocations; they are numbered in the order the pollers received them.
    pub id: u64,
    /// Invocations it stands for (ids `id..id + invocations`): received one after another with
    /// as many messages each, and alike in everything below since. Hundreds of handlers refused
    /// together cost one entry; they part when one of them draws or gets something the others do not.
    pub invocations: u64,
    /// Messages each invocation holds.
    pub messages_each: u64,
    pub received_at: Millis,
    /// When its messages become visible again unless deleted.
    pub visible_at: Millis,
    /// Its invocations' messages, one invocation's after another's, in the order received.
    pub messages: Vec<(Msg, u64)>,
    /// The visibility timeout ran out while the invocation was still running: its messages are
    /// back in the queue and this invocation is a stale copy.
    pub returned: bool,
    pub phase: Phase,
    /// When the invocation started and when its `Timeout` ends it.
    pub started_at: Option<Millis>,
    pub deadline: Millis,
}

impl Batch {
    /// Messages of one invocation.
    pub fn len(&self) -> u64 {
        self.messages_each
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn is_running(&self) -> bool {
        !matches!(self.phase, Phase::Throttled { .. })
    }
    pub fn holds_connection(&self) -> bool {
        matches!(self.phase, Phase::Working { holds_connection: true, .. })
    }
    fn has_poison(&self) -> bool {
        self.messages.iter().any(|(m, _)| m.poison)
    }
    /// Splits off its first `count` invocations (fewer than it stands for), with their messages.
    fn split_front(&mut self, count: u64) -> Batch {
        debug_assert!(count < self.invocations);
        let mut front_messages = Vec::new();
        let mut owed = count * self.messages_each;
        let mut whole = 0;
        for (msg, have) in self.messages.iter_mut() {
            if owed == 0 {
                break;
            }
            let take = owed.min(*have);
            front_messages.push((*msg, take));
            owed -= take;
            *have -= take;
            whole += usize::from(*have == 0);
        }
        self.messages.drain(..whole);
        let front = Batch { invocations: count, messages: front_messages, ..self.clone_without_messages() };
        self.id += count;
        self.invocations -= count;
        front
    }
    fn clone_without_messages(&self) -> Batch {
        Batch { messages: Vec::new(), ..*self }
    }
    /// Whether `next` can join it: received right after its last invocation, and alike since.
    pub(super) fn absorbs(&self, next: &Batch) -> bool {
        next.id == self.id + self.invocations
            && next.messages_each == self.messages_each
            && next.phase == self.phase
            && next.visible_at == self.visible_at
            && next.deadline == self.deadline
            && next.started_at == self.started_at
            && next.received_at == self.received_at
            && next.returned == self.returned
    }
    /// `next`, which it [`absorbs`](Batch::absorbs), joins it.
    pub(super) fn absorb(&mut self, next: Batch) {
        self.invocations += next.invocations;
        let mut messages = next.messages.into_iter();
        if let (Some(last), Some(first)) = (self.messages.last_mut(), messages.next()) {
            if last.0 == first.0 {
                last.1 += first.1;
            } else {
                self.messages.push(first);
            }
        }
        self.messages.extend(messages);
    }
}

/// Adds the next invocations to `parts`, joining the last part if they are alike.
fn push_part(parts: &mut Vec<Batch>, next: Batch) {
    match parts.last_mut() {
        Some(last) if last.absorbs(&next) => last.absorb(next),
        _ => parts.push(next),
    }
}

/// Buffers a step reuses; empty between steps, and left out of `Debug` (and the state hash).
#[derive(Clone, Default)]
struct Scratch {
    /// A lent batch's invocations, in order, after a pass changed them.
    parts: Vec<Batch>,
    /// Batches split off in this step, to be visited by its remaining passes.
    split_off: Vec<Handle>,
    /// Messages on their way back to the queue.
    messages: Vec<(Msg, u64)>,
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scratch")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SqsEvent {
    Throttled { count: u64 },
    Refused { count: u64 },
    HandlerErrors { count: u64 },
    RedeliveredWhileRunning { count: u64 },
    MovedToDlq { count: u64 },
    TimeoutRaised { timeout_s: u64 },
    SpikeEnded,
    Recovered { after_ms: Millis },
}

impl SqsEvent {
    pub fn describe(&self) -> String {
        match *self {
            SqsEvent::Throttled { count } => format!("{count} invoke(s) throttled: Rate Exceeded (TooManyRequestsException)"),
            SqsEvent::Refused { count } => format!("{count} connection(s) refused (SQLSTATE 53300)"),
            SqsEvent::HandlerErrors { count } => format!("{count} invocation(s) failed: their messages stay in flight until the visibility timeout"),
            SqsEvent::RedeliveredWhileRunning { count } => {
                format!("{count} message(s) visible again while their first copy still runs")
            }
            SqsEvent::MovedToDlq { count } => format!("{count} message(s) moved to the dead-letter queue"),
            SqsEvent::TimeoutRaised { timeout_s } => format!("function Timeout raised to {timeout_s} s (the mapping is not re-checked)"),
            SqsEvent::SpikeEnded => "the campaign ends: arrivals are back to the normal rate".to_string(),
            SqsEvent::Recovered { after_ms } => format!(
                "recovered {} s after the campaign: at most {RECOVERED_BACKLOG} messages left and no refusal for {} s",
                after_ms / 1000,
                RECOVERED_QUIET_MS / 1000
            ),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TimedEvent {
    pub at_ms: Millis,
    pub event: SqsEvent,
}

/// Running totals and peaks; the summary is built from these.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    pub sent: u64,
    /// Of `sent`, the poison messages.
    pub poison_sent: u64,
    pub completed: u64,
    pub dlq: u64,
    pub expired: u64,
    pub receives: u64,
    pub invocations: u64,
    pub throttles: u64,
    pub handler_errors: u64,
    pub timeouts: u64,
    pub connections_refused: u64,
    pub processed_more_than_once: u64,
    pub redelivered_while_running: u64,
    pub peak_concurrency: u64,
    pub peak_concurrency_at_ms: Millis,
    /// Every time a handler asked for a connection: first attempts and retries.
    pub connection_attempts: u64,
    pub last_refusal_at_ms: Option<Millis>,
    /// Invocations without a connection at the moment concurrency peaked.
    pub refused_at_peak: u64,
    pub peak_connections: u64,
    pub peak_visible: u64,
    pub peak_in_flight: u64,
    pub peak_poller_batches: u64,
    pub max_age_of_oldest_ms: Millis,
    /// The longest a running handler waited for its connection (retrying, or in the RDS Proxy queue).
    pub max_connection_wait_ms: Millis,
    pub first_refusal_at_ms: Option<Millis>,
    pub last_completed_at_ms: Option<Millis>,
}

/// What happened during the latest step (for flashes in the UI).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StepActivity {
    pub throttled: u64,
    pub refused: u64,
    pub errors: u64,
    pub redelivered: u64,
    pub to_dlq: u64,
}

/// Chart series, one point per simulated second at most (thinned when long).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    pub concurrency: BoundedSeries,
    pub connections: BoundedSeries,
    pub visible: BoundedSeries,
    pub in_flight: BoundedSeries,
    pub dlq: BoundedSeries,
    pub age_ms: BoundedSeries,
}

impl Series {
    fn new() -> Self {
        let s = || BoundedSeries::new(SERIES_CAPACITY, SERIES_INTERVAL_MS);
        Self { concurrency: s(), connections: s(), visible: s(), in_flight: s(), dlq: s(), age_ms: s() }
    }
}

#[derive(Clone, Debug)]
pub struct SqsSim {
    params: SqsParams,
    /// Draws for what arrives (the poison share of each arrival), apart from `service_rng`, so
    /// that two consumer configurations with the same seed see exactly the same traffic.
    arrivals_rng: SimRng,
    /// Draws for how the consumer behaves: duration jitter, jittered retry backoff.
    service_rng: SimRng,
    now: Millis,
    /// The function's current `Timeout` in seconds (changes when it is raised).
    timeout_s: u64,
    timeout_change_applied: bool,
    /// When the campaign spike stops: its schedule, or earlier if ended by hand.
    spike_ends_at: Option<Millis>,
    recovered_at: Option<Millis>,
    visible: BTreeMap<Msg, u64>,
    visible_count: u64,
    /// Messages of failed invocations, waiting out their visibility timeout: (visible_at, msg).
    waiting: BTreeMap<(Millis, Msg), u64>,
    in_flight_count: u64,
    /// Batches that occupy a poller: throttled or invoking (including stale copies).
    active: Batches,
    next_batch_id: u64,
    running: u64,
    connections: u64,
    proxy_queue: u64,
    /// Connection attempts that reached Postgres in each of the last steps (oldest first).
    recent_attempts: VecDeque<u64>,
    attempts_this_step: u64,
    /// Concurrent batches the mapping allows now.
    poller_batches: u64,
    scale_credit: u64,
    arrival_credit: u64,
    gather_since: Option<Millis>,
    /// Messages were still visible when every poller was busy at the end of the last step.
    backlog_after_poll: bool,
    counters: Counters,
    activity: StepActivity,
    series: Series,
    events: VecDeque<TimedEvent>,
    /// Live laws over the messages sent and not yet completed, dead-lettered or expired.
    laws: LawsMeter,
    /// `counters.sent` when the laws last looked.
    laws_sent: u64,
    scratch: Scratch,
}

impl SqsSim {
    /// Builds the system. `params` must have passed validation.
    pub fn new(params: SqsParams, seed: u64) -> Self {
        let mut sim = Self {
            arrivals_rng: SimRng::new(seed ^ ARRIVALS_STREAM),
            service_rng: SimRng::new(seed ^ SERVICE_STREAM),
            now: 0,
            timeout_s: params.function.timeout,
            timeout_change_applied: false,
            spike_ends_at: params.arrivals.spike.as_ref().map(Spike::scheduled_end_ms),
            recovered_at: None,
            visible: BTreeMap::new(),
            visible_count: 0,
            waiting: BTreeMap::new(),
            in_flight_count: 0,
            active: Batches::default(),
            next_batch_id: 0,
            running: 0,
            connections: 0,
            proxy_queue: 0,
            recent_attempts: VecDeque::with_capacity(CHURN_WINDOW_STEPS),
            attempts_this_step: 0,
            poller_batches: INITIAL_POLLER_BATCHES.min(params.mapping_concurrency_cap()),
            scale_credit: 0,
            arrival_credit: 0,
            gather_since: None,
            backlog_after_poll: false,
            counters: Counters::default(),
            activity: StepActivity::default(),
            series: Series::new(),
            events: VecDeque::with_capacity(EVENT_LOG_CAPACITY),
            laws: LawsMeter::new(),
            laws_sent: 0,
            scratch: Scratch::default(),
            params,
        };
        let initial = sim.params.arrivals.initial_messages;
        sim.send(0, initial);
        sim.counters.peak_poller_batches = sim.poller_batches;
        sim.measure();
        sim
    }

    pub fn params(&self) -> &SqsParams {
        &self.params
    }
    pub fn now(&self) -> Millis {
        self.now
    }
    pub fn counters(&self) -> &Counters {
        &self.counters
    }
    pub fn activity(&self) -> &StepActivity {
        &self.activity
    }
    pub fn series(&self) -> &Series {
        &self.series
    }
    pub fn recent_events(&self) -> impl DoubleEndedIterator<Item = &TimedEvent> {
        self.events.iter()
    }
    /// One entry per invocation, in the order the pollers received them: invocations held
    /// together in one [`Batch`] appear once each.
    pub fn batches(&self) -> Vec<&Batch> {
        self.active.in_receive_order().into_iter().flat_map(|b| std::iter::repeat_n(b, b.invocations as usize)).collect()
    }
    pub fn visible(&self) -> u64 {
        self.visible_count
    }
    pub fn in_flight(&self) -> u64 {
        self.in_flight_count
    }
    /// Running invocations (Lambda's ConcurrentExecutions), stale copies included.
    pub fn concurrency(&self) -> u64 {
        self.running
    }
    pub fn connections_in_use(&self) -> u64 {
        self.connections
    }
    pub fn proxy_queue(&self) -> u64 {
        self.proxy_queue
    }
    pub fn poller_batches(&self) -> u64 {
        self.poller_batches
    }
    pub fn timeout_s(&self) -> u64 {
        self.timeout_s
    }
    /// Visible message groups, oldest first: (message, count).
    pub fn visible_cohorts(&self) -> impl Iterator<Item = (&Msg, &u64)> {
        self.visible.iter()
    }
    /// Failed messages waiting out their visibility timeout: ((visible_at, message), count).
    pub fn waiting_cohorts(&self) -> impl Iterator<Item = (&(Millis, Msg), &u64)> {
        self.waiting.iter()
    }
    /// How many cohorts the simulation holds: what its memory grows with.
    pub fn cohort_count(&self) -> usize {
        self.visible.len() + self.waiting.len() + self.active.in_receive_order().into_iter().map(|b| b.messages.len()).sum::<usize>()
    }
    /// Entries held in all the simulation's growable collections: the cohorts, the batches, the
    /// churn window, chart points and events. Read-only, for soak tests.
    pub fn footprint(&self) -> usize {
        let s = &self.series;
        let series = [&s.concurrency, &s.connections, &s.visible, &s.in_flight, &s.dlq, &s.age_ms].map(|b| b.points().len());
        self.cohort_count() + self.active.cohorts() + self.recent_attempts.len() + series.iter().sum::<usize>() + self.events.len()
    }
    /// Age of the oldest visible message.
    pub fn age_of_oldest_ms(&self) -> Millis {
        self.visible.keys().next().map_or(0, |m| self.now - m.arrived_at)
    }

    /// Little's law over visible + in-flight messages, invocation message-attempts against
    /// messages completed, and the age of the oldest visible message (README, Live laws).
    pub fn laws(&self) -> LawsReadout {
        self.laws.readout(self.age_of_oldest_ms())
    }

    /// Recounts visible and in-flight messages from the cohorts (for tests of the counters).
    pub fn recount(&self) -> (u64, u64) {
        let visible = self.visible.values().sum();
        let waiting: u64 = self.waiting.values().sum();
        let active: u64 = self.active.in_receive_order().into_iter().filter(|b| !b.returned).map(|b| b.len() * b.invocations).sum();
        (visible, waiting + active)
    }

    /// When the campaign spike ended (by its schedule or by hand); `None` before then.
    pub fn spike_ended_at(&self) -> Option<Millis> {
        self.spike_ends_at.filter(|&end| end <= self.now)
    }
    /// The first moment after the spike ended with at most [`RECOVERED_BACKLOG`] messages left
    /// (visible or in flight) and no connection refused for [`RECOVERED_QUIET_MS`].
    pub fn recovered_at(&self) -> Option<Millis> {
        self.recovered_at
    }
    /// How long recovery took after the spike ended.
    pub fn recovery_ms(&self) -> Option<Millis> {
        Some(self.recovered_at? - self.spike_ended_at()?)
    }
    /// The share (‰) of Postgres's CPU that connection attempts took over the last second.
    pub fn churn_cpu_permille(&self) -> u64 {
        let attempts: u64 = self.recent_attempts.iter().sum();
        let db = &self.params.database;
        let busy_micros_per_second = attempts * db.connect_cpu_micros;
        (busy_micros_per_second / (db.v_cpus * 1_000)).min(MAX_CHURN_PERMILLE)
    }
    /// Whether the campaign is on now.
    pub fn spike_in_progress(&self) -> bool {
        self.params.arrivals.spike.as_ref().is_some_and(|s| s.start_seconds * 1000 <= self.now)
            && self.spike_ends_at.is_some_and(|end| self.now < end)
    }

    /// Messages that can still change state or arrive.
    pub fn is_finished(&self) -> bool {
        let spike_to_come = self.params.arrivals.spike.as_ref().is_some_and(|s| s.messages_per_minute > 0)
            && self.spike_ends_at.is_some_and(|end| self.now < end);
        let more_arrivals = self.params.arrivals.messages_per_minute > 0 || spike_to_come;
        !more_arrivals && self.visible_count == 0 && self.in_flight_count == 0 && self.active.is_empty()
    }

    /// Raises (or lowers) the function `Timeout` at the next whole second, the way
    /// `UpdateFunctionConfiguration` does: the mapping is not checked again. The params record
    /// it (`timeoutChange` is in whole seconds), so a replay or a link does exactly the same.
    /// Does nothing once a change has taken effect: the params hold one `timeoutChange`, and a
    /// second would overwrite the first, which a replay could then not repeat.
    pub fn change_timeout_now(&mut self, timeout_s: u64) {
        if self.timeout_changed() {
            return;
        }
        self.params.function.timeout_change = Some(super::params::TimeoutChange { at_seconds: next_whole_second(self.now), timeout: timeout_s });
        self.timeout_change_applied = false;
    }

    /// Whether this run's `timeoutChange` has taken effect (the run can make no other).
    pub fn timeout_changed(&self) -> bool {
        self.timeout_change_applied && self.params.function.timeout_change.is_some()
    }

    /// Ends the campaign spike at the next whole second: from then on arrivals are back to the
    /// normal rate. The params record it (`durationSeconds`, at least one), so a replay or a link
    /// ends it at the same step. Does nothing unless the spike is in progress.
    pub fn end_spike_now(&mut self) {
        if !self.spike_in_progress() {
            return;
        }
        let end_seconds = next_whole_second(self.now);
        if let Some(spike) = self.params.arrivals.spike.as_mut() {
            spike.duration_seconds = end_seconds.saturating_sub(spike.start_seconds).max(1);
            self.spike_ends_at = Some(spike.scheduled_end_ms());
        }
    }

    pub fn run_until(&mut self, until: Millis) {
        while self.now < until && !self.is_finished() {
            self.step();
        }
    }

    pub fn step(&mut self) {
        self.now += STEP_MS;
        let now = self.now;
        self.activity = StepActivity::default();
        self.apply_timeout_change();
        if self.spike_ends_at == Some(now) {
            self.log(SqsEvent::SpikeEnded);
        }
        let rate = self.arrival_rate_at(now);
        self.arrival_credit += rate * STEP_MS;
        let arriving = self.arrival_credit / 60_000;
        self.arrival_credit %= 60_000;
        self.send(now, arriving);
        self.expire_retention();
        let mut due = self.active.wake(now);
        self.advance_invocations(&mut due);
        self.expire_visibility(&due);
        self.retry_throttled(&due);
        self.active.recycle(due);
        self.scale();
        self.poll();
        self.measure();
        self.log_activity();
        let arrived = self.counters.sent - self.laws_sent;
        self.laws_sent = self.counters.sent;
        self.laws.end_step(now, STEP_MS, arrived, self.visible_count + self.in_flight_count);
    }

    /// Messages per minute arriving at `at_ms`.
    fn arrival_rate_at(&self, at_ms: Millis) -> u64 {
        match (&self.params.arrivals.spike, self.spike_ends_at) {
            (Some(spike), Some(end)) if spike.start_seconds * 1000 <= at_ms && at_ms < end => spike.messages_per_minute,
            _ => self.params.arrivals.messages_per_minute,
        }
    }

    fn apply_timeout_change(&mut self) {
        if self.timeout_change_applied {
            return;
        }
        if let Some(change) = self.params.function.timeout_change.clone() {
            if self.now >= change.at_seconds * 1000 {
                self.timeout_change_applied = true;
                self.timeout_s = change.timeout;
                self.log(SqsEvent::TimeoutRaised { timeout_s: change.timeout });
            }
        }
    }

    fn send(&mut self, at: Millis, count: u64) {
        if count == 0 {
            return;
        }
        let share = count * self.params.arrivals.poison_percent;
        let mut poison = share / 100;
        if share % 100 > 0 && self.arrivals_rng.between(0, 99) < share % 100 {
            poison += 1;
        }
        let healthy = count - poison;
        for (n, is_poison) in [(healthy, false), (poison, true)] {
            if n > 0 {
                *self.visible.entry(Msg { arrived_at: at, receives: 0, poison: is_poison, handled: false }).or_insert(0) += n;
            }
        }
        self.visible_count += count;
        self.counters.sent += count;
        self.counters.poison_sent += poison;
    }

    fn expire_retention(&mut self) {
        let retention = self.params.queue.message_retention_period * 1000;
        while let Some(entry) = self.visible.first_entry() {
            if entry.key().arrived_at + retention > self.now {
                break;
            }
            let arrived_at = entry.key().arrived_at;
            let count = entry.remove();
            self.visible_count -= count;
            self.counters.expired += count;
            self.laws.depart(count, u128::from(count) * u128::from(self.now - arrived_at));
        }
    }

    /// Messages leaving flight without being deleted: back to the queue, or to the DLQ.
    fn return_messages(&mut self, messages: impl IntoIterator<Item = (Msg, u64)>) {
        let max = self.params.queue.redrive_policy.as_ref().map(|p| p.max_receive_count);
        for (msg, count) in messages {
            self.in_flight_count -= count;
            if max.is_some_and(|max| u64::from(msg.receives) >= max) {
                self.counters.dlq += count;
                self.activity.to_dlq += count;
                self.laws.depart(count, u128::from(count) * u128::from(self.now - msg.arrived_at));
            } else {
                *self.visible.entry(msg).or_insert(0) += count;
                self.visible_count += count;
            }
        }
    }

    fn delete(&mut self, messages: impl IntoIterator<Item = (Msg, u64)>) {
        for (msg, count) in messages {
            self.in_flight_count -= count;
            self.counters.completed += count;
            self.laws.depart(count, u128::from(count) * u128::from(self.now - msg.arrived_at));
            self.laws.good(count);
            if msg.handled {
                self.counters.processed_more_than_once += count;
            }
        }
        self.counters.last_completed_at_ms = Some(self.now);
    }

    /// Failed messages stay in flight until their visibility timeout.
    fn park(&mut self, visible_at: Millis, messages: impl IntoIterator<Item = (Msg, u64)>) {
        for (msg, count) in messages {
            *self.waiting.entry((visible_at, msg)).or_insert(0) += count;
        }
    }

    /// Steps 4 and 6: invocations that end, and handlers waiting for a connection.
    fn advance_invocations(&mut self, due: &mut Vec<Handle>) {
        // Endings first, so the connections they free are there for the waiters below.
        self.end_invocations(due);
        let timed_out = if self.params.database.rds_proxy { self.serve_proxy_queue(due) } else { self.retry_connections(due) };
        // Timeouts decided just now end in this step.
        self.end_invocations(&timed_out);
        // Invocations that parted from their batch just now are due in the passes still to come.
        if !self.scratch.split_off.is_empty() {
            due.append(&mut self.scratch.split_off);
            due.sort_unstable();
        }
    }

    /// Ends the invocations among `handles` whose time is up.
    fn end_invocations(&mut self, handles: &[Handle]) {
        let now = self.now;
        for &handle in handles {
            let Some(batch) = self.active.get_mut(handle) else { continue };
            let Phase::Working { ends_at, outcome, holds_connection } = batch.phase else { continue };
            if ends_at > now {
                continue;
            }
            let mut batch = self.active.remove(handle);
            if holds_connection {
                self.connections -= batch.invocations;
            }
            self.running -= batch.invocations;
            self.end(&mut batch, outcome);
        }
    }

    /// Handlers whose backoff is over ask again; those past their deadline time out. Returns
    /// the ones that timed out.
    fn retry_connections(&mut self, due: &[Handle]) -> Vec<Handle> {
        let now = self.now;
        let mut timed_out = Vec::new();
        for &handle in due {
            let Some(batch) = self.active.get_mut(handle) else { continue };
            let Phase::Connecting { retry_at, attempt } = batch.phase else { continue };
            if batch.deadline <= now {
                // Ends later in this step: no wake-up needed.
                batch.phase = Phase::Working { ends_at: now, outcome: Outcome::Timeout, holds_connection: false };
                timed_out.push(handle);
            } else if retry_at <= now {
                let batch = self.active.lend(handle);
                let mut parts = std::mem::take(&mut self.scratch.parts);
                self.connect(batch, attempt, &mut parts);
                self.put_back_parts(handle, &mut parts);
            }
        }
        timed_out
    }

    /// RDS Proxy hands connections to its queue in order; handlers past their deadline leave it
    /// with a timeout. Returns the ones that timed out.
    fn serve_proxy_queue(&mut self, due: &[Handle]) -> Vec<Handle> {
        let now = self.now;
        let mut timed_out = Vec::new();
        // Taking connections only ever fills them, so the queue is served from its head while
        // one is free, and after that only deadlines matter.
        while self.connections < self.params.database.available() {
            let Some(handle) = self.active.proxy_head() else { break };
            let mut batch = self.active.lend(handle);
            if batch.deadline <= now {
                self.proxy_queue -= batch.invocations;
                batch.phase = Phase::Working { ends_at: now, outcome: Outcome::Timeout, holds_connection: false };
                timed_out.push(handle);
                self.active.put_back(handle, batch);
                continue;
            }
            let served = batch.invocations.min(self.params.database.available() - self.connections);
            self.proxy_queue -= served;
            let mut parts = std::mem::take(&mut self.scratch.parts);
            if let Some(still_queued) = self.start_work_in_turn(batch, served, &mut parts) {
                push_part(&mut parts, still_queued);
            }
            self.put_back_parts(handle, &mut parts);
        }
        for &handle in due {
            let Some(batch) = self.active.get_mut(handle) else { continue };
            if batch.phase == Phase::ProxyQueued && batch.deadline <= now {
                self.proxy_queue -= batch.invocations;
                batch.phase = Phase::Working { ends_at: now, outcome: Outcome::Timeout, holds_connection: false };
                self.active.rescheduled(handle);
                timed_out.push(handle);
            }
        }
        timed_out.sort_unstable();
        timed_out
    }

    /// Puts a lent batch back as the `parts` its invocations ended up in: the first keeps its
    /// place, the others are held apart from now on (and visited by this step's later passes).
    fn put_back_parts(&mut self, handle: Handle, parts: &mut Vec<Batch>) {
        let mut parts_in_order = parts.drain(..);
        let first = parts_in_order.next().expect("a lent batch comes back");
        self.active.put_back(handle, first);
        for part in parts_in_order {
            let split = self.active.insert(part);
            self.scratch.split_off.push(split);
        }
        self.scratch.parts = std::mem::take(parts);
    }

    fn end(&mut self, batch: &mut Batch, outcome: Outcome) {
        let invocations = batch.invocations;
        self.laws.attempt(batch.len() * invocations);
        if outcome != Outcome::Success && !(outcome == Outcome::Poison && self.reports_item_failures()) {
            self.counters.handler_errors += invocations;
            self.activity.errors += invocations;
        }
        if outcome == Outcome::Timeout {
            self.counters.timeouts += invocations;
        }
        if batch.returned {
            // A stale copy: its messages are already back in the queue, but it did their work again.
            if matches!(outcome, Outcome::Success | Outcome::Poison) {
                let again: u64 = batch.messages.iter().filter(|(m, _)| m.handled && !m.poison).map(|m| m.1).sum();
                self.counters.processed_more_than_once += again;
            }
            return;
        }
        let messages = std::mem::take(&mut batch.messages);
        match outcome {
            Outcome::Success => self.delete(messages),
            Outcome::Poison if self.reports_item_failures() => {
                let (bad, good): (Vec<_>, Vec<_>) = messages.into_iter().partition(|(m, _)| m.poison);
                self.delete(good);
                self.park(batch.visible_at, bad);
            }
            // The whole batch failed, but the handler did the healthy messages' work.
            Outcome::Poison => {
                let again: u64 = messages.iter().filter(|(m, _)| m.handled && !m.poison).map(|m| m.1).sum();
                self.counters.processed_more_than_once += again;
                self.park(batch.visible_at, messages.into_iter().map(|(m, c)| (Msg { handled: m.handled || !m.poison, ..m }, c)))
            }
            Outcome::Timeout | Outcome::Refused => self.park(batch.visible_at, messages),
        }
    }

    fn reports_item_failures(&self) -> bool {
        self.params.event_source_mapping.reports_batch_item_failures()
    }

    /// Step 5.
    fn expire_visibility(&mut self, due: &[Handle]) {
        let now = self.now;
        while let Some(entry) = self.waiting.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let ((_, msg), count) = entry.remove_entry();
            self.return_messages([(msg, count)]);
        }
        let mut copies = std::mem::take(&mut self.scratch.messages);
        for &handle in due {
            let Some(batch) = self.active.get_mut(handle) else { continue };
            if batch.returned || batch.visible_at > now {
                continue;
            }
            if let Phase::Throttled { .. } = batch.phase {
                // Lambda gives up on the invoke; the handler never ran.
                let batch = self.active.remove(handle);
                self.return_messages(batch.messages);
                continue;
            }
            let doing_the_work = matches!(batch.phase, Phase::Working { outcome: Outcome::Success | Outcome::Poison, .. });
            let count = batch.len() * batch.invocations;
            batch.returned = true;
            copies.extend(batch.messages.iter().map(|&(m, c)| (Msg { handled: m.handled || (doing_the_work && !m.poison), ..m }, c)));
            self.counters.redelivered_while_running += count;
            self.activity.redelivered += count;
            self.return_messages(copies.drain(..));
        }
        self.scratch.messages = copies;
    }

    /// Step 7.
    fn retry_throttled(&mut self, due: &[Handle]) {
        let now = self.now;
        for &handle in due {
            let Some(batch) = self.active.get_mut(handle) else { continue };
            if matches!(batch.phase, Phase::Throttled { retry_at } if retry_at <= now) {
                let batch = self.active.lend(handle);
                let mut parts = std::mem::take(&mut self.scratch.parts);
                self.invoke(batch, &mut parts);
                self.put_back_parts(handle, &mut parts);
            }
        }
        // No pass is left in this step to visit what split off.
        self.scratch.split_off.clear();
    }

    /// Step 8: +300 (or +60) concurrent batches a minute while messages wait and every poller is
    /// busy; back down at the same pace when the queue is empty.
    fn scale(&mut self) {
        let cap = self.params.mapping_concurrency_cap();
        let floor = INITIAL_POLLER_BATCHES.min(cap);
        let per_minute = if self.params.event_source_mapping.legacy_scaling { LEGACY_SCALE_UP_PER_MINUTE } else { SCALE_UP_PER_MINUTE };
        let wants_more = self.backlog_after_poll && self.poller_batches < cap;
        let wants_less = self.visible_count == 0 && self.poller_batches > floor;
        if wants_more || wants_less {
            self.scale_credit += per_minute * STEP_MS;
            let whole = self.scale_credit / 60_000;
            self.scale_credit %= 60_000;
            self.poller_batches =
                if wants_more { (self.poller_batches + whole).min(cap) } else { self.poller_batches.saturating_sub(whole).max(floor) };
        } else {
            self.scale_credit = 0;
        }
        self.poller_batches = self.poller_batches.clamp(floor.min(cap), cap);
        self.counters.peak_poller_batches = self.counters.peak_poller_batches.max(self.poller_batches);
    }

    /// Step 9.
    fn poll(&mut self) {
        let now = self.now;
        let esm = &self.params.event_source_mapping;
        let (batch_size, window_ms) = (esm.batch_size, esm.maximum_batching_window_in_seconds * 1000);
        self.backlog_after_poll = false;
        if self.visible_count == 0 {
            self.gather_since = None;
            return;
        }
        if window_ms > 0 && self.visible_count < batch_size {
            let since = *self.gather_since.get_or_insert(now);
            if now - since < window_ms {
                return;
            }
        }
        self.gather_since = None;
        let visibility_ms = self.params.queue.visibility_timeout * 1000;
        let mut parts = std::mem::take(&mut self.scratch.parts);
        // The batch received just before, which the next one joins if they are alike.
        let mut previous: Option<Handle> = None;
        while self.active.invocations() < self.poller_batches && self.visible_count > 0 {
            let messages = self.receive(batch_size);
            let batch = Batch {
                id: self.next_batch_id,
                invocations: 1,
                messages_each: messages.iter().map(|m| m.1).sum(),
                received_at: now,
                visible_at: now + visibility_ms,
                messages,
                returned: false,
                phase: Phase::Throttled { retry_at: now },
                started_at: None,
                deadline: 0,
            };
            self.next_batch_id += 1;
            self.invoke(batch, &mut parts);
            for part in parts.drain(..) {
                match previous {
                    Some(handle) if self.active.get(handle).is_some_and(|b| b.absorbs(&part)) => self.active.grow(handle, part),
                    _ => previous = Some(self.active.insert(part)),
                }
            }
        }
        self.scratch.parts = parts;
        self.backlog_after_poll = self.visible_count > 0;
    }

    /// Takes up to `n` of the oldest visible messages, raising their receive count. Messages sent
    /// in the same step are mixed: a batch cut from them takes poison and healthy ones (and first
    /// and repeated deliveries) in proportion, as a real receive would.
    fn receive(&mut self, n: u64) -> Vec<(Msg, u64)> {
        let mut out: Vec<(Msg, u64)> = Vec::new();
        let mut need = n;
        while need > 0 {
            let Some((first, _)) = self.visible.first_key_value() else { break };
            let arrived_at = first.arrived_at;
            let group: Vec<(Msg, u64)> =
                self.visible.iter().take_while(|(m, _)| m.arrived_at == arrived_at).map(|(m, c)| (*m, *c)).collect();
            let total: u64 = group.iter().map(|g| g.1).sum();
            let mut takes: Vec<u64> = if total <= need {
                group.iter().map(|g| g.1).collect()
            } else {
                group.iter().map(|g| g.1 * need / total).collect()
            };
            // Hand out what rounding down left over, largest remainder first.
            let mut short = need.min(total) - takes.iter().sum::<u64>();
            let mut order: Vec<usize> = (0..group.len()).collect();
            order.sort_by_key(|&i| std::cmp::Reverse((group[i].1 * need) % total.max(1)));
            for &i in order.iter().cycle().take(group.len() * 2) {
                if short == 0 {
                    break;
                }
                if takes[i] < group[i].1 {
                    takes[i] += 1;
                    short -= 1;
                }
            }
            for ((msg, have), take) in group.into_iter().zip(takes) {
                if take == 0 {
                    continue;
                }
                if take == have {
                    self.visible.remove(&msg);
                } else if let Some(count) = self.visible.get_mut(&msg) {
                    *count -= take;
                }
                need -= take;
                out.push((Msg { receives: msg.receives + 1, ..msg }, take));
            }
        }
        let taken = n - need;
        self.visible_count -= taken;
        self.in_flight_count += taken;
        self.counters.receives += taken;
        out
    }

    /// Invokes the function for each of `batch`'s invocations in turn, or throttles it once the
    /// function is at its limit. What they became goes to `parts`, in order.
    fn invoke(&mut self, mut batch: Batch, parts: &mut Vec<Batch>) {
        let free = self.params.function_concurrency_cap().saturating_sub(self.running);
        let starting = batch.invocations.min(free);
        let throttled = if starting == 0 {
            Some(batch)
        } else {
            let rest = (starting < batch.invocations).then(|| {
                let front = batch.split_front(starting);
                std::mem::replace(&mut batch, front)
            });
            self.running += starting;
            self.counters.invocations += starting;
            batch.started_at = Some(self.now);
            batch.deadline = self.now + self.timeout_s * 1000;
            self.connect(batch, 0, parts);
            rest
        };
        if let Some(mut batch) = throttled {
            self.counters.throttles += batch.invocations;
            self.activity.throttled += batch.invocations;
            batch.phase = Phase::Throttled { retry_at: self.now + THROTTLE_RETRY_MS };
            push_part(parts, batch);
        }
    }

    /// Each of `batch`'s handlers in turn asks Postgres (or RDS Proxy) for a connection, after
    /// `retries` refusals. Once one finds none free, neither does any after it in this step.
    fn connect(&mut self, batch: Batch, retries: u32, parts: &mut Vec<Batch>) {
        let db = &self.params.database;
        let (rds_proxy, connect_retries, jittered) = (db.rds_proxy, db.connect_retries, db.retry_policy.draws());
        let free = if rds_proxy && self.proxy_queue > 0 { 0 } else { db.available().saturating_sub(self.connections) };
        let asking = batch.invocations;
        self.counters.connection_attempts += asking;
        if !rds_proxy {
            // The proxy keeps its own connections open: only direct attempts make Postgres fork.
            self.attempts_this_step += asking;
        }
        let Some(mut batch) = self.start_work_in_turn(batch, free, parts) else { return };
        let left = batch.invocations;
        if rds_proxy {
            self.proxy_queue += left;
            batch.phase = Phase::ProxyQueued;
            push_part(parts, batch);
            return;
        }
        self.counters.connections_refused += left;
        self.counters.first_refusal_at_ms.get_or_insert(self.now);
        self.counters.last_refusal_at_ms = Some(self.now);
        self.activity.refused += left;
        if u64::from(retries) >= connect_retries {
            // The error surfaces at once; the invocation still counts for this step.
            batch.phase = Phase::Working { ends_at: self.now + STEP_MS, outcome: Outcome::Refused, holds_connection: false };
            push_part(parts, batch);
            return;
        }
        // A wait of 0 (immediate) retries in the next step. Jittered waits are drawn one
        // handler at a time; the others wait alike.
        let mut wait_next = |sim: &mut Self, mut handler: Batch| {
            let wait = sim.params.database.retry_delay_ms(retries, &mut sim.service_rng);
            handler.phase = Phase::Connecting { retry_at: sim.now + wait, attempt: retries + 1 };
            push_part(parts, handler);
        };
        if jittered {
            for _ in 1..batch.invocations {
                let first = batch.split_front(1);
                wait_next(self, first);
            }
        }
        wait_next(self, batch);
    }

    /// The first `count` of `batch`'s handlers get a connection, one after another (each draws
    /// its own duration); returns the others, if any.
    fn start_work_in_turn(&mut self, mut batch: Batch, count: u64, parts: &mut Vec<Batch>) -> Option<Batch> {
        let some_left = count < batch.invocations;
        for _ in 0..count.min(batch.invocations - 1) {
            let mut first = batch.split_front(1);
            self.start_work(&mut first);
            push_part(parts, first);
        }
        if some_left {
            return Some(batch);
        }
        self.start_work(&mut batch);
        push_part(parts, batch);
        None
    }

    /// One handler got its connection: it works for as long as its messages take.
    fn start_work(&mut self, batch: &mut Batch) {
        debug_assert_eq!(batch.invocations, 1, "each handler draws its own duration");
        self.connections += 1;
        if let Some(started) = batch.started_at {
            self.counters.max_connection_wait_ms = self.counters.max_connection_wait_ms.max(self.now - started);
        }
        let f = &self.params.function;
        let base = batch.len() * f.handler_ms_per_message;
        let spread = f.jitter_percent;
        let factor = if spread > 0 { 100 - spread + self.service_rng.between(0, 2 * spread) } else { 100 };
        // The queries get what CPU the connection churn leaves them.
        let duration = (base * factor * 10 / (1_000 - self.churn_cpu_permille())).max(1);
        let finish = self.now + duration;
        let (ends_at, outcome) = if finish > batch.deadline {
            (batch.deadline, Outcome::Timeout)
        } else if batch.has_poison() {
            (finish, Outcome::Poison)
        } else {
            (finish, Outcome::Success)
        };
        batch.phase = Phase::Working { ends_at, outcome, holds_connection: true };
    }

    fn measure(&mut self) {
        if self.recent_attempts.len() == CHURN_WINDOW_STEPS {
            self.recent_attempts.pop_front();
        }
        self.recent_attempts.push_back(std::mem::take(&mut self.attempts_this_step));
        self.check_recovery();
        let age = self.age_of_oldest_ms();
        let c = &mut self.counters;
        if self.running > c.peak_concurrency {
            c.peak_concurrency = self.running;
            c.peak_concurrency_at_ms = self.now;
            c.refused_at_peak = self.running - self.connections;
        }
        c.peak_connections = c.peak_connections.max(self.connections);
        c.peak_visible = c.peak_visible.max(self.visible_count);
        c.peak_in_flight = c.peak_in_flight.max(self.in_flight_count);
        c.max_age_of_oldest_ms = c.max_age_of_oldest_ms.max(age);
        let now = self.now;
        let s = &mut self.series;
        s.concurrency.record(now, self.running);
        s.connections.record(now, self.connections);
        s.visible.record(now, self.visible_count);
        s.in_flight.record(now, self.in_flight_count);
        s.dlq.record(now, self.counters.dlq);
        s.age_ms.record(now, age);
    }

    fn check_recovery(&mut self) {
        let Some(ended) = self.spike_ended_at() else { return };
        if self.recovered_at.is_some() {
            return;
        }
        let drained = self.visible_count + self.in_flight_count <= RECOVERED_BACKLOG;
        let quiet = self.counters.last_refusal_at_ms.is_none_or(|at| at + RECOVERED_QUIET_MS <= self.now);
        if drained && quiet {
            self.recovered_at = Some(self.now);
            self.log(SqsEvent::Recovered { after_ms: self.now - ended });
        }
    }

    fn log_activity(&mut self) {
        let a = self.activity;
        let events = [
            (a.throttled, SqsEvent::Throttled { count: a.throttled }),
            (a.refused, SqsEvent::Refused { count: a.refused }),
            (a.errors, SqsEvent::HandlerErrors { count: a.errors }),
            (a.redelivered, SqsEvent::RedeliveredWhileRunning { count: a.redelivered }),
            (a.to_dlq, SqsEvent::MovedToDlq { count: a.to_dlq }),
        ];
        for (count, event) in events {
            if count > 0 {
                self.log(event);
            }
        }
    }

    fn log(&mut self, event: SqsEvent) {
        if self.events.len() == EVENT_LOG_CAPACITY {
            self.events.pop_front();
        }
        self.events.push_back(TimedEvent { at_ms: self.now, event });
    }
}

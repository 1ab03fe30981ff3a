//! Live laws: Little's law (L against λ·W), throughput against goodput, retry amplification and
//! the age of the oldest waiting item, measured the same way in every system.
//!
//! Each system tells a [`LawsMeter`] once per step how many items are in the system, how many
//! arrived, how many left and how long those had been inside (their sojourn), how much work was
//! done (attempts) and how much of it counted (good). L is the time-average of the in-system
//! count; W comes from the departing items' own arrival times, never from L, so the two sides of
//! L = λ·W are measured independently and the gap between them means something.
//!
//! Memory is fixed: the trailing window is a ring of [`TRAILING_BUCKETS`] buckets of
//! [`BUCKET_MS`], plus one running total since the start. FIFO systems (the Node pipeline, a
//! Kafka partition) find a departing item's arrival time on an [`ArrivalCurve`], a bounded,
//! thinned record of the cumulative-arrivals curve.

use super::Millis;
use serde::Serialize;
use std::fmt;

/// The gap under which the readout says Little's law holds over a window, and which the tests
/// hold every scenario's steady state and settled presets to over 10–60 simulated minutes.
pub const TOLERANCE_PERCENT: f64 = 2.0;

/// One bucket of the trailing window.
pub const BUCKET_MS: Millis = 1_000;
/// Buckets in the trailing window: the current (partial) second and the 59 before it.
pub const TRAILING_BUCKETS: usize = 60;

/// Sums over some span of simulated time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    /// ∫ items-in-system dt, in item·ms.
    area: u128,
    arrivals: u64,
    departures: u64,
    /// Σ (departure time − arrival time) of the items that left, in item·ms.
    sojourn: u128,
    /// Work done, repeats and failures included.
    attempts: u64,
    /// Work that counted: distinct items completed.
    good: u64,
    span_ms: Millis,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.area += o.area;
        self.arrivals += o.arrivals;
        self.departures += o.departures;
        self.sojourn += o.sojourn;
        self.attempts += o.attempts;
        self.good += o.good;
        self.span_ms += o.span_ms;
    }
}

/// The readout for one window. Rates are per simulated second; `None` where a figure is
/// undefined (no departures yet, nothing completed yet).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Laws {
    /// The simulated time the figures cover.
    pub window_ms: Millis,
    /// L: items in the system, time-averaged over the window.
    pub in_system_avg: f64,
    /// λ: arrivals per second.
    pub arrival_rate_per_s: f64,
    /// W: mean time in the system of the items that left during the window.
    pub mean_time_in_system_ms: Option<f64>,
    /// λ × W (items).
    pub littles_rhs: Option<f64>,
    /// |L − λW| / max(L, λW), in percent; 0 when both are 0.
    pub gap_percent: Option<f64>,
    pub throughput_per_s: f64,
    pub goodput_per_s: f64,
    /// Work done per distinct item completed (throughput ÷ goodput).
    pub attempts_per_item: Option<f64>,
    /// Age of the oldest item still waiting, now (the same in both windows).
    pub oldest_age_ms: Millis,
    /// Items in the system now.
    pub in_system_now: u64,
}

/// Both windows a widget shows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LawsReadout {
    pub trailing: Laws,
    pub since_start: Laws,
}

/// The windowed accumulators. Feed it once per step, after the step: O(1).
#[derive(Clone, Debug, PartialEq)]
pub struct LawsMeter {
    ring: Vec<Tally>,
    /// Index of the bucket the latest step fell in (bucket number = (t − 1) / BUCKET_MS).
    bucket: u64,
    total: Tally,
    /// What the current step has reported so far (departures, attempts, good).
    step: Tally,
    in_system_now: u64,
}

impl Default for LawsMeter {
    fn default() -> Self {
        Self::new()
    }
}

impl LawsMeter {
    pub fn new() -> Self {
        Self { ring: vec![Tally::default(); TRAILING_BUCKETS], bucket: 0, total: Tally::default(), step: Tally::default(), in_system_now: 0 }
    }

    /// `count` items left the system in this step after `sojourn_ms` item·ms inside in all.
    pub fn depart(&mut self, count: u64, sojourn_ms: u128) {
        self.step.departures += count;
        self.step.sojourn += sojourn_ms;
    }

    /// `count` units of work were done in this step (repeats and failures included).
    pub fn attempt(&mut self, count: u64) {
        self.step.attempts += count;
    }

    /// `count` distinct items were completed in this step.
    pub fn good(&mut self, count: u64) {
        self.step.good += count;
    }

    /// Closes the step of `dt` ms ending at `now`, with `arrivals` in it and `in_system` items
    /// inside at its end. An item that arrives at step t and leaves at step t' is counted in
    /// t'−t ms of area, exactly its sojourn.
    pub fn end_step(&mut self, now: Millis, dt: Millis, arrivals: u64, in_system: u64) {
        let mut step = std::mem::take(&mut self.step);
        step.arrivals += arrivals;
        step.area += u128::from(in_system) * u128::from(dt);
        step.span_ms = dt;
        self.in_system_now = in_system;
        let bucket = now.saturating_sub(1) / BUCKET_MS;
        let len = self.ring.len() as u64;
        if bucket > self.bucket {
            for b in (self.bucket + 1)..=bucket.min(self.bucket + len) {
                self.ring[(b % len) as usize] = Tally::default();
            }
            // A jump longer than the ring clears it all.
            self.bucket = bucket;
        }
        self.ring[(bucket % len) as usize].add(&step);
        self.total.add(&step);
    }

    /// Takes back `count` units of good work, newest first (the Node process died: rows already
    /// delivered by exports that now never complete do not count).
    pub fn retract_good(&mut self, count: u64) {
        self.total.good = self.total.good.saturating_sub(count);
        let len = self.ring.len() as u64;
        let mut left = count;
        for back in 0..len {
            if left == 0 {
                break;
            }
            let b = &mut self.ring[((self.bucket + len - back) % len) as usize];
            let take = b.good.min(left);
            b.good -= take;
            left -= take;
        }
    }

    pub fn readout(&self, oldest_age_ms: Millis) -> LawsReadout {
        let mut trailing = Tally::default();
        self.ring.iter().for_each(|b| trailing.add(b));
        LawsReadout {
            trailing: laws_of(&trailing, oldest_age_ms, self.in_system_now),
            since_start: laws_of(&self.total, oldest_age_ms, self.in_system_now),
        }
    }
}

fn laws_of(t: &Tally, oldest_age_ms: Millis, in_system_now: u64) -> Laws {
    let span = t.span_ms.max(1) as f64;
    let in_system_avg = t.area as f64 / span;
    let arrival_rate_per_s = t.arrivals as f64 * 1000.0 / span;
    let mean = (t.departures > 0).then(|| t.sojourn as f64 / t.departures as f64);
    let rhs = mean.map(|w| arrival_rate_per_s * w / 1000.0);
    let gap = rhs.map(|rhs| {
        let larger = in_system_avg.max(rhs);
        if larger <= 0.0 {
            0.0
        } else {
            (in_system_avg - rhs).abs() / larger * 100.0
        }
    });
    Laws {
        window_ms: t.span_ms,
        in_system_avg,
        arrival_rate_per_s,
        mean_time_in_system_ms: mean,
        littles_rhs: rhs,
        gap_percent: gap,
        throughput_per_s: t.attempts as f64 * 1000.0 / span,
        goodput_per_s: t.good as f64 * 1000.0 / span,
        attempts_per_item: (t.good > 0).then(|| t.attempts as f64 / t.good as f64),
        oldest_age_ms,
        in_system_now,
    }
}

/// Points an [`ArrivalCurve`] keeps before it thins itself.
pub const CURVE_CAPACITY: usize = 256;

/// The cumulative-arrivals curve of one FIFO stream, `(t, A(t))`, from just before the oldest
/// item still inside to now. Items arrive in order, so the n-th item's arrival time can be read
/// off it. Points are at least `interval` apart (the newest one moves forward until then), plus
/// one just before each burst that follows a quiet spell of at least `interval`; at full
/// resolution (`interval` = one step) it is exact. When it holds [`CURVE_CAPACITY`] points it
/// drops every other one and doubles `interval`, so the whole curve keeps an even resolution
/// (as [`crate::engine::series::BoundedSeries`] does); when departures have trimmed it to a
/// quarter it halves `interval` again. Between points, a segment's items are spread evenly.
#[derive(Clone)]
pub struct ArrivalCurve {
    step_ms: Millis,
    interval: Millis,
    /// The points are `buffer[start..]`: dropping the oldest only moves `start`, and the buffer
    /// is compacted once the dropped ones outnumber [`CURVE_CAPACITY`]. (A `VecDeque` did this
    /// job, but reading it every step cost several times more.)
    buffer: Vec<(Millis, u64)>,
    start: usize,
}

/// As the derived one with the points in a `VecDeque` showed it: the dropped points are not
/// part of the state.
impl fmt::Debug for ArrivalCurve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArrivalCurve").field("step_ms", &self.step_ms).field("interval", &self.interval).field("points", &self.points()).finish()
    }
}

impl PartialEq for ArrivalCurve {
    fn eq(&self, other: &Self) -> bool {
        (self.step_ms, self.interval, self.points()) == (other.step_ms, other.interval, other.points())
    }
}

impl ArrivalCurve {
    pub fn new(step_ms: Millis) -> Self {
        let mut buffer = Vec::with_capacity(2 * CURVE_CAPACITY);
        buffer.push((0, 0));
        Self { step_ms, interval: step_ms, buffer, start: 0 }
    }

    fn points(&self) -> &[(Millis, u64)] {
        &self.buffer[self.start..]
    }

    pub fn len(&self) -> usize {
        self.buffer.len() - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cumulative arrivals are `total` at the end of the step ending at `now`.
    pub fn record(&mut self, now: Millis, total: u64) {
        let points = self.points();
        let len = points.len();
        let (last_t, last_a) = points[len - 1];
        if total <= last_a {
            return;
        }
        if last_t + self.step_ms.max(self.interval) < now {
            // A quiet spell: the burst starts in this step, not spread since the last point.
            self.buffer.push((now - self.step_ms, last_a));
            self.buffer.push((now, total));
        } else if len >= 2 && now - points[len - 2].0 < self.interval {
            // Too close to the point before: the newest point moves forward.
            let newest = self.buffer.len() - 1;
            self.buffer[newest] = (now, total);
        } else {
            self.buffer.push((now, total));
        }
        if self.len() >= CURVE_CAPACITY {
            self.thin();
        }
    }

    fn thin(&mut self) {
        let last = self.len() - 1;
        let kept: Vec<_> = self.points().iter().enumerate().filter(|(i, _)| i % 2 == 0 || *i == last).map(|(_, p)| *p).collect();
        self.buffer.clear();
        self.buffer.extend(kept);
        self.start = 0;
        self.interval *= 2;
    }

    /// Drops the points no item at or after index `departed` needs.
    pub fn trim(&mut self, departed: u64) {
        // A scan, not a bisection: a step rarely drops more than a point or two.
        let points = self.points();
        let mut unneeded = 0;
        while unneeded + 1 < points.len() && points[unneeded + 1].1 <= departed {
            unneeded += 1;
        }
        self.start += unneeded;
        if self.start >= CURVE_CAPACITY {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        if self.len() < CURVE_CAPACITY / 4 && self.interval > self.step_ms {
            self.interval = (self.interval / 2).max(self.step_ms);
        }
    }

    /// Arrival time of item `n` (0-based).
    pub fn arrival_of(&self, n: u64) -> Millis {
        self.sum_arrivals(n, n + 1) as Millis
    }

    /// Σ arrival time of the items `from..to`, which must have arrived. Within a segment from
    /// (t0, A0) to (t1, A1), K = A1 − A0 items land at t0 + Δ + i·(t1 − t0 − Δ)/(K − 1): one step's
    /// items all at t1, a longer segment's evenly from its first step to its last.
    pub fn sum_arrivals(&self, from: u64, to: u64) -> u128 {
        let points = self.points();
        let mut sum = 0u128;
        let mut lo = from;
        let mut i = segment_of(points, from);
        while lo < to && i + 1 < points.len() {
            let ((t0, a0), (t1, a1)) = (points[i], points[i + 1]);
            let hi = to.min(a1);
            if hi > lo {
                let k = a1 - a0;
                let count = u128::from(hi - lo);
                if k == 1 || t1 - t0 <= self.step_ms {
                    sum += count * u128::from(t1);
                } else {
                    let (i0, i1) = (u128::from(lo - a0), u128::from(hi - 1 - a0));
                    let index_sum = (i0 + i1) * count / 2;
                    let span = u128::from(t1 - t0 - self.step_ms);
                    sum += count * u128::from(t0 + self.step_ms) + span * index_sum / u128::from(k - 1);
                }
                lo = hi;
            }
            i += 1;
        }
        // Items past the last point cannot have arrived; count them as arriving now.
        if lo < to {
            sum += u128::from(to - lo) * u128::from(points.last().map_or(0, |p| p.0));
        }
        sum
    }
}

/// The index of the last point at or below item `from` (0 if none): the segment it is in.
/// Departures come from the oldest points (the slowest reader) or the newest (a reader keeping
/// up), so those are looked at before bisecting.
fn segment_of(points: &[(Millis, u64)], from: u64) -> usize {
    let last = points.len() - 1;
    if last == 0 || points[1].1 > from {
        0
    } else if points[last].1 <= from {
        last
    } else if points[last - 1].1 <= from {
        last - 1
    } else {
        points.partition_point(|p| p.1 <= from) - 1
    }
}

/// One FIFO stream's laws bookkeeping: its arrival curve and how far arrivals and departures
/// had got at the last step. Departures in a step are the items `departed_before..departed`.
#[derive(Clone, Debug, PartialEq)]
pub struct FifoStream {
    pub curve: ArrivalCurve,
    pub arrived: u64,
    pub departed: u64,
}

impl FifoStream {
    pub fn new(step_ms: Millis) -> Self {
        Self { curve: ArrivalCurve::new(step_ms), arrived: 0, departed: 0 }
    }

    /// Records this step's totals; returns (arrivals, departures, their sojourn in item·ms).
    pub fn advance(&mut self, now: Millis, arrived: u64, departed: u64) -> (u64, u64, u128) {
        self.curve.record(now, arrived);
        let new_arrivals = arrived.saturating_sub(self.arrived);
        self.arrived = self.arrived.max(arrived);
        let (from, to) = (self.departed, departed.max(self.departed));
        let sojourn = u128::from(to - from) * u128::from(now) - self.curve.sum_arrivals(from, to);
        self.departed = to;
        self.curve.trim(to);
        (new_arrivals, to - from, sojourn)
    }

    /// Age of the oldest item inside, or 0 when empty.
    pub fn oldest_age_ms(&self, now: Millis) -> Millis {
        if self.arrived > self.departed {
            now.saturating_sub(self.curve.arrival_of(self.departed))
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_queue_satisfies_littles_law_exactly() {
        // 10 arrivals per 10 ms step, each stays exactly 500 ms: L = 10 × 50 = 500, λ = 1000/s, W = 0.5 s.
        let mut meter = LawsMeter::new();
        let mut fifo = FifoStream::new(10);
        for step in 1..=60_000u64 {
            let now = step * 10;
            let arrived = step * 10;
            let departed = step.saturating_sub(50) * 10;
            let (a, d, s) = fifo.advance(now, arrived, departed);
            meter.depart(d, s);
            meter.attempt(d);
            meter.good(d);
            meter.end_step(now, 10, a, arrived - departed);
        }
        let r = meter.readout(fifo.oldest_age_ms(600_000));
        let t = r.trailing;
        assert_eq!(t.window_ms, 60_000);
        assert!((t.in_system_avg - 500.0).abs() < 1e-9, "{t:?}");
        assert!((t.arrival_rate_per_s - 1000.0).abs() < 1e-9);
        assert_eq!(t.mean_time_in_system_ms, Some(500.0));
        assert!(t.gap_percent.unwrap() < 1e-9);
        assert_eq!(t.attempts_per_item, Some(1.0));
        assert_eq!(r.trailing.oldest_age_ms, 490, "the oldest inside arrived 49 steps ago");
    }

    #[test]
    fn the_curve_stays_bounded_and_close_after_thinning() {
        let mut curve = ArrivalCurve::new(1);
        for t in 1..=1_000_000u64 {
            curve.record(t, t * 3);
        }
        assert!(curve.len() < CURVE_CAPACITY);
        // Item 3n..3n+2 arrived at t = n + 1.
        let n = 400_000u64;
        let got = curve.arrival_of(3 * n) as i64;
        assert!((got - (n as i64 + 1)).abs() <= 2, "{got}");
        let mean = curve.sum_arrivals(0, 3_000_000) as f64 / 3_000_000.0;
        assert!((mean - 500_000.5).abs() < 1.0, "{mean}");
    }

    #[test]
    fn bursts_after_quiet_spells_are_exact() {
        let mut curve = ArrivalCurve::new(10);
        curve.record(10, 5);
        curve.record(500, 8);
        curve.record(510, 9);
        assert_eq!(curve.sum_arrivals(0, 5), 50);
        assert_eq!(curve.sum_arrivals(5, 8), 1500);
        assert_eq!(curve.arrival_of(8), 510);
    }

    #[test]
    fn the_trailing_window_forgets_and_retraction_is_bounded() {
        let mut meter = LawsMeter::new();
        for now in 1..=200_000u64 {
            meter.good(1);
            meter.attempt(2);
            meter.end_step(now, 1, 0, 0);
        }
        let r = meter.readout(0);
        assert_eq!(r.trailing.window_ms, 60_000);
        assert_eq!(r.since_start.window_ms, 200_000);
        assert_eq!(r.trailing.attempts_per_item, Some(2.0));
        meter.retract_good(1_000_000);
        let r = meter.readout(0);
        assert_eq!(r.trailing.goodput_per_s, 0.0);
        assert_eq!(r.since_start.attempts_per_item, None);
    }
}

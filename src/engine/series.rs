//! A time series for charts whose memory is bounded however long the run.

use super::Millis;
use serde::Serialize;

/// Keeps at most `capacity` points. When full, it keeps every other point and doubles its
/// sampling interval, so a chart of an hour-long run costs the same as a chart of a minute.
/// Each kept point holds the maximum seen in its interval, so peaks (the heap at death) survive.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BoundedSeries {
    capacity: usize,
    interval: Millis,
    points: Vec<(Millis, u64)>,
    pending_max: Option<u64>,
    next_at: Millis,
}

impl BoundedSeries {
    pub fn new(capacity: usize, interval: Millis) -> Self {
        assert!(capacity >= 4 && interval > 0, "series needs room and a positive interval");
        Self { capacity, interval, points: Vec::with_capacity(capacity), pending_max: None, next_at: 0 }
    }

    pub fn record(&mut self, at: Millis, value: u64) {
        self.pending_max = Some(self.pending_max.map_or(value, |m| m.max(value)));
        if at < self.next_at {
            return;
        }
        self.points.push((at, self.pending_max.take().unwrap_or(value)));
        self.next_at = at + self.interval;
        if self.points.len() >= self.capacity {
            self.halve();
        }
    }

    fn halve(&mut self) {
        let merged = self
            .points
            .chunks(2)
            .map(|pair| (pair[pair.len() - 1].0, pair.iter().map(|p| p.1).max().unwrap_or(0)))
            .collect();
        self.points = merged;
        self.interval *= 2;
    }

    pub fn points(&self) -> &[(Millis, u64)] {
        &self.points
    }

    pub fn max_value(&self) -> u64 {
        self.points.iter().map(|p| p.1).max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_over_a_long_run() {
        let mut s = BoundedSeries::new(64, 10);
        for t in 0..1_000_000 {
            s.record(t, t);
        }
        assert!(s.points().len() < 64);
        assert!(s.points().windows(2).all(|w| w[0].0 < w[1].0), "times stay ordered");
    }

    #[test]
    fn keeps_the_peak_when_thinning() {
        let mut s = BoundedSeries::new(8, 1);
        for t in 0..1000 {
            s.record(t, if t == 501 { 10_000 } else { 1 });
        }
        assert_eq!(s.max_value(), 10_000);
    }
}

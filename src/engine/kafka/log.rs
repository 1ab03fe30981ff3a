//! One partition's log as offset ranges: a log start, a log end, the active segment's base and
//! a bounded list of closed segments. Never one object per record.

use crate::engine::Millis;
use serde::Serialize;
use std::collections::VecDeque;

/// At most this many closed segments are tracked per partition. Past it, the two newest are
/// merged (the later close time wins): the oldest keep their own close times and age out on
/// time, and deletion of the newest gets coarser but never early.
pub const MAX_SEGMENTS: usize = 256;

/// A closed segment: offsets up to (not including) `end`, closed at `closed_at_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub end: u64,
    pub closed_at_ms: Millis,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartitionLog {
    /// Oldest retained offset (Kafka's log start offset).
    pub start: u64,
    /// Next offset to be written (the log end offset, LEO).
    pub end: u64,
    /// First offset of the active (open) segment.
    pub active_base: u64,
    /// Closed segments, oldest first; the first begins at `start`.
    pub closed: VecDeque<Segment>,
}

impl PartitionLog {
    pub fn new() -> Self {
        Self { start: 0, end: 0, active_base: 0, closed: VecDeque::new() }
    }

    pub fn retained(&self) -> u64 {
        self.end - self.start
    }

    /// Appends `count` records at `now`; the active segment rolls every `per_segment` records.
    pub fn append(&mut self, count: u64, now: Millis, per_segment: u64) {
        self.end += count;
        while self.end - self.active_base >= per_segment {
            self.active_base += per_segment;
            self.closed.push_back(Segment { end: self.active_base, closed_at_ms: now });
            if self.closed.len() > MAX_SEGMENTS {
                // The two newest become one, ending and closing where the newer does. Merging the
                // two oldest instead renewed the front's close time on every roll, so past 256
                // rolls per retention period `retention.ms` never deleted anything.
                let newest = self.closed.pop_back().expect("over capacity, so not empty");
                *self.closed.back_mut().expect("over capacity, so two") = newest;
            }
        }
    }

    /// The broker's retention check: deletes whole closed segments, oldest first, while the
    /// oldest is older than `retention_ms`, or while dropping it still leaves at least
    /// `retention_bytes` ("Deletion always happens from the end of the log"). Returns the
    /// records deleted.
    pub fn enforce_retention(&mut self, now: Millis, retention_ms: u64, retention_bytes: Option<u64>, record_bytes: u64) -> u64 {
        let before = self.start;
        while let Some(&oldest) = self.closed.front() {
            let too_old = now.saturating_sub(oldest.closed_at_ms) > retention_ms;
            let segment_records = oldest.end - self.start;
            let too_big = retention_bytes.is_some_and(|limit| (self.retained() - segment_records) * record_bytes >= limit);
            if !(too_old || too_big) {
                break;
            }
            self.start = oldest.end;
            self.closed.pop_front();
        }
        self.start - before
    }

    /// Segment boundaries from the log start to the end, for drawing: `(first, end, closed)`.
    pub fn segments(&self) -> impl Iterator<Item = (u64, u64, bool)> + '_ {
        let mut first = self.start;
        self.closed
            .iter()
            .map(move |s| {
                let span = (first, s.end, true);
                first = s.end;
                span
            })
            .chain(std::iter::once((self.active_base.max(self.start), self.end, false)))
    }
}

impl Default for PartitionLog {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_roll_at_their_size_and_retention_deletes_whole_ones() {
        let mut log = PartitionLog::new();
        log.append(25, 1_000, 10);
        assert_eq!((log.closed.len(), log.active_base), (2, 20));
        // Not old enough yet.
        assert_eq!(log.enforce_retention(5_000, 10_000, None, 100), 0);
        // Both closed segments are past retention; the active one never goes.
        assert_eq!(log.enforce_retention(12_000, 10_000, None, 100), 20);
        assert_eq!((log.start, log.end), (20, 25));
    }

    #[test]
    fn retention_bytes_keeps_at_least_the_limit() {
        let mut log = PartitionLog::new();
        log.append(35, 0, 10);
        // 35 records × 100 B = 3,500 B; limit 1,500 B: dropping 10 leaves 2,500 ≥ 1,500, dropping
        // 20 leaves 1,500 ≥ 1,500, dropping the third would leave 500 < 1,500.
        assert_eq!(log.enforce_retention(0, u64::MAX, Some(1_500), 100), 20);
    }

    #[test]
    fn retention_ms_still_deletes_when_segments_roll_faster_than_the_list_holds() {
        // One segment per ms for 10 s: 10,000 segments, far more than MAX_SEGMENTS.
        let mut log = PartitionLog::new();
        for t in 1..=10_000 {
            log.append(10, t, 10);
        }
        // With a 5 s retention, the records of the first 5 s are due (coarsely, never early):
        // some are deleted, and none appended in the last 5 s.
        let deleted = log.enforce_retention(10_000, 5_000, None, 100);
        assert!(deleted > 0 && deleted <= 50_000, "{deleted} deleted");
        assert!(log.closed.len() <= MAX_SEGMENTS);
        // Once the appends stop, everything closed ages out.
        log.enforce_retention(20_000, 5_000, None, 100);
        assert_eq!((log.start, log.closed.len()), (log.active_base, 0));
    }

    #[test]
    fn the_segment_list_stays_bounded() {
        let mut log = PartitionLog::new();
        for t in 0..100_000 {
            log.append(7, t, 3);
        }
        assert!(log.closed.len() <= MAX_SEGMENTS);
        let spans: Vec<_> = log.segments().collect();
        assert_eq!(spans.first().unwrap().0, 0);
        assert_eq!(spans.last().unwrap().1, 700_000);
        assert!(spans.windows(2).all(|w| w[0].1 == w[1].0), "contiguous");
    }
}

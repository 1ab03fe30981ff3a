//! One stream buffer with Node's `highWaterMark` rules (lib/internal/streams/writable.js):
//! `write()` always accepts the chunk and returns `length < highWaterMark` after adding it;
//! `'drain'` is owed only after a `false`, and fires only once the buffer is empty.

use serde::Serialize;

/// What the buffered chunks are, which decides the unit of `highWaterMark` and where the memory lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Content {
    /// objectMode: each chunk counts 1 whatever its size; a chunk holds `rows_per_chunk` rows.
    Objects { rows_per_chunk: u64 },
    /// Strings on the V8 heap, `bytes_per_row` each.
    Text { bytes_per_row: u64 },
    /// `Buffer`s, allocated outside the V8 heap (they count towards RSS).
    Binary { bytes_per_row: u64 },
}

impl Content {
    pub fn is_object_mode(self) -> bool {
        matches!(self, Content::Objects { .. })
    }

    /// Bytes per row for byte content, `None` in objectMode.
    pub fn bytes_per_row(self) -> Option<u64> {
        match self {
            Content::Objects { .. } => None,
            Content::Text { bytes_per_row } | Content::Binary { bytes_per_row } => Some(bytes_per_row),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StreamBuffer {
    pub content: Content,
    pub high_water_mark: u64,
    /// A buggy stream that reports `true` from every `write()`.
    pub ignores_high_water_mark: bool,
    /// Whole rows held, including the chunk being written out.
    rows: u64,
    /// Bytes of the oldest row already handed to the socket (byte streams only).
    head_bytes_sent: u64,
    need_drain: bool,
}

impl StreamBuffer {
    pub fn new(content: Content, high_water_mark: u64, ignores_high_water_mark: bool) -> Self {
        Self { content, high_water_mark, ignores_high_water_mark, rows: 0, head_bytes_sent: 0, need_drain: false }
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// `readableLength` / `writableLength`: objects in objectMode, bytes otherwise.
    pub fn length(&self) -> u64 {
        self.length_with(self.rows) - self.head_bytes_sent
    }

    fn length_with(&self, rows: u64) -> u64 {
        match self.content {
            Content::Objects { rows_per_chunk } => rows.div_ceil(rows_per_chunk),
            Content::Text { bytes_per_row } | Content::Binary { bytes_per_row } => rows * bytes_per_row,
        }
    }

    /// How many rows can be written before (and including) the write that returns `false`.
    /// `u64::MAX` for a stream that never says `false`.
    pub fn rows_until_false(&self) -> u64 {
        if self.ignores_high_water_mark {
            return u64::MAX;
        }
        let length = self.length();
        if length >= self.high_water_mark {
            return 1;
        }
        let missing = self.high_water_mark - length;
        match self.content {
            Content::Objects { rows_per_chunk } => missing * rows_per_chunk,
            Content::Text { bytes_per_row } | Content::Binary { bytes_per_row } => missing.div_ceil(bytes_per_row),
        }
    }

    /// `write()` for `rows` rows, one call each. Returns how many of those calls returned `false`.
    pub fn write(&mut self, rows: u64) -> u64 {
        if rows == 0 {
            return 0;
        }
        let first_false = self.rows_until_false();
        self.rows += rows;
        if self.ignores_high_water_mark || rows < first_false {
            return 0;
        }
        self.need_drain = true;
        rows - (first_false - 1)
    }

    /// Removes up to `rows` whole rows from the head; returns how many left.
    pub fn take(&mut self, rows: u64) -> u64 {
        let taken = rows.min(self.rows);
        self.rows -= taken;
        if taken > 0 {
            self.head_bytes_sent = 0;
        }
        taken
    }

    /// Hands up to `bytes` to the socket; returns (whole rows completed, bytes used).
    pub fn flush_bytes(&mut self, bytes: u64) -> (u64, u64) {
        let Some(bytes_per_row) = self.content.bytes_per_row() else {
            return (0, 0);
        };
        let sendable = bytes.min(self.length());
        let progressed = self.head_bytes_sent + sendable;
        let completed = progressed / bytes_per_row;
        self.rows -= completed;
        self.head_bytes_sent = progressed % bytes_per_row;
        (completed, sendable)
    }

    /// Emits `'drain'` if one is owed and the buffer is now empty; returns whether it fired.
    pub fn poll_drain(&mut self) -> bool {
        if self.need_drain && self.rows == 0 {
            self.need_drain = false;
            return true;
        }
        false
    }

    /// Everything that decides what the next `write()`, flush or `'drain'` does.
    pub(crate) fn shape(&self) -> (u64, u64, bool) {
        (self.rows, self.head_bytes_sent, self.need_drain)
    }

    pub fn needs_drain(&self) -> bool {
        self.need_drain
    }

    /// Memory held, split into (V8 heap, outside the heap).
    pub fn memory(&self, row_object_bytes: u64, chunk_overhead_bytes: u64) -> (u64, u64) {
        match self.content {
            Content::Objects { .. } => (self.rows * row_object_bytes, 0),
            Content::Text { bytes_per_row } => (self.rows * (bytes_per_row + chunk_overhead_bytes), 0),
            Content::Binary { bytes_per_row } => (self.rows * chunk_overhead_bytes, self.rows * bytes_per_row),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(hwm: u64) -> StreamBuffer {
        StreamBuffer::new(Content::Objects { rows_per_chunk: 1 }, hwm, false)
    }

    fn bytes(hwm: u64, per_row: u64) -> StreamBuffer {
        StreamBuffer::new(Content::Text { bytes_per_row: per_row }, hwm, false)
    }

    #[test]
    fn object_mode_sixteenth_write_returns_false() {
        let mut b = objects(16);
        for call in 1..=15 {
            assert_eq!(b.write(1), 0, "write #{call} should return true");
        }
        assert_eq!(b.write(1), 1, "write #16 reaches the hwm and returns false");
        assert_eq!(b.length(), 16);
    }

    #[test]
    fn a_chunk_bigger_than_the_hwm_is_accepted_and_returns_false() {
        let mut b = bytes(65_536, 70_000);
        assert_eq!(b.write(1), 1);
        assert_eq!(b.length(), 70_000, "write() never refuses the chunk");
    }

    #[test]
    fn every_write_past_the_hwm_returns_false() {
        let mut b = bytes(16_384, 300);
        // ceil(16384 / 300) = 55: writes 1..=54 are true, 55..=100 are false.
        assert_eq!(b.rows_until_false(), 55);
        assert_eq!(b.write(100), 46);
    }

    #[test]
    fn drain_waits_for_an_empty_buffer_not_just_below_the_hwm() {
        let mut b = objects(4);
        b.write(6);
        b.take(5);
        assert!(b.length() < 4);
        assert!(!b.poll_drain(), "below hwm is not enough");
        b.take(1);
        assert!(b.poll_drain(), "empty after a false: drain fires");
        assert!(!b.poll_drain(), "and only once");
    }

    #[test]
    fn no_drain_without_a_false() {
        let mut b = objects(16);
        b.write(3);
        b.take(3);
        assert!(!b.poll_drain());
    }

    #[test]
    fn ignoring_stage_never_says_false() {
        let mut b = StreamBuffer::new(Content::Objects { rows_per_chunk: 1 }, 16, true);
        assert_eq!(b.write(10_000), 0);
        assert!(!b.needs_drain());
        assert_eq!(b.length(), 10_000);
    }

    #[test]
    fn socket_flush_counts_the_chunk_in_flight() {
        let mut b = bytes(16_384, 300);
        b.write(2);
        let (rows, used) = b.flush_bytes(450);
        assert_eq!((rows, used), (1, 450));
        assert_eq!(b.length(), 150, "half a row still counts in writableLength");
        assert_eq!(b.flush_bytes(1000), (1, 150));
        assert!(b.is_empty());
    }

    #[test]
    fn batch_chunks_count_one_object_each() {
        let mut b = StreamBuffer::new(Content::Objects { rows_per_chunk: 50 }, 16, false);
        b.write(50 * 15);
        assert_eq!(b.length(), 15);
        assert_eq!(b.rows_until_false(), 50);
    }
}

//! Where a slider's track can stop: pure, so it is tested natively.

/// The values a track can stop at, so that each arrow key moves to the next one and a drag
/// lands on a round number. Small ranges stop at every integer; wide ones at two significant
/// digits (…, 98, 99, 100, 110, …, 990, 1,000, 1,100, …), which spreads them logarithmically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Every { min: u64, max: u64 },
    TwoDigits { min: u64, max: u64, first: u64, last: u64 },
}

/// The `index`-th round number: 0..=99, then 100, 110, …, 990, 1,000, 1,100, …
fn round_number(index: u64) -> u64 {
    if index < 100 {
        return index;
    }
    let past = index - 100;
    (10 + past % 90).saturating_mul(10_u64.saturating_pow((past / 90 + 1) as u32))
}

/// The index of the largest round number at or below `value`.
fn round_index(value: u64) -> u64 {
    if value < 100 {
        return value;
    }
    let mut magnitude = 1_u64;
    while value / magnitude >= 100 {
        magnitude *= 10;
    }
    let exponent = magnitude.ilog10() as u64;
    100 + (exponent - 1) * 90 + (value / magnitude - 10)
}

impl Scale {
    pub fn new(min: u64, max: u64, log: bool) -> Self {
        if !log && max - min <= 1_000 || max < 100 {
            Scale::Every { min, max }
        } else {
            Scale::TwoDigits { min, max, first: round_index(min), last: round_index(max) }
        }
    }

    /// The highest position on the track (positions are 0..=this).
    pub fn top(self) -> u64 {
        match self {
            Scale::Every { min, max } => max - min,
            Scale::TwoDigits { max, first, last, .. } => last - first + u64::from(round_number(last) != max),
        }
    }

    pub fn value_at(self, position: u64) -> u64 {
        let position = position.min(self.top());
        match self {
            Scale::Every { min, .. } => min + position,
            Scale::TwoDigits { min, max, first, .. } if position == 0 => round_number(first).max(min).min(max),
            Scale::TwoDigits { max, first, .. } => round_number(first + position).min(max),
        }
    }

    pub fn position_of(self, value: u64) -> u64 {
        match self {
            Scale::Every { min, max } => value.clamp(min, max) - min,
            Scale::TwoDigits { min, max, first, .. } => {
                if value <= min {
                    0
                } else if value >= max {
                    self.top()
                } else {
                    round_index(value) - first
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_value(scale: Scale) -> Vec<u64> {
        (0..=scale.top()).map(|p| scale.value_at(p)).collect()
    }

    #[test]
    fn small_ranges_stop_at_every_integer() {
        let scale = Scale::new(1, 50, false);
        assert_eq!(every_value(scale), (1..=50).collect::<Vec<_>>());
        assert_eq!(scale.position_of(3), 2);
    }

    #[test]
    fn wide_ranges_stop_at_round_numbers_and_both_ends() {
        let scale = Scale::new(1_000, 1_250_000_000, true);
        let values = every_value(scale);
        assert_eq!(values.first(), Some(&1_000));
        assert_eq!(values.last(), Some(&1_250_000_000), "the maximum is reachable though not round");
        assert!(values.windows(2).all(|w| w[0] < w[1]), "each arrow key moves to a larger value");
        assert!(values.contains(&16_000) && values.contains(&1_000_000));
        assert!(values.len() < 700, "{} stops", values.len());
    }

    #[test]
    fn every_stop_maps_back_to_its_position() {
        for (min, max, log) in [(0, 86_400, false), (16, 65_536, true), (10, 100_000, true), (0, 4_096, true), (7, 1_234_567, true)] {
            let scale = Scale::new(min, max, log);
            for position in 0..=scale.top() {
                assert_eq!(scale.position_of(scale.value_at(position)), position, "{min}..{max} at {position}");
            }
        }
    }

    #[test]
    fn a_value_between_stops_sits_at_the_stop_below() {
        let scale = Scale::new(1, 100_000_000, true);
        let position = scale.position_of(16_137);
        assert_eq!(scale.value_at(position), 16_000);
        assert_eq!(scale.value_at(position + 1), 17_000);
    }
}

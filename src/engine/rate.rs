use super::Millis;

/// Turns a rate per second into whole units per step, carrying the fraction to the next step,
/// so that integer steps add up to the exact rate over time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateCredit {
    milli_units: u64,
}

impl RateCredit {
    /// Whole units available in a step of `dt` at `per_second`. Unused units are not banked:
    /// callers that cannot use the budget simply drop it, as an idle link cannot save bandwidth.
    pub fn take(&mut self, per_second: u64, dt: Millis) -> u64 {
        self.milli_units += per_second.saturating_mul(dt);
        let whole = self.milli_units / 1000;
        self.milli_units %= 1000;
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractional_rates_add_up_exactly() {
        let mut credit = RateCredit::default();
        let total: u64 = (0..1000).map(|_| credit.take(3_333, 1)).sum();
        assert_eq!(total, 3_333);
    }

    #[test]
    fn slow_rates_still_deliver() {
        let mut credit = RateCredit::default();
        let total: u64 = (0..10_000).map(|_| credit.take(1, 1)).sum();
        assert_eq!(total, 10);
    }
}

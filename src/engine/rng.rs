use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// The one source of randomness in a simulation: seeded, portable, identical on native and wasm.
#[derive(Clone, Debug)]
pub struct SimRng(Pcg64Mcg);

impl SimRng {
    pub fn new(seed: u64) -> Self {
        Self(Pcg64Mcg::seed_from_u64(seed))
    }

    /// A uniform integer in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        debug_assert!(low <= high);
        let span = high - low + 1;
        // Multiply-shift keeps the draw unbiased enough for jitter and avoids a modulo loop.
        low + ((u128::from(self.0.next_u64()) * u128::from(span)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_draws() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        for _ in 0..100 {
            assert_eq!(a.between(0, 1000), b.between(0, 1000));
        }
    }

    #[test]
    fn draws_stay_in_range_and_cover_it() {
        let mut rng = SimRng::new(1);
        let draws: Vec<u64> = (0..2000).map(|_| rng.between(5, 9)).collect();
        assert!(draws.iter().all(|d| (5..=9).contains(d)));
        for v in 5..=9 {
            assert!(draws.contains(&v), "{v} never drawn");
        }
    }
}

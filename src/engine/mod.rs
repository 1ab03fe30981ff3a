//! The simulation engine: pure Rust, no browser types.
//!
//! Conventions every system follows:
//! - time is an integer count of milliseconds, advanced in fixed steps of [`STEP_MS`], so results
//!   never depend on how often the caller asks for steps (frame rate, CLI loop);
//! - all randomness comes from one seeded [`SimRng`];
//! - state is held as counts, never as one object per message, so memory stays bounded.

/// A unit enum's names in the scenario format (serde's renames spelled out): `ALL` and `name()`,
/// so links and the page name a choice without serde or `Debug`.
macro_rules! names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }
    };
}

pub mod kafka;
pub mod laws;
pub mod node;
pub mod range;
pub mod sqs;
mod rate;
mod rng;
pub mod series;
pub mod simulation;
pub mod timeline;
pub mod twin;

pub use rate::RateCredit;
pub use rng::SimRng;
pub use simulation::Simulation;
pub use timeline::{Intervene, Timeline};

/// Simulated time in milliseconds.
pub type Millis = u64;

/// Length of one engine step. 1 ms is fine enough to see single `write()` calls cross a 16 KiB
/// `highWaterMark` at realistic bandwidths, and cheap enough that an hour costs well under a second.
pub const STEP_MS: Millis = 1;

pub const KIB: u64 = 1024;
pub const MIB: u64 = 1024 * 1024;

//! Pieces every scenario's widget uses.

pub mod slider;
pub mod transport;

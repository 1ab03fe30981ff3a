//! Pieces every scenario's widget uses.

pub mod link_bar;
pub mod positions;
pub mod slider;
pub mod transport;

//! Pieces every scenario's widget uses.

pub mod link_bar;
pub mod slider;
pub mod transport;

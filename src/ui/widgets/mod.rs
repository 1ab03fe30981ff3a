//! Pieces every scenario's widget uses.

pub mod data_table;
pub mod laws;
pub mod link_bar;
pub mod narration;
pub mod positions;
pub mod slider;
pub mod transport;
